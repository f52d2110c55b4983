import Foundation

/// The subset of YAML that charm files (`metadata.yaml`, `config.yaml`, `actions.yaml`) and hook-tool `--file`
/// inputs use: block maps and lists, flow `[...]` and `{...}`, quoted and plain scalars, `|` and `>` block
/// scalars and comments. Plain scalars resolve as YAML 1.1 does in Go's yaml.v2 (`yes` is a boolean).
/// Output follows yaml.v2's `Marshal`: keys sorted, lists not indented under their key, strings that would read as
/// another type double-quoted.
enum YAML {
  static func parse(_ text: String) throws(DocumentError) -> Value {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
      if let value = try? JSON.parse(trimmed) { return value }
    }
    var parser = YAMLParser(text: text)
    return try parser.parseDocument()
  }

  /// Resolves a plain (unquoted) scalar to its YAML 1.1 type.
  static func resolvePlain(_ text: String) -> Value {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return .bool(true)
    case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf": return .double(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
    case ".nan", ".NaN", ".NAN": return .double(.nan)
    default: break
    }
    let digits = text.replacingOccurrences(of: "_", with: "")
    if let number = Int(digits) { return .int(number) }
    if digits.hasPrefix("0x"), let number = Int(digits.dropFirst(2), radix: 16) { return .int(number) }
    if digits.hasPrefix("0o"), let number = Int(digits.dropFirst(2), radix: 8) { return .int(number) }
    let floatPattern = #"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"#
    if digits.range(of: floatPattern, options: .regularExpression) != nil, let number = Double(digits) {
      return .double(number)
    }
    return .string(text)
  }

  static func encode(_ value: Value) -> String {
    switch value {
    case .null: return ""
    case .map(let entries) where entries.isEmpty: return "{}\n"
    case .list(let items) where items.isEmpty: return "[]\n"
    case .map(let entries): return encodeMap(entries, indent: 0)
    case .list(let items): return encodeList(items, indent: 0)
    default:
      let text = encodeScalar(value, indent: 0)
      return text + "\n"
    }
  }

  private static func encodeMap(_ entries: [String: Value], indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var output = ""
    for key in entries.keys.sorted() {
      let value = entries[key]!
      let keyText = encodeString(key, indent: indent)
      switch value {
      case .map(let nested) where !nested.isEmpty:
        output += "\(pad)\(keyText):\n" + encodeMap(nested, indent: indent + 2)
      case .list(let items) where !items.isEmpty:
        output += "\(pad)\(keyText):\n" + encodeList(items, indent: indent)
      default:
        output += "\(pad)\(keyText): \(encodeScalar(value, indent: indent + 2))\n"
      }
    }
    return output
  }

  private static func encodeList(_ items: [Value], indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var output = ""
    for item in items {
      switch item {
      case .map(let nested) where !nested.isEmpty:
        let block = encodeMap(nested, indent: indent + 2)
        output += pad + "- " + block.dropFirst(indent + 2)
      case .list(let nested) where !nested.isEmpty:
        let block = encodeList(nested, indent: indent + 2)
        output += pad + "- " + block.dropFirst(indent + 2)
      default:
        output += "\(pad)- \(encodeScalar(item, indent: indent + 2))\n"
      }
    }
    return output
  }

  private static func encodeScalar(_ value: Value, indent: Int) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .double(let number):
      if number.isNaN { return ".nan" }
      if number.isInfinite { return number > 0 ? ".inf" : "-.inf" }
      return formatDouble(number)
    case .string(let text): return encodeString(text, indent: indent)
    case .map: return "{}"
    case .list: return "[]"
    }
  }

  /// Writes a string plain when it reads back as the same string, as a literal block when it has line breaks,
  /// single-quoted when it starts with an indicator, and double-quoted when it would read as another type.
  static func encodeString(_ text: String, indent: Int) -> String {
    if text.isEmpty { return "\"\"" }
    if resolvePlain(text) != .string(text) { return doubleQuoted(text) }
    if text.contains("\n"), !text.hasPrefix(" "), !text.unicodeScalars.contains(where: isControl) {
      var body = text
      var header = "|-"
      if body.hasSuffix("\n") {
        body.removeLast()
        header = body.hasSuffix("\n") ? "|+" : "|"
        if header == "|+" { body = text }
      }
      let pad = String(repeating: " ", count: indent)
      let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
      return header + "\n" + lines.joined(separator: "\n")
    }
    if text.unicodeScalars.contains(where: isControl) { return doubleQuoted(text) }
    let indicators = "-?:,[]{}#&*!|>'\"%@`"
    let needsQuotes = indicators.contains(text.first!) || text.contains(": ") || text.contains(" #")
      || text.hasSuffix(":") || text.first!.isWhitespace || text.last!.isWhitespace
    if needsQuotes { return "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    return text
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\n") || scalar.value == 0x7f
  }

  private static func doubleQuoted(_ text: String) -> String {
    var output = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\t": output += "\\t"
      case "\r": output += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          output += String(format: "\\x%02X", scalar.value)
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    return output + "\""
  }
}

/// Indentation-driven reader for the block YAML subset described on `YAML`.
private struct YAMLParser {
  struct Line {
    var indent: Int
    var text: String
    let raw: String
    let number: Int
  }

  var lines: [Line]
  var index = 0

  init(text: String) {
    var result: [Line] = []
    for (offset, rawLine) in text.components(separatedBy: "\n").enumerated() {
      let raw = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
      let indent = raw.prefix(while: { $0 == " " }).count
      let content = YAMLParser.stripComment(String(raw.dropFirst(indent)))
      result.append(Line(indent: indent, text: content, raw: raw, number: offset + 1))
    }
    lines = result
  }

  /// Removes a `#` comment that starts the text or follows a space, unless it sits inside quotes.
  static func stripComment(_ text: String) -> String {
    var quote: Character?
    var previous: Character = " "
    for (offset, character) in text.enumerated() {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        if previous == " " || previous == ":" || previous == "[" || previous == "{" || previous == "," || offset == 0 {
          quote = character
        }
      } else if character == "#", previous == " " || offset == 0 {
        return String(text.prefix(offset)).trimmingCharacters(in: .whitespaces)
      }
      previous = character
    }
    return text.trimmingCharacters(in: .whitespaces)
  }

  func failure(_ message: String) -> DocumentError {
    let number = index < lines.count ? lines[index].number : lines.count
    return DocumentError(description: "invalid YAML at line \(number): \(message)")
  }

  mutating func skipBlank() {
    while index < lines.count, lines[index].text.isEmpty || lines[index].text == "---" { index += 1 }
  }

  mutating func parseDocument() throws(DocumentError) -> Value {
    skipBlank()
    if index >= lines.count { return .null }
    let value = try parseNode(minIndent: 0)
    skipBlank()
    if index < lines.count { throw failure("unexpected content \"\(lines[index].text)\"") }
    return value
  }

  mutating func parseNode(minIndent: Int) throws(DocumentError) -> Value {
    skipBlank()
    guard index < lines.count, lines[index].indent >= minIndent else { return .null }
    let line = lines[index]
    if line.text == "-" || line.text.hasPrefix("- ") { return try parseList(indent: line.indent) }
    if YAMLParser.splitKey(line.text) != nil { return try parseMap(indent: line.indent) }
    index += 1
    return try parseInline(line.text)
  }

  mutating func parseList(indent: Int) throws(DocumentError) -> Value {
    var items: [Value] = []
    while true {
      skipBlank()
      guard index < lines.count, lines[index].indent == indent else { break }
      let line = lines[index]
      guard line.text == "-" || line.text.hasPrefix("- ") else { break }
      let content = String(line.text.dropFirst(1)).trimmingCharacters(in: .whitespaces)
      if content.isEmpty {
        index += 1
        items.append(try parseNode(minIndent: indent + 1))
      } else if YAMLParser.splitKey(content) != nil || content.hasPrefix("- ") {
        let offset = line.text.count - content.count
        lines[index].indent = indent + offset
        lines[index].text = content
        items.append(try parseNode(minIndent: indent + offset))
      } else {
        index += 1
        items.append(try parseInline(content))
      }
    }
    return .list(items)
  }

  mutating func parseMap(indent: Int) throws(DocumentError) -> Value {
    var entries: [String: Value] = [:]
    while true {
      skipBlank()
      guard index < lines.count, lines[index].indent == indent else { break }
      let line = lines[index]
      guard let (rawKey, rest) = YAMLParser.splitKey(line.text) else {
        throw failure("expected \"key: value\", found \"\(line.text)\"")
      }
      let key = try YAMLParser.keyText(rawKey)
      index += 1
      if rest.isEmpty {
        skipBlank()
        if index < lines.count, lines[index].indent == indent, lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
          entries[key] = try parseList(indent: indent)
        } else {
          entries[key] = try parseNode(minIndent: indent + 1)
        }
      } else if rest.hasPrefix("|") || rest.hasPrefix(">") {
        entries[key] = .string(readBlockScalar(header: rest, parentIndent: indent))
      } else {
        entries[key] = try parseInline(rest)
      }
    }
    return .map(entries)
  }

  /// Reads the lines of a `|` or `>` block scalar that follow its header.
  mutating func readBlockScalar(header: String, parentIndent: Int) -> String {
    var body: [String] = []
    var blockIndent: Int?
    while index < lines.count {
      let line = lines[index]
      let isBlank = line.raw.trimmingCharacters(in: .whitespaces).isEmpty
      if !isBlank {
        if line.indent <= parentIndent { break }
        if blockIndent == nil { blockIndent = line.indent }
        if line.indent < blockIndent! { break }
      }
      body.append(isBlank ? "" : String(line.raw.dropFirst(blockIndent!)))
      index += 1
    }
    var trailingBlank = 0
    while let last = body.last, last.isEmpty {
      body.removeLast()
      trailingBlank += 1
    }
    var text: String
    if header.hasPrefix(">") {
      text = ""
      for (offset, line) in body.enumerated() {
        if offset > 0 { text += line.isEmpty || body[offset - 1].isEmpty ? "\n" : " " }
        text += line
      }
    } else {
      text = body.joined(separator: "\n")
    }
    if header.contains("-") || body.isEmpty { return text }
    if header.contains("+") { return text + String(repeating: "\n", count: trailingBlank + 1) }
    return text + "\n"
  }

  /// Splits `key: value` or `key:` at the first colon outside quotes that ends the text or precedes a space.
  static func splitKey(_ text: String) -> (String, String)? {
    var quote: Character?
    let characters = Array(text)
    if let first = characters.first, first == "[" || first == "{" { return nil }
    for offset in characters.indices {
      let character = characters[offset]
      if let open = quote {
        if character == open { quote = nil }
        continue
      }
      if (character == "\"" || character == "'") && offset == 0 {
        quote = character
      } else if character == ":" && (offset + 1 == characters.count || characters[offset + 1] == " ") {
        let key = String(characters[..<offset]).trimmingCharacters(in: .whitespaces)
        let rest = String(characters[(offset + 1)...]).trimmingCharacters(in: .whitespaces)
        return (key, rest)
      }
    }
    return nil
  }

  static func keyText(_ raw: String) throws(DocumentError) -> String {
    if raw.hasPrefix("\"") || raw.hasPrefix("'") {
      var scanner = FlowScanner(text: raw)
      if case .string(let key) = try scanner.parseValue() { return key }
    }
    return raw
  }

  func parseInline(_ text: String) throws(DocumentError) -> Value {
    var scanner = FlowScanner(text: text)
    let value = try scanner.parseValue(topLevel: true)
    return value
  }
}

/// Reader for one line of flow YAML: quoted scalars, `[a, b]`, `{k: v}` and plain scalars.
private struct FlowScanner {
  let characters: [Character]
  var index = 0

  init(text: String) {
    characters = Array(text)
  }

  func failure(_ message: String) -> DocumentError {
    DocumentError(description: "invalid YAML: \(message) in \"\(String(characters))\"")
  }

  mutating func skipSpace() {
    while index < characters.count, characters[index] == " " { index += 1 }
  }

  mutating func parseValue(topLevel: Bool = false) throws(DocumentError) -> Value {
    skipSpace()
    guard index < characters.count else { return .null }
    switch characters[index] {
    case "[": return try parseSequence()
    case "{": return try parseMapping()
    case "\"": return .string(try parseDoubleQuoted())
    case "'": return .string(try parseSingleQuoted())
    default:
      let start = index
      if topLevel {
        index = characters.count
      } else {
        while index < characters.count, !",]}".contains(characters[index]) {
          if characters[index] == ":", index + 1 < characters.count, characters[index + 1] == " " { break }
          index += 1
        }
      }
      let text = String(characters[start..<index]).trimmingCharacters(in: .whitespaces)
      return YAML.resolvePlain(text)
    }
  }

  mutating func parseSequence() throws(DocumentError) -> Value {
    index += 1
    var items: [Value] = []
    while true {
      skipSpace()
      guard index < characters.count else { throw failure("unterminated [") }
      if characters[index] == "]" {
        index += 1
        return .list(items)
      }
      items.append(try parseValue())
      skipSpace()
      if index < characters.count, characters[index] == "," { index += 1 }
    }
  }

  mutating func parseMapping() throws(DocumentError) -> Value {
    index += 1
    var entries: [String: Value] = [:]
    while true {
      skipSpace()
      guard index < characters.count else { throw failure("unterminated {") }
      if characters[index] == "}" {
        index += 1
        return .map(entries)
      }
      let key = try parseValue()
      skipSpace()
      guard index < characters.count, characters[index] == ":" else { throw failure("expected : in mapping") }
      index += 1
      entries[key.scalarText] = try parseValue()
      skipSpace()
      if index < characters.count, characters[index] == "," { index += 1 }
    }
  }

  mutating func parseDoubleQuoted() throws(DocumentError) -> String {
    index += 1
    var result = ""
    while index < characters.count {
      let character = characters[index]
      index += 1
      if character == "\"" { return result }
      if character != "\\" {
        result.append(character)
        continue
      }
      guard index < characters.count else { break }
      let escape = characters[index]
      index += 1
      switch escape {
      case "n": result.append("\n")
      case "t": result.append("\t")
      case "r": result.append("\r")
      case "0": result.append("\0")
      case "x", "u":
        let width = escape == "x" ? 2 : 4
        guard index + width <= characters.count,
          let code = UInt32(String(characters[index..<index + width]), radix: 16), let scalar = Unicode.Scalar(code)
        else { throw failure("invalid escape") }
        result.unicodeScalars.append(scalar)
        index += width
      default: result.append(escape)
      }
    }
    throw failure("unterminated double-quoted string")
  }

  mutating func parseSingleQuoted() throws(DocumentError) -> String {
    index += 1
    var result = ""
    while index < characters.count {
      let character = characters[index]
      index += 1
      if character == "'" {
        if index < characters.count, characters[index] == "'" {
          result.append("'")
          index += 1
          continue
        }
        return result
      }
      result.append(character)
    }
    throw failure("unterminated single-quoted string")
  }
}
