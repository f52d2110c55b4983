import Roles

/// Renders the assistant's settings (everything in `openclaw.json` but the `gateway` section) from the options.
///
/// Every key and value type here is one OpenClaw's strict config schema accepts; the stand-in's schema, which
/// rejects anything else, checks this in the tests. OpenClaw applies `agents`, `models`, `channels`, `session`
/// and `logging` changes live under hybrid reload and restarts itself for `browser` changes.
enum AssistantSections {
  static func render(_ config: CharmConfig) -> [String: JSONNode] {
    if let manual = config.manualSections { return manual }

    var defaults: [String: JSONNode] = ["sandbox": .object(["mode": .string(sandboxMode(config.policies.sandboxMode))])]
    if let primary = config.primaryModel {
      var model: [String: JSONNode] = ["primary": .string(primary)]
      if !config.fallbackModels.isEmpty { model["fallbacks"] = .array(config.fallbackModels.map { .string($0) }) }
      defaults["model"] = .object(model)
    }

    var sections: [String: JSONNode] = [
      "agents": .object(["defaults": .object(defaults)]),
      "session": .object(["dmScope": .string(config.policies.dmScope.rawValue)]),
      "logging": .object(["level": .string(config.policies.logLevel.rawValue)]),
      "browser": browser(config.policies.browser),
    ]
    if let endpoint = config.customEndpoint { sections["models"] = models(endpoint) }
    if !config.channels.isEmpty { sections["channels"] = channels(config.channels, config.policies.dmPolicy) }
    return sections
  }

  /// OpenClaw's `agents.defaults.sandbox.mode` values: `off`, `non-main`, `all`.
  private static func sandboxMode(_ mode: SandboxMode) -> String {
    switch mode {
    case .all: return "all"
    case .nonMain: return "non-main"
    case .none: return "off"
    }
  }

  /// Renders a custom provider, so OpenClaw sends that provider's requests to `baseUrl` with the OpenAI
  /// completions API.
  private static func models(_ endpoint: CustomEndpoint) -> JSONNode {
    var provider: [String: JSONNode] = [
      "baseUrl": .string(endpoint.baseURL),
      "api": .string("openai-completions"),
      "models": .array(endpoint.models.map { .object(["id": .string($0), "name": .string($0)]) }),
    ]
    // A reference, so the key itself stays in the root-only environment file.
    if let variable = endpoint.keyVariable { provider["apiKey"] = .string("${\(variable)}") }
    return .object(["mode": .string("merge"), "providers": .object([endpoint.providerId: .object(provider)])])
  }

  /// Renders each configured channel, enabled, with its tokens and the direct-message policy.
  private static func channels(_ channels: ChannelSettings, _ policy: DMPolicy) -> JSONNode {
    var policyKeys: [String: JSONNode] = [:]
    switch policy {
    case .pairing: policyKeys["dmPolicy"] = .string("pairing")
    // OpenClaw rejects an open policy unless allowFrom includes "*".
    case .open: policyKeys = ["dmPolicy": .string("open"), "allowFrom": .array([.string("*")])]
    case .closed: policyKeys["dmPolicy"] = .string("disabled")
    }

    func channel(_ keys: [String: JSONNode]) -> JSONNode {
      var merged = keys.merging(policyKeys) { own, _ in own }
      merged["enabled"] = .bool(true)
      return .object(merged)
    }

    var result: [String: JSONNode] = [:]
    if let token = channels.telegramBotToken { result["telegram"] = channel(["botToken": .string(token)]) }
    if let token = channels.discordBotToken { result["discord"] = channel(["token": .string(token)]) }
    if let slack = channels.slack {
      result["slack"] = channel([
        "mode": .string("socket"), "botToken": .string(slack.botToken), "appToken": .string(slack.appToken),
      ])
    }
    if let line = channels.line {
      result["line"] = channel([
        "channelAccessToken": .string(line.channelAccessToken), "channelSecret": .string(line.channelSecret),
      ])
    }
    return .object(result)
  }

  /// Renders the browser section: off, or on and headless with the browser's executable.
  ///
  /// NOTE: the paths are where Google's Debian package and Ubuntu's chromium snap install the browsers. The charm
  /// installs neither, so OpenClaw finds no browser when it is elsewhere.
  private static func browser(_ browser: Browser?) -> JSONNode {
    guard let browser else { return .object(["enabled": .bool(false)]) }
    let path = browser == .chrome ? "/usr/bin/google-chrome-stable" : "/snap/bin/chromium"
    return .object(["enabled": .bool(true), "headless": .bool(true), "executablePath": .string(path)])
  }
}
