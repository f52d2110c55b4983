import Foundation

/// Errors in config values and action parameters given on the command line, worded like Juju's.
enum InputError: Error, CustomStringConvertible {
  case unknownOption(String)
  case wrongType(option: String, expected: String, got: String)
  case malformed(String)
  case unknownAction(name: String, known: [String])
  case validationFailed(String)

  var description: String {
    switch self {
    case .unknownOption(let name):
      return "unknown option \"\(name)\"; config.yaml defines the valid options"
    case .wrongType(let option, let expected, let got):
      return "option \"\(option)\" expected \(expected), got \"\(got)\""
    case .malformed(let argument):
      return "expected \"key=value\", got \"\(argument)\""
    case .unknownAction(let name, let known):
      return "action \"\(name)\" not defined in actions.yaml; valid actions: \(known.joined(separator: ", "))"
    case .validationFailed(let message):
      return "validation failed: \(message)"
    }
  }
}

/// Type checks of `deploy --config` and `config` values against config.yaml.
enum ConfigValidation {
  /// Parses `key=value` arguments; an empty value means "reset to the default" and comes back as nil.
  static func parse(_ arguments: [String], options: [String: ConfigOption]) throws -> [(String, Value?)] {
    try arguments.map { argument in
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw InputError.malformed(argument)
      }
      let key = String(argument[..<equals])
      let text = String(argument[argument.index(after: equals)...])
      guard let option = options[key] else { throw InputError.unknownOption(key) }
      if text.isEmpty { return (key, nil) }
      return (key, try typed(text, option: option))
    }
  }

  static func typed(_ text: String, option: ConfigOption) throws -> Value {
    switch option.type {
    case "int":
      guard let number = Int(text) else { throw InputError.wrongType(option: option.name, expected: "int", got: text) }
      return .int(number)
    case "float":
      guard let number = Double(text) else { throw InputError.wrongType(option: option.name, expected: "float", got: text) }
      return .double(number)
    case "boolean":
      guard let flag = ToolArguments.parseBool(text) else {
        throw InputError.wrongType(option: option.name, expected: "boolean", got: text)
      }
      return .bool(flag)
    case "secret":
      guard text.hasPrefix("secret:") else {
        throw InputError.wrongType(option: option.name, expected: "secret URI", got: text)
      }
      return .string(text)
    default:
      return .string(text)
    }
  }
}

/// Validation of `run` parameters against the action's schema in actions.yaml, as Juju does before queueing an
/// action: values are read as YAML (so `count=3` is an integer), then checked for type, `enum`, `required` and
/// `additionalProperties: false`, and defaults are inserted.
enum ActionValidation {
  static func parameters(action name: String, arguments: [String], actions: [String: Value]) throws -> [String: Value] {
    guard let schema = actions[name] else { throw InputError.unknownAction(name: name, known: actions.keys.sorted()) }
    var values: [String: Value] = [:]
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw InputError.malformed(argument)
      }
      let path = argument[..<equals].split(separator: ".").map(String.init)
      let text = String(argument[argument.index(after: equals)...])
      let value = (try? YAML.parse(text)) ?? .string(text)
      values = setting(path, to: value, in: values)
    }
    let properties = schema["params"]?.mapValue ?? [:]
    if schema["additionalProperties"] == .bool(false) {
      for key in values.keys.sorted() where properties[key] == nil {
        throw InputError.validationFailed("(root) : Additional property \(key) is not allowed")
      }
    }
    for (key, property) in properties {
      if values[key] == nil, let fallback = property["default"] { values[key] = fallback }
    }
    for key in (schema["required"]?.listValue ?? []).compactMap(\.stringValue) where values[key] == nil {
      throw InputError.validationFailed("(root) : \(key) is required")
    }
    for key in values.keys.sorted() {
      guard let property = properties[key] else { continue }
      try check(values[key]!, against: property, path: "(root).\(key)", name: key)
    }
    return values
  }

  private static func setting(_ path: [String], to value: Value, in map: [String: Value]) -> [String: Value] {
    var result = map
    if path.count == 1 {
      result[path[0]] = value
    } else {
      result[path[0]] = .map(setting(Array(path.dropFirst()), to: value, in: result[path[0]]?.mapValue ?? [:]))
    }
    return result
  }

  private static func typeName(_ value: Value) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "boolean"
    case .int: return "integer"
    case .double: return "number"
    case .string: return "string"
    case .list: return "array"
    case .map: return "object"
    }
  }

  private static func check(_ value: Value, against property: Value, path: String, name: String) throws {
    if let expected = property["type"]?.stringValue {
      let given = typeName(value)
      let matches = given == expected || (expected == "number" && given == "integer")
      if !matches {
        throw InputError.validationFailed("\(path) : Invalid type. Expected: \(expected), given: \(given)")
      }
    }
    if let choices = property["enum"]?.listValue, !choices.contains(value) {
      let listed = choices.map { JSON.encode($0) }.joined(separator: ", ")
      throw InputError.validationFailed("\(path) : \(name) must be one of the following: \(listed)")
    }
    if let minimum = property["minimum"], let number = numeric(value), let bound = numeric(minimum), number < bound {
      throw InputError.validationFailed("\(path) : Must be greater than or equal to \(minimum.scalarText)")
    }
    if let maximum = property["maximum"], let number = numeric(value), let bound = numeric(maximum), number > bound {
      throw InputError.validationFailed("\(path) : Must be less than or equal to \(maximum.scalarText)")
    }
  }

  private static func numeric(_ value: Value) -> Double? {
    switch value {
    case .int(let number): return Double(number)
    case .double(let number): return number
    default: return nil
    }
  }
}
