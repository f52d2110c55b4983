import Charm
import HookTools
import Roles
import Testing

/// Valid options and what they become: models, keys, channels, policies and manual mode.
@Suite struct CharmConfigTests {
  static let keySecret = "secret:d0ab5mevkg1v8l4ouri0"

  static func sources(secret: [String: String]? = nil, file: String? = nil) -> ConfigSources {
    ConfigSources(
      readSecret: { _ in secret }, configFilePath: "/var/lib/openclaw/openclaw.json",
      readConfigFile: { file.map { Array($0.utf8) } })
  }

  @Test func seedDeployCommand() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("anthropic"), "ai-api-key": .string("sk-ant-xxx"), "ai-model": .string("claude-opus-4-5"),
      "gateway-port": .int(18789),
    ])
    #expect(config.primaryModel == "anthropic/claude-opus-4-5")
    #expect(config.fallbackModels.isEmpty)
    #expect(config.providerKeys == ["ANTHROPIC_API_KEY": "sk-ant-xxx"])
  }

  @Test func defaultsNeedNothing() throws {
    let config = try CharmConfig.parse(["gateway-port": .int(18789)])
    #expect(config.primaryModel == nil)
    #expect(config.providerKeys.isEmpty)
    #expect(config.channels.isEmpty)
    #expect(config.policies == PolicySettings())
    #expect(config.manualSections == nil)
    #expect(config.gatewayTLS)
  }

  @Test func providerPrefixedModelKeepsProvider() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("ollama"), "ai-model": .string("anthropic/claude-opus-4-5"),
      "ai-provider-keys": .string(Self.keySecret),
    ], sources: Self.sources(secret: ["anthropic": "sk-ant-x"]))
    #expect(config.primaryModel == "anthropic/claude-opus-4-5")
  }

  @Test func modelListGivesFallbacksInOrder() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("anthropic"), "ai-api-key": .string("sk-ant-x"),
      "ai-model": .string(" claude-opus-4-5, openai/gpt-5 ,google/gemini-2.5-pro,claude-sonnet-4-5"),
      "ai-provider-keys": .string(Self.keySecret),
    ], sources: Self.sources(secret: ["openai": "sk-openai", "google": "AIza-google"]))
    #expect(config.primaryModel == "anthropic/claude-opus-4-5")
    #expect(config.fallbackModels == ["openai/gpt-5", "google/gemini-2.5-pro", "anthropic/claude-sonnet-4-5"])
    #expect(config.providerKeys == [
      "ANTHROPIC_API_KEY": "sk-ant-x", "OPENAI_API_KEY": "sk-openai", "GEMINI_API_KEY": "AIza-google",
    ])
  }

  @Test func primaryKeyFromSecret() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("openai"), "ai-model": .string("gpt-5"), "ai-provider-keys": .string(Self.keySecret),
    ], sources: Self.sources(secret: ["openai": "sk-openai"]))
    #expect(config.providerKeys == ["OPENAI_API_KEY": "sk-openai"])
  }

  @Test func plainKeyWinsOverSecret() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("openai"), "ai-model": .string("gpt-5"), "ai-api-key": .string("sk-plain"),
      "ai-provider-keys": .string(Self.keySecret),
    ], sources: Self.sources(secret: ["openai": "sk-secret"]))
    #expect(config.providerKeys == ["OPENAI_API_KEY": "sk-plain"])
  }

  @Test func keylessProvidersNeedNoKey() throws {
    for (provider, reference) in [
      ("ollama", "ollama/llama3.3"), ("openai-codex", "openai-codex/gpt-5-codex"),
      ("bedrock", "amazon-bedrock/anthropic.claude-opus-4-5"),
    ] {
      let model = Provider.named(provider)!.exampleModel
      let config = try CharmConfig.parse(["ai-provider": .string(provider), "ai-model": .string(model)])
      #expect(config.primaryModel == reference)
      #expect(config.providerKeys.isEmpty)
    }
  }

  @Test func everyProviderIsAccepted() throws {
    for provider in Provider.all {
      var values: [String: JSONValue] = [
        "ai-provider": .string(provider.name), "ai-model": .string(provider.exampleModel),
      ]
      if provider.keyVariable != nil { values["ai-api-key"] = .string("key-\(provider.name)") }
      let config = try CharmConfig.parse(values)
      #expect(config.primaryModel == "\(provider.id)/\(provider.exampleModel)")
      if let variable = provider.keyVariable { #expect(config.providerKeys == [variable: "key-\(provider.name)"]) }
    }
  }

  @Test func baseURLMakesCustomEndpoint() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("openai"), "ai-model": .string("qwen3-32b,anthropic/claude-opus-4-5,llama-3.3"),
      "ai-api-key": .string("sk-local"), "ai-base-url": .string("http://10.0.0.9:8000/v1"),
      "ai-provider-keys": .string(Self.keySecret),
    ], sources: Self.sources(secret: ["anthropic": "sk-ant-x"]))
    #expect(config.customEndpoint == CustomEndpoint(
      providerId: "openai", baseURL: "http://10.0.0.9:8000/v1", keyVariable: "OPENAI_API_KEY",
      models: ["qwen3-32b", "llama-3.3"]))
    #expect(config.primaryModel == "openai/qwen3-32b")
  }

  @Test func baseURLAcceptsHTTPSAndIPv6() throws {
    for url in ["https://llm.example.com/v1", "http://[fd00::9]:11434/v1", "http://ollama:11434/v1"] {
      let config = try CharmConfig.parse([
        "ai-provider": .string("ollama"), "ai-model": .string("llama3.3"), "ai-base-url": .string(url),
      ])
      #expect(config.customEndpoint?.baseURL == url)
      #expect(config.customEndpoint?.keyVariable == nil)
    }
  }

  @Test func channelsAndPolicies() throws {
    let config = try CharmConfig.parse([
      "telegram-bot-token": .string("123456789:AAExample"), "discord-bot-token": .string("MTIz.Example.Token"),
      "slack-bot-token": .string("xoxb-1-2-x"), "slack-app-token": .string("xapp-1-A-x"),
      "line-channel-access-token": .string("Access+Token/="), "line-channel-secret": .string("0123abcd"),
      "dm-policy": .string("open"), "dm-scope": .string("per-channel-peer"), "sandbox-mode": .string("non-main"),
      "log-level": .string("debug"), "use-browser": .string("chromium"),
    ])
    #expect(config.channels == ChannelSettings(
      telegramBotToken: "123456789:AAExample", discordBotToken: "MTIz.Example.Token",
      slack: SlackTokens(botToken: "xoxb-1-2-x", appToken: "xapp-1-A-x"),
      line: LineCredentials(channelAccessToken: "Access+Token/=", channelSecret: "0123abcd")))
    #expect(config.policies.dmPolicy == .open)
    #expect(config.policies.dmScope == .perChannelPeer)
    #expect(config.policies.sandboxMode == .nonMain)
    #expect(config.policies.logLevel == .debug)
    #expect(config.policies.browser == .chromium)
  }

  @Test func everyPolicyValueIsAccepted() throws {
    for policy in DMPolicy.allCases {
      #expect(try CharmConfig.parse(["dm-policy": .string(policy.rawValue)]).policies.dmPolicy == policy)
    }
    for scope in DMScope.allCases {
      #expect(try CharmConfig.parse(["dm-scope": .string(scope.rawValue)]).policies.dmScope == scope)
    }
    for mode in SandboxMode.allCases {
      #expect(try CharmConfig.parse(["sandbox-mode": .string(mode.rawValue)]).policies.sandboxMode == mode)
    }
    for level in GatewayLogLevel.allCases {
      #expect(try CharmConfig.parse(["log-level": .string(level.rawValue)]).policies.logLevel == level)
    }
    for browser in ["", "chrome", "chromium"] {
      #expect(try CharmConfig.parse(["use-browser": .string(browser)]).policies.browser?.rawValue ?? "" == browser)
    }
  }

  @Test func manualKeepsOperatorSectionsAndIgnoresOptions() throws {
    let file = """
      {
        // OpenClaw reads JSON5, so the operator may comment.
        "agents": {"defaults": {"model": {"primary": "openai/gpt-5"}}},
        "channels": {"telegram": {"enabled": true, "botToken": "1:A"}},
        "gateway": {"port": 1, "mode": "remote"},
      }
      """
    let config = try CharmConfig.parse([
      "manual": .bool(true), "gateway-port": .int(18800), "ai-provider": .string("nope"), "dm-policy": .string("x"),
    ], sources: Self.sources(file: file))
    #expect(config.gatewayPort == 18800)
    #expect(config.manualSections == [
      "agents": .object(["defaults": .object(["model": .object(["primary": .string("openai/gpt-5")])])]),
      "channels": .object(["telegram": .object(["enabled": .bool(true), "botToken": .string("1:A")])]),
    ])
    #expect(config.providerKeys.isEmpty)
  }

  @Test func manualWithoutFileStartsEmpty() throws {
    let config = try CharmConfig.parse(["manual": .bool(true)], sources: Self.sources(file: nil))
    #expect(config.manualSections == [:])
  }

  @Test func secretReadFailurePassesThrough() {
    struct ToolFailure: Error {}
    let sources = ConfigSources(
      readSecret: { _ in throw ToolFailure() }, configFilePath: "/x", readConfigFile: { nil })
    #expect(throws: ToolFailure.self) {
      try CharmConfig.parse(
        ["ai-provider-keys": .string(Self.keySecret)], sources: sources)
    }
  }
}
