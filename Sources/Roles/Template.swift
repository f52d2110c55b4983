/// A failure to fill in a template; each one is a bug in the charm or its templates, not in the operator's input.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
  case missingValue(template: String, placeholder: String)
  case unsafeValue(template: String, placeholder: String, value: String)

  public var description: String {
    switch self {
    case .missingValue(let template, let placeholder):
      return "Internal error: template '\(template)' uses '{{\(placeholder)}}', which the charm did not provide."
    case .unsafeValue(let template, let placeholder, let value):
      return "Internal error: the value '\(value)' for '{{\(placeholder)}}' in '\(template)' contains "
        + "a newline or control character."
    }
  }
}

/// Fills `{{name}}` placeholders in template text. Pure: no file access.
public enum Template {
  /// Returns `text` with every `{{name}}` replaced by `values[name]`.
  ///
  /// Values may not contain control characters, so no value can add a line to a unit or config file.
  /// - Parameter name: the template's file name, for error messages.
  /// - Throws: `TemplateError.missingValue` for a placeholder without a value,
  ///   `TemplateError.unsafeValue` for a value with a newline or other control character.
  public static func render(_ text: String, name: String, _ values: [String: String]) throws -> String {
    var output = ""
    var rest = Substring(text)
    while let open = rest.firstRange(of: "{{") {
      output += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
        output += rest[open.lowerBound...]
        return output
      }
      let placeholder = String(rest[open.upperBound..<close.lowerBound])
      guard let value = values[placeholder] else {
        throw TemplateError.missingValue(template: name, placeholder: placeholder)
      }
      guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw TemplateError.unsafeValue(template: name, placeholder: placeholder, value: value)
      }
      output += value
      rest = rest[close.upperBound...]
    }
    output += rest
    return output
  }
}
