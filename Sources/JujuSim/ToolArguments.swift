import Foundation

/// A hook-tool failure. As in Juju's `cmd.Main`, argument errors exit 2 and run errors exit 1, both printing
/// `ERROR <message>` on stderr.
enum ToolError: Error {
  case usage(String)
  case failed(String)
}

/// The flags one hook tool accepts: names (short and long, first is the key) and whether each takes a value.
struct FlagSpec {
  let names: [String]
  let takesValue: Bool

  static func value(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: true) }
  static func bool(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: false) }
}

/// Parsed tool arguments, read the way Go's gnuflag reads them: flags may sit between positional arguments,
/// `--` ends the flags, `-f value`, `--flag value` and `--flag=value` all work, and boolean flags take
/// `--flag` or `--flag=true|false|1|0`.
struct ToolArguments {
  private(set) var values: [String: String] = [:]
  private(set) var positional: [String] = []

  init(_ arguments: [String], flags: [FlagSpec]) throws(ToolError) {
    var index = 0
    var flagsEnded = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if flagsEnded || argument == "-" || !argument.hasPrefix("-") {
        positional.append(argument)
        continue
      }
      if argument == "--" {
        flagsEnded = true
        continue
      }
      let body = argument.drop { $0 == "-" }
      let dashes = String(argument.prefix(argument.count - body.count))
      let name: String
      var inlineValue: String?
      if let equals = body.firstIndex(of: "=") {
        name = String(body[..<equals])
        inlineValue = String(body[body.index(after: equals)...])
      } else {
        name = String(body)
      }
      guard let spec = flags.first(where: { $0.names.contains(name) }) else {
        throw .usage("flag provided but not defined: \(dashes)\(name)")
      }
      let key = spec.names[0]
      if spec.takesValue {
        if let inlineValue {
          values[key] = inlineValue
        } else if index < arguments.count {
          values[key] = arguments[index]
          index += 1
        } else {
          throw .usage("flag needs an argument: \(dashes)\(name)")
        }
      } else {
        let text = inlineValue ?? "true"
        guard let flag = ToolArguments.parseBool(text) else {
          throw .usage("invalid boolean value \"\(text)\" for flag \(dashes)\(name)")
        }
        values[key] = flag ? "true" : "false"
      }
    }
  }

  /// Go's `strconv.ParseBool`.
  static func parseBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "true", "TRUE", "True": return true
    case "0", "f", "F", "false", "FALSE", "False": return false
    default: return nil
    }
  }

  func flag(_ name: String) -> Bool { values[name] == "true" }

  func value(_ name: String) -> String? { values[name] }

  /// Rejects more positional arguments than the tool takes, with gnuflag's wording.
  func requireAtMost(_ count: Int) throws(ToolError) {
    guard positional.count > count else { return }
    let extra = positional[count...].map { "\"\($0)\"" }.joined(separator: " ")
    throw .usage("unrecognized args: [\(extra)]")
  }
}

/// The `--format` choices of hook tools.
enum OutputFormat: String {
  case smart, yaml, json

  /// Reads `--format`, defaulting to `fallback`, and rejects formats the tool does not offer.
  static func from(_ arguments: ToolArguments, allowed: [OutputFormat] = [.smart, .yaml, .json], fallback: OutputFormat = .smart)
    throws(ToolError) -> OutputFormat
  {
    guard let text = arguments.value("format") else { return fallback }
    guard let format = OutputFormat(rawValue: text), allowed.contains(format) else {
      throw .usage("invalid value \"\(text)\" for option --format: unknown format \"\(text)\"")
    }
    return format
  }

  /// Renders a tool result as juju/cmd's formatters do. `nil` is Go's nil: nothing in smart and yaml, `null` in json.
  func render(_ value: Value?) -> String {
    switch self {
    case .json:
      return JSON.encode(value ?? .null) + "\n"
    case .yaml:
      guard let value, value != .null else { return "" }
      return YAML.encode(value)
    case .smart:
      guard let value else { return "" }
      switch value {
      case .null: return ""
      case .string(let text): return text.isEmpty ? "" : text + "\n"
      case .bool(let flag): return flag ? "True\n" : "False\n"
      case .list(let items) where items.allSatisfy({ $0.stringValue != nil }):
        return items.isEmpty ? "" : items.compactMap(\.stringValue).joined(separator: "\n") + "\n"
      default: return YAML.encode(value)
      }
    }
  }
}

/// Parses `key=value` arguments as Juju's keyvalues package does: no trimming, duplicate keys rejected.
func parseKeyValues(_ arguments: [String], allowDuplicates: Bool = false) throws(ToolError) -> [(String, String)] {
  var result: [(String, String)] = []
  var seen = Set<String>()
  for argument in arguments {
    guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
      throw .usage("expected \"key=value\", got \"\(argument)\"")
    }
    let key = String(argument[..<equals])
    if !allowDuplicates, seen.contains(key) { throw .usage("key \"\(key)\" specified more than once") }
    seen.insert(key)
    result.append((key, String(argument[argument.index(after: equals)...])))
  }
  return result
}
