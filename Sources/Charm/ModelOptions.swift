/// An OpenAI-compatible server from `ai-base-url`, rendered as a custom provider of OpenClaw.
public struct CustomEndpoint: Equatable, Sendable {
  /// The OpenClaw provider id the server replaces, the prefix of its model references.
  public var providerId: String
  public var baseURL: String
  /// The environment variable that contains the server's API key, or nil when the provider takes none.
  public var keyVariable: String?
  /// The ids of the models served there, from the `ai-model` items of that provider.
  public var models: [String]

  public init(providerId: String, baseURL: String, keyVariable: String?, models: [String]) {
    self.providerId = providerId
    self.baseURL = baseURL
    self.keyVariable = keyVariable
    self.models = models
  }
}

/// The AI options validated together: the model list, the server and the API keys the models need.
struct ModelOptions {
  var primaryModel: String?
  var fallbackModels: [String] = []
  var customEndpoint: CustomEndpoint?
  /// Environment variable to API key, for the gateway's root-only environment file.
  var providerKeys: [String: String] = [:]

  /// Providers whose models an OpenAI-compatible server at `ai-base-url` may stand in for.
  static let baseURLProviders = ["openai", "ollama"]
  static let maxModelLength = 256

  /// Validates the AI options. `readSecret` returns the content of a Juju secret, or nil when this unit may not
  /// read it.
  static func parse(_ values: ConfigValues, readSecret: (String) throws -> [String: String]?) throws -> ModelOptions {
    let providerName = try values.text(Option.aiProvider, example: "anthropic")
    let modelText = try values.text(Option.aiModel, example: "claude-opus-4-5")
    let apiKey = try values.secret(Option.aiAPIKey)
    let baseURL = try values.text(Option.aiBaseURL, example: "http://10.0.0.9:8000/v1")
    let secretKeys = try providerKeySecret(values, readSecret: readSecret)

    var options = ModelOptions()
    for (name, key) in secretKeys {
      options.providerKeys[Provider.named(name)!.keyVariable!] = key
    }

    guard !providerName.isEmpty || !modelText.isEmpty else {
      for (option, isSet) in [(Option.aiAPIKey, !apiKey.isEmpty), (Option.aiBaseURL, !baseURL.isEmpty)] where isSet {
        throw ConfigError(
          option: Option.aiProvider,
          message: "Option 'ai-provider' is empty but '\(option)' is set; set ai-provider to one of: "
            + "\(Provider.choices), for example juju config openclaw ai-provider=anthropic ai-model=claude-opus-4-5.")
      }
      return options
    }

    guard let provider = Provider.named(providerName) else {
      throw ConfigError(
        option: Option.aiProvider,
        message: providerName.isEmpty
          ? "Option 'ai-provider' is empty but 'ai-model' is set; set it to one of: \(Provider.choices), "
            + "for example juju config openclaw ai-provider=anthropic."
          : "Option 'ai-provider' is '\(ConfigValues.quoted(providerName))', which OpenClaw does not support; "
            + "set it to one of: \(Provider.choices), for example juju config openclaw ai-provider=anthropic.")
    }
    guard !modelText.isEmpty else {
      throw ConfigError(
        option: Option.aiModel,
        message: "Option 'ai-model' is empty; set it to a model of \(provider.name), "
          + "for example juju config openclaw ai-model=\(provider.exampleModel).")
    }

    let models = try modelReferences(modelText, provider: provider)
    options.primaryModel = models[0].reference
    options.fallbackModels = models.dropFirst().map(\.reference)

    if let variable = provider.keyVariable {
      guard let key = apiKey.isEmpty ? secretKeys[provider.name] : apiKey else {
        throw ConfigError(
          option: Option.aiAPIKey,
          message: "Option 'ai-api-key' is empty and the ai-provider-keys secret has no \(provider.name) key; "
            + "set the \(provider.name) API key, for example juju config openclaw ai-api-key=sk-xxx.")
      }
      options.providerKeys[variable] = key
    }
    for model in models.dropFirst() where model.provider != provider {
      guard model.provider.keyVariable == nil || secretKeys[model.provider.name] != nil else {
        throw missingFallbackKey(model)
      }
    }

    if !baseURL.isEmpty {
      try checkBaseURL(baseURL)
      guard baseURLProviders.contains(provider.name) else {
        throw ConfigError(
          option: Option.aiBaseURL,
          message: "Option 'ai-base-url' is set but ai-provider is '\(provider.name)'; an OpenAI-compatible "
            + "server needs ai-provider=openai or ollama, for example juju config openclaw ai-provider=openai.")
      }
      options.customEndpoint = CustomEndpoint(
        providerId: provider.id, baseURL: baseURL, keyVariable: provider.keyVariable,
        models: models.filter { $0.provider == provider }.map(\.model))
    }
    return options
  }

  // MARK: - Models

  private struct ModelReference {
    var provider: Provider
    var model: String
    var reference: String { "\(provider.id)/\(model)" }
  }

  /// Splits the comma-separated `ai-model` list; an item with a known provider prefix keeps that provider.
  private static func modelReferences(_ text: String, provider: Provider) throws -> [ModelReference] {
    var references: [ModelReference] = []
    for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
      let item = String(rawItem).trimmed
      guard !item.isEmpty else {
        throw ConfigError(
          option: Option.aiModel,
          message: "Option 'ai-model' is '\(ConfigValues.quoted(text))', which has an empty item; remove the extra "
            + "comma, for example juju config openclaw ai-model=claude-opus-4-5,openai/gpt-5.")
      }
      let allowed = item.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._:/@".contains($0)) }
      let wellFormed = !item.hasPrefix("/") && !item.hasSuffix("/") && !item.contains("//")
      guard allowed, wellFormed, item.count <= maxModelLength else {
        throw ConfigError(
          option: Option.aiModel,
          message: "Option 'ai-model' has the item '\(ConfigValues.quoted(item))', which is not a model name; use "
            + "letters, digits and - . _ : @ with at most one provider/ prefix, up to \(maxModelLength) characters, "
            + "for example juju config openclaw ai-model=\(provider.exampleModel).")
      }
      let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
      var reference = ModelReference(provider: provider, model: item)
      if parts.count == 2, let named = Provider.named(parts[0]) {
        reference = ModelReference(provider: named, model: parts[1])
      }
      guard !references.contains(where: { $0.reference == reference.reference }) else {
        throw ConfigError(
          option: Option.aiModel,
          message: "Option 'ai-model' lists '\(ConfigValues.quoted(item))' twice; list each model once, "
            + "for example juju config openclaw ai-model=claude-opus-4-5,openai/gpt-5.")
      }
      references.append(reference)
    }
    return references
  }

  private static func missingFallbackKey(_ model: ModelReference) -> ConfigError {
    let name = model.provider.name
    return ConfigError(
      option: Option.aiProviderKeys,
      message: "Model '\(model.reference)' in ai-model needs a \(name) API key, which the ai-provider-keys secret "
        + "does not hold; add it, for example juju add-secret openclaw-keys \(name)=<key>, "
        + "juju grant-secret openclaw-keys openclaw, juju config openclaw ai-provider-keys=<secret URI>.")
  }

  // MARK: - Keys

  /// Reads and checks the `ai-provider-keys` secret: provider name to API key.
  private static func providerKeySecret(_ values: ConfigValues, readSecret: (String) throws -> [String: String]?)
    throws -> [String: String]
  {
    let uri = try values.text(Option.aiProviderKeys, example: "secret:d0example0secret0id")
    guard !uri.isEmpty else { return [:] }
    guard let content = try readSecret(uri) else {
      throw ConfigError(
        option: Option.aiProviderKeys,
        message: "Option 'ai-provider-keys' is '\(ConfigValues.quoted(uri))', but the charm cannot read that "
          + "secret; grant it to the application, for example juju grant-secret openclaw-keys openclaw.")
    }
    for name in content.keys.sorted() {
      guard let provider = Provider.named(name), provider.name == name, provider.keyVariable != nil else {
        let keyed = Provider.all.filter { $0.keyVariable != nil }.map(\.name).joined(separator: ", ")
        throw ConfigError(
          option: Option.aiProviderKeys,
          message: "The ai-provider-keys secret has the key '\(ConfigValues.quoted(name))', which is not a "
            + "provider that takes an API key; name each key after one of: \(keyed), "
            + "for example juju update-secret openclaw-keys openai=<key>.")
      }
      let value = content[name]!
      let subject = "The \(name) key in the ai-provider-keys secret"
      guard !value.isEmpty, value.count <= ConfigValues.maxLength else {
        throw ConfigError(
          option: Option.aiProviderKeys,
          message: "\(subject) is empty or longer than \(ConfigValues.maxLength) characters; set it to the key, "
            + "for example juju update-secret openclaw-keys \(name)=<key>.")
      }
      try ConfigValues.checkToken(
        value, option: Option.aiProviderKeys, subject: subject,
        fix: "set it to the key alone, for example juju update-secret openclaw-keys \(name)=<key>")
    }
    return content
  }

  // MARK: - Base URL

  /// Accepts `http://` or `https://` URLs whose characters need no quoting anywhere the charm writes them.
  private static func checkBaseURL(_ url: String) throws {
    let fix = "set it to the server's http or https URL, "
      + "for example juju config openclaw ai-base-url=http://10.0.0.9:8000/v1."
    let lowered = url.lowercased()
    let scheme = lowered.hasPrefix("https://") ? "https://" : lowered.hasPrefix("http://") ? "http://" : nil
    let allowed = url.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII && scalar.value > 0x20 && !"\"'`\\$<>{}|^ ".unicodeScalars.contains(scalar)
    }
    guard let scheme, allowed else {
      throw ConfigError(
        option: Option.aiBaseURL,
        message: "Option 'ai-base-url' is '\(ConfigValues.quoted(url))', which is not an http or https URL; \(fix)")
    }

    let rest = url.dropFirst(scheme.count)
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    var host = Substring(authority)
    if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
    var portText: Substring?
    if host.hasPrefix("[") {
      // An IPv6 literal such as [fd00::5]:8000.
      guard let close = host.firstIndex(of: "]") else { throw invalidHost(url, fix) }
      let after = host[host.index(after: close)...]
      if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { host = "" }
      host = host[...close]
    } else if let colon = host.lastIndex(of: ":") {
      portText = host[host.index(after: colon)...]
      host = host[..<colon]
    }
    guard !host.isEmpty, host.count <= 253 else { throw invalidHost(url, fix) }
    if let portText {
      guard let port = Int(portText), (1...65535).contains(port) else {
        throw ConfigError(
          option: Option.aiBaseURL,
          message: "Option 'ai-base-url' is '\(ConfigValues.quoted(url))', whose port is not from 1 to 65535; \(fix)")
      }
    }
  }

  private static func invalidHost(_ url: String, _ fix: String) -> ConfigError {
    ConfigError(
      option: Option.aiBaseURL,
      message: "Option 'ai-base-url' is '\(ConfigValues.quoted(url))', which names no host; \(fix)")
  }
}
