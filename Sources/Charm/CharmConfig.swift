import HookTools

/// An option whose value the charm cannot use; shown as a blocked status that names the option and the fix.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
  public var option: String
  public var message: String

  public var description: String { message }

  public init(option: String, message: String) {
    self.option = option
    self.message = message
  }
}

/// The charm's options, validated. Built only through `CharmConfig.parse`, so every instance is usable.
public struct CharmConfig: Equatable, Sendable {
  public var gatewayPort: Int
  /// Whether the gateway serves TLS that nodes pin; off means plaintext to the gateway's private IP address.
  public var gatewayTLS: Bool = true
  /// The primary model as `provider/model`, or nil when no provider is configured.
  public var primaryModel: String?
  /// Environment variables with provider API keys, for the gateway's environment file.
  public var providerKeys: [String: String]

  public init(gatewayPort: Int, primaryModel: String?, providerKeys: [String: String]) {
    self.gatewayPort = gatewayPort
    self.primaryModel = primaryModel
    self.providerKeys = providerKeys
  }

  /// Validates the output of `config-get`.
  /// - Throws: `ConfigError` for the first option, in a fixed order, that is invalid.
  public static func parse(_ values: [String: JSONValue]) throws -> CharmConfig {
    let port = try integer(values, "gateway-port", default: 18789)
    guard (1024...65535).contains(port) else {
      throw ConfigError(
        option: "gateway-port",
        message: "Option 'gateway-port' is '\(port)'; set it to a port from 1024 to 65535, for example 18789.")
    }

    let provider = try text(values, "ai-provider")
    let model = try text(values, "ai-model")
    let apiKey = try text(values, "ai-api-key", secret: true)
    var primaryModel: String?
    var providerKeys: [String: String] = [:]

    if !provider.isEmpty || !model.isEmpty {
      guard let known = Provider.named(provider) else {
        let choices = Provider.all.map(\.name).joined(separator: ", ")
        throw ConfigError(
          option: "ai-provider",
          message: provider.isEmpty
            ? "Option 'ai-provider' is empty but 'ai-model' is set; set ai-provider to one of: \(choices)."
            : "Option 'ai-provider' is '\(provider)', which is not supported; use one of: \(choices).")
      }
      guard !model.isEmpty else {
        throw ConfigError(
          option: "ai-model",
          message: "Option 'ai-model' is empty; set it to a model of \(known.name), for example \(known.exampleModel).")
      }
      guard model.allSatisfy({ $0.isLetter || $0.isNumber || "-._:/@".contains($0) }) else {
        throw ConfigError(
          option: "ai-model",
          message: "Option 'ai-model' may contain only letters, digits and - . _ : / @; check for spaces or quotes.")
      }
      if let variable = known.keyVariable {
        guard !apiKey.isEmpty else {
          throw ConfigError(
            option: "ai-api-key",
            message: "Option 'ai-api-key' is empty; set the \(known.name) API key with juju config openclaw ai-api-key=<key>.")
        }
        providerKeys[variable] = apiKey
      }
      // A `provider/model` reference keeps its own provider; any other name belongs to ai-provider.
      let prefix = model.split(separator: "/").first.map(String.init) ?? ""
      primaryModel = Provider.named(prefix) != nil ? model : "\(known.name)/\(model)"
    }

    var config = CharmConfig(gatewayPort: port, primaryModel: primaryModel, providerKeys: providerKeys)
    if case .bool(let tls) = values["gateway-tls"] { config.gatewayTLS = tls }
    return config
  }

  // MARK: - Typed reads

  private static func integer(_ values: [String: JSONValue], _ option: String, default fallback: Int) throws -> Int {
    switch values[option] {
    case nil, .null: return fallback
    case .int(let value): return value
    default:
      throw ConfigError(option: option, message: "Option '\(option)' must be a whole number.")
    }
  }

  private static func text(_ values: [String: JSONValue], _ option: String, secret: Bool = false) throws -> String {
    switch values[option] {
    case nil, .null: return ""
    case .string(let value):
      let limit = 4096
      guard value.count <= limit else {
        throw ConfigError(option: option, message: "Option '\(option)' is longer than \(limit) characters; shorten it.")
      }
      guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw ConfigError(
          option: option,
          message: "Option '\(option)' contains a newline or control character; set it again without one.")
      }
      return secret ? value : value.trimmed
    default:
      throw ConfigError(option: option, message: "Option '\(option)' must be a string.")
    }
  }
}

extension String {
  var trimmed: String {
    var text = Substring(self)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return String(text)
  }
}
