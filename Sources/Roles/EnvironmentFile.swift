/// A variable the charm cannot put in an environment file; the message names it and the fix.
public enum EnvironmentFileError: Error, CustomStringConvertible, Equatable {
  case invalidName(String)
  case invalidValue(name: String)

  public var description: String {
    switch self {
    case .invalidName(let name):
      return "Internal error: '\(name)' is not a valid environment variable name."
    case .invalidValue(let name):
      // The value may be a secret, so it is never quoted here.
      return "The value for \(name) contains a newline or control character; set it again without one."
    }
  }
}

/// Renders files for systemd's `EnvironmentFile=`, which hold the secrets a service needs.
public enum EnvironmentFile {
  /// Returns `KEY="value"` lines, sorted by name, for `variables`.
  ///
  /// Values are double-quoted with `\` and `"` escaped, the form systemd reads back verbatim.
  /// - Throws: `EnvironmentFileError` for a name that is not `[A-Z_][A-Z0-9_]*` or a value with a control character.
  public static func render(_ variables: [String: String]) throws -> String {
    var lines = ["# Written by the openclaw charm; root-only because it holds secrets."]
    for name in variables.keys.sorted() {
      let value = variables[name]!
      guard isValidName(name) else { throw EnvironmentFileError.invalidName(name) }
      guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw EnvironmentFileError.invalidValue(name: name)
      }
      var escaped = ""
      for character in value {
        if character == "\\" || character == "\"" { escaped.append("\\") }
        escaped.append(character)
      }
      lines.append("\(name)=\"\(escaped)\"")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
  }
}
