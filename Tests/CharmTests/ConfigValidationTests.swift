import Charm
import HookTools
import Testing

/// One bad input: the options on top of a valid base, what the secret and the config file contain, and the option
/// the blocked message must name.
struct BadInput: CustomTestStringConvertible, Sendable {
  var name: String
  var values: [String: JSONValue]
  /// The `ai-provider-keys` secret's content; nil means this unit may not read it.
  var secret: [String: String]? = ["openai": "sk-openai-test"]
  /// The config file manual mode reads; nil means it does not exist.
  var configFile: String? = nil
  var option: String

  var testDescription: String { name }

  /// The base the rows change: a valid anthropic setup with the key secret set but unused.
  static let base: [String: JSONValue] = [
    "gateway-port": .int(18789), "ai-provider": .string("anthropic"), "ai-model": .string("claude-opus-4-5"),
    "ai-api-key": .string("sk-ant-test"), "dm-policy": .string("pairing"), "dm-scope": .string("main"),
    "sandbox-mode": .string("none"), "log-level": .string("info"), "use-browser": .string(""),
    "manual": .bool(false),
  ]

  var merged: [String: JSONValue] { Self.base.merging(values) { _, new in new } }

  var sources: ConfigSources {
    let secret = self.secret
    let file = configFile.map { Array($0.utf8) }
    return ConfigSources(
      readSecret: { _ in secret }, configFilePath: "/var/lib/openclaw/openclaw.json", readConfigFile: { file })
  }
}

let longText = String(repeating: "a", count: 5000)

/// Every row is an input the charm must refuse with a blocked status, before anything reaches OpenClaw.
let badInputs: [BadInput] = [
  // Port.
  BadInput(name: "privileged port", values: ["gateway-port": .int(80)], option: "gateway-port"),
  BadInput(name: "port 0", values: ["gateway-port": .int(0)], option: "gateway-port"),
  BadInput(name: "port above 65535", values: ["gateway-port": .int(70000)], option: "gateway-port"),
  BadInput(name: "port as text", values: ["gateway-port": .string("x")], option: "gateway-port"),

  // Provider and model list.
  BadInput(name: "unknown provider", values: ["ai-provider": .string("nope")], option: "ai-provider"),
  BadInput(name: "provider in capitals", values: ["ai-provider": .string("Anthropic")], option: "ai-provider"),
  BadInput(name: "provider with escape sequence", values: ["ai-provider": .string("anthropic\u{1b}[31m")],
    option: "ai-provider"),
  BadInput(name: "model without provider", values: ["ai-provider": .string("")], option: "ai-provider"),
  BadInput(name: "empty model", values: ["ai-model": .string("")], option: "ai-model"),
  BadInput(name: "model list with empty item", values: ["ai-model": .string("a,,b")], option: "ai-model"),
  BadInput(name: "model list with trailing comma", values: ["ai-model": .string("a,")], option: "ai-model"),
  BadInput(name: "model list with leading comma", values: ["ai-model": .string(",a")], option: "ai-model"),
  BadInput(name: "model with space", values: ["ai-model": .string("bad model")], option: "ai-model"),
  BadInput(name: "model with quote and command", values: ["ai-model": .string(#"m"; rm -rf /"#)], option: "ai-model"),
  BadInput(name: "model with newline", values: ["ai-model": .string("m\nExecStart=/bin/sh")], option: "ai-model"),
  BadInput(name: "model list too long", values: ["ai-model": .string(longText)], option: "ai-model"),
  BadInput(name: "model item too long", values: ["ai-model": .string(String(repeating: "m", count: 300))],
    option: "ai-model"),
  BadInput(name: "model listed twice", values: ["ai-model": .string("a, a")], option: "ai-model"),
  BadInput(name: "provider prefix without model", values: ["ai-model": .string("openai/")], option: "ai-model"),
  BadInput(name: "fallback without its key", values: ["ai-model": .string("claude-opus-4-5,google/gemini-2.5-pro")],
    option: "ai-provider-keys"),

  // API keys.
  BadInput(name: "missing API key", values: ["ai-api-key": .string("")], secret: [:], option: "ai-api-key"),
  BadInput(name: "API key with newline", values: ["ai-api-key": .string("sk\nOPENCLAW_GATEWAY_TOKEN=x")],
    option: "ai-api-key"),
  BadInput(name: "API key with quote", values: ["ai-api-key": .string(#"sk"x"#)], option: "ai-api-key"),
  BadInput(name: "API key with space", values: ["ai-api-key": .string("sk ant")], option: "ai-api-key"),
  BadInput(name: "API key with variable reference", values: ["ai-api-key": .string("sk-${HOME}")],
    option: "ai-api-key"),
  BadInput(name: "API key too long", values: ["ai-api-key": .string(longText)], option: "ai-api-key"),
  BadInput(name: "API key without provider", values: ["ai-provider": .string(""), "ai-model": .string("")],
    option: "ai-provider"),

  // Base URL.
  BadInput(name: "base URL with ftp scheme", values: ["ai-provider": .string("openai"), "ai-api-key": .string("sk-x"),
    "ai-model": .string("qwen3"), "ai-base-url": .string("ftp://10.0.0.9/v1")], option: "ai-base-url"),
  BadInput(name: "base URL without scheme", values: ["ai-provider": .string("openai"), "ai-model": .string("qwen3"),
    "ai-base-url": .string("10.0.0.9:8000/v1")], option: "ai-base-url"),
  BadInput(name: "base URL without host", values: ["ai-provider": .string("openai"), "ai-model": .string("qwen3"),
    "ai-base-url": .string("http:///v1")], option: "ai-base-url"),
  BadInput(name: "base URL port out of range", values: ["ai-provider": .string("openai"),
    "ai-model": .string("qwen3"), "ai-base-url": .string("http://10.0.0.9:99999/v1")], option: "ai-base-url"),
  BadInput(name: "base URL with space", values: ["ai-provider": .string("openai"), "ai-model": .string("qwen3"),
    "ai-base-url": .string("http://10.0.0.9/v1 x")], option: "ai-base-url"),
  BadInput(name: "base URL with quote", values: ["ai-provider": .string("openai"), "ai-model": .string("qwen3"),
    "ai-base-url": .string(#"http://10.0.0.9/","x":"#)], option: "ai-base-url"),
  BadInput(name: "base URL for anthropic", values: ["ai-base-url": .string("http://10.0.0.9:8000/v1")],
    option: "ai-base-url"),
  BadInput(name: "base URL without provider", values: ["ai-provider": .string(""), "ai-model": .string(""),
    "ai-api-key": .string(""), "ai-base-url": .string("http://10.0.0.9:8000/v1")], option: "ai-provider"),

  // The key secret.
  BadInput(name: "key secret not granted", values: ["ai-provider-keys": .string("secret:d0ab5mevkg1v8l4ouri0")],
    secret: nil, option: "ai-provider-keys"),
  BadInput(name: "key secret with unknown provider", values: ["ai-provider-keys": .string("secret:d0ab5mevkg1v8l4ouri0")],
    secret: ["opnai": "sk-x"], option: "ai-provider-keys"),
  BadInput(name: "key secret for keyless provider", values: ["ai-provider-keys": .string("secret:d0ab5mevkg1v8l4ouri0")],
    secret: ["ollama": "x"], option: "ai-provider-keys"),
  BadInput(name: "key secret value with newline",
    values: ["ai-provider-keys": .string("secret:d0ab5mevkg1v8l4ouri0")], secret: ["openai": "sk\nX=1"],
    option: "ai-provider-keys"),
  BadInput(name: "key secret value empty", values: ["ai-provider-keys": .string("secret:d0ab5mevkg1v8l4ouri0")],
    secret: ["openai": ""], option: "ai-provider-keys"),

  // Channels.
  BadInput(name: "telegram token with newline", values: ["telegram-bot-token": .string("1:A\n\"x\": 1")],
    option: "telegram-bot-token"),
  BadInput(name: "telegram token with quote", values: ["telegram-bot-token": .string(#"1:A","enabled":false"#)],
    option: "telegram-bot-token"),
  BadInput(name: "telegram token as number", values: ["telegram-bot-token": .int(12345)], option: "telegram-bot-token"),
  BadInput(name: "discord token with backslash", values: ["discord-bot-token": .string(#"MT\u0000"#)],
    option: "discord-bot-token"),
  BadInput(name: "slack bot token alone", values: ["slack-bot-token": .string("xoxb-1")], option: "slack-app-token"),
  BadInput(name: "slack app token alone", values: ["slack-app-token": .string("xapp-1")], option: "slack-bot-token"),
  BadInput(name: "line token alone", values: ["line-channel-access-token": .string("abc")],
    option: "line-channel-secret"),
  BadInput(name: "line secret alone", values: ["line-channel-secret": .string("abc")],
    option: "line-channel-access-token"),
  BadInput(name: "line token too long", values: ["line-channel-access-token": .string(longText),
    "line-channel-secret": .string("abc")], option: "line-channel-access-token"),

  // Policies.
  BadInput(name: "dm-policy allowlist", values: ["dm-policy": .string("allowlist")], option: "dm-policy"),
  BadInput(name: "dm-policy empty", values: ["dm-policy": .string("")], option: "dm-policy"),
  BadInput(name: "dm-policy with newline", values: ["dm-policy": .string("open\nx")], option: "dm-policy"),
  BadInput(name: "dm-scope unknown", values: ["dm-scope": .string("global")], option: "dm-scope"),
  BadInput(name: "sandbox-mode off", values: ["sandbox-mode": .string("off")], option: "sandbox-mode"),
  BadInput(name: "log-level trace", values: ["log-level": .string("trace")], option: "log-level"),
  BadInput(name: "log-level empty", values: ["log-level": .string("")], option: "log-level"),
  BadInput(name: "use-browser firefox", values: ["use-browser": .string("firefox")], option: "use-browser"),
  BadInput(name: "use-browser edge", values: ["use-browser": .string("edge")], option: "use-browser"),

  // Manual mode.
  BadInput(name: "manual as text", values: ["manual": .string("yes")], option: "manual"),
  BadInput(name: "manual with broken file", values: ["manual": .bool(true)], configFile: #"{"agents": "#,
    option: "manual"),
  BadInput(name: "manual with array file", values: ["manual": .bool(true)], configFile: "[1, 2]", option: "manual"),
]

/// Values that may be secrets: no message may quote them.
let secretValues = ["sk-ant-test", "sk-openai-test", "1:A", "xoxb-1", "xapp-1", "abc", "MT", "sk\"x", "sk ant"]

/// Option validation: each bad value sets blocked, names the option and the fix, and changes nothing.
@Suite struct ConfigValidationTests {
  @Test func tableHasFortyRows() {
    #expect(badInputs.count >= 40)
  }

  @Test(arguments: badInputs)
  func badInputBlocks(_ input: BadInput) throws {
    let error = try #require(throws: ConfigError.self) {
      try CharmConfig.parse(input.merged, sources: input.sources)
    }
    #expect(error.option == input.option)
    #expect(error.message.contains("'\(input.option)'") || error.message.contains(input.option))
    #expect(error.message.contains("for example"), "no fix in: \(error.message)")
    #expect(!error.message.contains("\n"))
    #expect(error.message.count < 400, "message too long for juju status: \(error.message)")
    for secret in secretValues {
      #expect(!error.message.contains("'\(secret)'"), "message quotes a secret: \(error.message)")
    }
  }

  @Test(arguments: badInputs)
  func badInputChangesNothing(_ input: BadInput) throws {
    let error = try #require(throws: ConfigError.self) {
      try CharmConfig.parse(input.merged, sources: input.sources)
    }
    var inputs = Fixture.leader()
    inputs.config = .failure(error)
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(!plan.changesWorkload)
    #expect(plan.files.isEmpty)
    #expect(plan.appDataChanges.isEmpty)
    #expect(plan.status == UnitStatus(.blocked, error.message))
  }

  @Test func baseIsValid() throws {
    _ = try CharmConfig.parse(BadInput.base, sources: BadInput(name: "", values: [:], option: "").sources)
  }
}
