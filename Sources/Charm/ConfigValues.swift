import HookTools

/// The names of the charm's options, as config.yaml spells them.
enum Option {
  static let gatewayPort = "gateway-port"
  static let gatewayTLS = "gateway-tls"
  static let manual = "manual"
  static let aiProvider = "ai-provider"
  static let aiModel = "ai-model"
  static let aiAPIKey = "ai-api-key"
  static let aiBaseURL = "ai-base-url"
  static let aiProviderKeys = "ai-provider-keys"
  static let telegramBotToken = "telegram-bot-token"
  static let discordBotToken = "discord-bot-token"
  static let slackBotToken = "slack-bot-token"
  static let slackAppToken = "slack-app-token"
  static let lineChannelAccessToken = "line-channel-access-token"
  static let lineChannelSecret = "line-channel-secret"
  static let dmPolicy = "dm-policy"
  static let dmScope = "dm-scope"
  static let sandboxMode = "sandbox-mode"
  static let logLevel = "log-level"
  static let useBrowser = "use-browser"
  static let openclawVersion = "openclaw-version"
  static let nodesourceMirror = "nodesource-mirror"

  /// A made-up value of each secret option, shown in messages in place of the operator's real one.
  static let secretExamples = [
    aiAPIKey: "sk-ant-xxx",
    telegramBotToken: "123456789:AAExampleToken",
    discordBotToken: "MTIzNDU2Nzg5.Example.Token",
    slackBotToken: "xoxb-1234-5678-Example",
    slackAppToken: "xapp-1-A123-456-Example",
    lineChannelAccessToken: "ExampleAccessToken+/=",
    lineChannelSecret: "0123456789abcdef0123456789abcdef",
  ]
}

/// Typed reads of `config-get` output. Each bad value throws a `ConfigError` that names the option and the fix;
/// a message quotes the value only for options that hold no secret.
struct ConfigValues {
  let values: [String: JSONValue]

  /// The maximum length of a string option, in characters. Longer values are rejected, not cut.
  static let maxLength = 4096

  /// Characters a key or token may contain. Real keys and tokens use only these, and excluding quotes,
  /// backslashes, `$`, spaces and control characters keeps a value from ending a JSON string, an environment
  /// file line or a `${VAR}` reference early.
  static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
    guard scalar.isASCII else { return false }
    let value = scalar.value
    let isDigit = (0x30...0x39).contains(value)
    let isLetter = (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    return isDigit || isLetter || "-._~:+/=".unicodeScalars.contains(scalar)
  }

  func integer(_ option: String, default fallback: Int) throws -> Int {
    switch values[option] {
    case nil, .null: return fallback
    case .int(let value): return value
    default:
      throw ConfigError(
        option: option,
        message: "Option '\(option)' is '\(Self.quoted(values[option]!.description))'; set it to a whole number, "
          + "for example juju config openclaw \(option)=\(fallback).")
    }
  }

  func boolean(_ option: String, default fallback: Bool) throws -> Bool {
    switch values[option] {
    case nil, .null: return fallback
    case .bool(let value): return value
    default:
      throw ConfigError(
        option: option,
        message: "Option '\(option)' is '\(Self.quoted(values[option]!.description))'; set it to true or false, "
          + "for example juju config openclaw \(option)=false.")
    }
  }

  /// Returns a string option without surrounding white space; an unset option is empty.
  func text(_ option: String, example: String) throws -> String {
    let value = try raw(option, example: example, secret: false)
    return value.trimmed
  }

  /// Returns a key or token exactly as set; an unset option is empty. Its value never appears in a message.
  func secret(_ option: String) throws -> String {
    let example = Option.secretExamples[option] ?? "<value>"
    let value = try raw(option, example: example, secret: true)
    try Self.checkToken(
      value, option: option, subject: "Option '\(option)'",
      fix: "set it to the value alone, for example juju config openclaw \(option)=\(example)")
    return value
  }

  /// Returns which of `choices` a string option names; unset gives `fallback`, an empty value is an error.
  func choice<Choice>(_ option: String, _ choices: [(String, Choice)], default fallback: Choice) throws -> Choice {
    guard values[option] != nil, values[option] != .null else { return fallback }
    let names = choices.map(\.0).filter { !$0.isEmpty }
    let list = names.dropLast().joined(separator: ", ") + " or " + names.last!
    let value = try text(option, example: names[0])
    if let match = choices.first(where: { $0.0 == value }) { return match.1 }
    let shown = value.isEmpty ? "empty" : "'\(Self.quoted(value))'"
    throw ConfigError(
      option: option,
      message: "Option '\(option)' is \(shown); set it to \(list), "
        + "for example juju config openclaw \(option)=\(names[0]).")
  }

  /// Checks a key or token from any source; `subject` names where it came from, such as "Option 'ai-api-key'".
  static func checkToken(_ value: String, option: String, subject: String, fix: String) throws {
    guard value.unicodeScalars.allSatisfy(isTokenCharacter) else {
      throw ConfigError(
        option: option,
        message: "\(subject) contains a space, quote, backslash, $, newline or other character that no key or "
          + "token has; \(fix).")
    }
  }

  private func raw(_ option: String, example: String, secret: Bool) throws -> String {
    switch values[option] {
    case nil, .null: return ""
    case .string(let value):
      guard value.count <= Self.maxLength else {
        throw ConfigError(
          option: option,
          message: "Option '\(option)' is longer than \(Self.maxLength) characters; set it to a shorter value, "
            + "for example juju config openclaw \(option)=\(example).")
      }
      guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw ConfigError(
          option: option,
          message: "Option '\(option)' contains a newline or control character; set it again without one, "
            + "for example juju config openclaw \(option)=\(example).")
      }
      return value
    default:
      let shown = secret ? "" : " is '\(Self.quoted(values[option]!.description))'"
      throw ConfigError(
        option: option,
        message: "Option '\(option)'\(shown) is not a string; set it to text, "
          + "for example juju config openclaw \(option)=\(example).")
    }
  }

  /// Returns a value short enough to quote in a status message.
  static func quoted(_ value: String) -> String {
    value.count <= 64 ? value : String(value.prefix(61)) + "..."
  }
}

extension String {
  /// The text with each control character, newlines included, replaced by `?`, so a value from another unit's
  /// databag shows on one line in a status message.
  var printable: String {
    String(String.UnicodeScalarView(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : $0 }))
  }

  var trimmed: String {
    var text = Substring(self)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return String(text)
  }
}
