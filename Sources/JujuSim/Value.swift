import Foundation

/// A dynamically typed document value, the common currency of YAML files, JSON payloads, hook-tool output,
/// config options and action parameters.
enum Value: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([Value])
  case map([String: Value])

  var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  var mapValue: [String: Value]? {
    if case .map(let entries) = self { return entries }
    return nil
  }

  var listValue: [Value]? {
    if case .list(let items) = self { return items }
    return nil
  }

  subscript(key: String) -> Value? {
    mapValue?[key]
  }

  /// Text of a scalar the way a user would write it on a command line (`true`, `42`, `1.5`, `abc`).
  var scalarText: String {
    switch self {
    case .null: return ""
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .double(let number): return formatDouble(number)
    case .string(let text): return text
    case .list, .map: return JSON.encode(self)
    }
  }
}

/// Formats a float the way Go's strconv `'g'`-like output reads for ordinary values (`1.5`, `2`, `1e+21`).
func formatDouble(_ number: Double) -> String {
  if number.isNaN { return "NaN" }
  if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }
  if number == number.rounded(), abs(number) < 1e21 { return String(Int(number)) }
  return "\(number)"
}

extension Value: Codable {
  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Int.self) {
      self = .int(number)
    } else if let number = try? container.decode(Double.self) {
      self = .double(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let items = try? container.decode([Value].self) {
      self = .list(items)
    } else {
      self = .map(try container.decode([String: Value].self))
    }
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let flag): try container.encode(flag)
    case .int(let number): try container.encode(number)
    case .double(let number): try container.encode(number)
    case .string(let text): try container.encode(text)
    case .list(let items): try container.encode(items)
    case .map(let entries): try container.encode(entries)
    }
  }
}

/// Errors of the JSON and YAML readers, with the position that failed.
struct DocumentError: Error, CustomStringConvertible {
  let description: String
}

/// JSON encoding as Go's `json.Marshal` does it (compact, keys sorted, `<`, `>` and `&` escaped), and a
/// small strict parser.
enum JSON {
  /// Encodes `value`; `escapeHTML` false keeps `<`, `>` and `&` readable, for files people read.
  static func encode(_ value: Value, escapeHTML: Bool = true) -> String {
    var output = ""
    write(value, to: &output, escapeHTML: escapeHTML)
    return output
  }

  private static func write(_ value: Value, to output: inout String, escapeHTML: Bool) {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .int(let number): output += String(number)
    case .double(let number): output += formatDouble(number)
    case .string(let text): writeString(text, to: &output, escapeHTML: escapeHTML)
    case .list(let items):
      output += "["
      for (index, item) in items.enumerated() {
        if index > 0 { output += "," }
        write(item, to: &output, escapeHTML: escapeHTML)
      }
      output += "]"
    case .map(let entries):
      output += "{"
      for (index, key) in entries.keys.sorted().enumerated() {
        if index > 0 { output += "," }
        writeString(key, to: &output, escapeHTML: escapeHTML)
        output += ":"
        write(entries[key]!, to: &output, escapeHTML: escapeHTML)
      }
      output += "}"
    }
  }

  private static func writeString(_ text: String, to output: inout String, escapeHTML: Bool) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML:
        output += String(format: "\\u%04x", scalar.value)
      case "\u{2028}", "\u{2029}":
        output += String(format: "\\u%04x", scalar.value)
      default:
        if scalar.value < 0x20 {
          output += String(format: "\\u%04x", scalar.value)
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }

  static func parse(_ text: String) throws(DocumentError) -> Value {
    var parser = JSONParser(scalars: Array(text.unicodeScalars))
    let value = try parser.parseValue()
    parser.skipSpace()
    if parser.index < parser.scalars.count {
      throw DocumentError(description: "invalid JSON: unexpected text at offset \(parser.index)")
    }
    return value
  }
}

private struct JSONParser {
  let scalars: [Unicode.Scalar]
  var index = 0

  mutating func skipSpace() {
    while index < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[index]) { index += 1 }
  }

  func failure(_ message: String) -> DocumentError {
    DocumentError(description: "invalid JSON: \(message) at offset \(index)")
  }

  mutating func parseValue() throws(DocumentError) -> Value {
    skipSpace()
    guard index < scalars.count else { throw failure("unexpected end of input") }
    switch scalars[index] {
    case "{": return try parseObject()
    case "[": return try parseArray()
    case "\"": return .string(try parseString())
    case "t": return try parseWord("true", .bool(true))
    case "f": return try parseWord("false", .bool(false))
    case "n": return try parseWord("null", .null)
    default: return try parseNumber()
    }
  }

  mutating func parseWord(_ word: String, _ value: Value) throws(DocumentError) -> Value {
    let end = index + word.unicodeScalars.count
    guard end <= scalars.count, String(String.UnicodeScalarView(scalars[index..<end])) == word else {
      throw failure("unexpected character")
    }
    index = end
    return value
  }

  mutating func parseNumber() throws(DocumentError) -> Value {
    let start = index
    while index < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[index]) { index += 1 }
    let text = String(String.UnicodeScalarView(scalars[start..<index]))
    if let number = Int(text) { return .int(number) }
    if let number = Double(text) { return .double(number) }
    throw failure("invalid number \"\(text)\"")
  }

  mutating func parseString() throws(DocumentError) -> String {
    index += 1
    var result = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == "\"" { return String(result) }
      if scalar != "\\" {
        result.append(scalar)
        continue
      }
      guard index < scalars.count else { break }
      let escape = scalars[index]
      index += 1
      switch escape {
      case "n": result.append("\n")
      case "t": result.append("\t")
      case "r": result.append("\r")
      case "b": result.append("\u{8}")
      case "f": result.append("\u{c}")
      case "u":
        var code = try parseHex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
          index += 2
          let low = try parseHex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        result.append(Unicode.Scalar(code) ?? "\u{FFFD}")
      default: result.append(escape)
      }
    }
    throw failure("unterminated string")
  }

  mutating func parseHex4() throws(DocumentError) -> UInt32 {
    guard index + 4 <= scalars.count,
      let code = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16)
    else { throw failure("invalid \\u escape") }
    index += 4
    return code
  }

  mutating func parseArray() throws(DocumentError) -> Value {
    index += 1
    var items: [Value] = []
    skipSpace()
    if index < scalars.count, scalars[index] == "]" {
      index += 1
      return .list(items)
    }
    while true {
      items.append(try parseValue())
      skipSpace()
      guard index < scalars.count else { throw failure("unterminated array") }
      let scalar = scalars[index]
      index += 1
      if scalar == "]" { return .list(items) }
      if scalar != "," { throw failure("expected , or ]") }
    }
  }

  mutating func parseObject() throws(DocumentError) -> Value {
    index += 1
    var entries: [String: Value] = [:]
    skipSpace()
    if index < scalars.count, scalars[index] == "}" {
      index += 1
      return .map(entries)
    }
    while true {
      skipSpace()
      guard index < scalars.count, scalars[index] == "\"" else { throw failure("expected a string key") }
      let key = try parseString()
      skipSpace()
      guard index < scalars.count, scalars[index] == ":" else { throw failure("expected :") }
      index += 1
      entries[key] = try parseValue()
      skipSpace()
      guard index < scalars.count else { throw failure("unterminated object") }
      let scalar = scalars[index]
      index += 1
      if scalar == "}" { return .map(entries) }
      if scalar != "," { throw failure("expected , or }") }
    }
  }
}
