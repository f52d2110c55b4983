import Charm
import HookTools
import Testing

/// Option validation: each bad value names the option and the fix.
@Suite struct CharmConfigTests {
  @Test func seedDeployCommand() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("anthropic"), "ai-api-key": .string("sk-ant-xxx"), "ai-model": .string("claude-opus-4-5"),
      "gateway-port": .int(18789),
    ])
    #expect(config.primaryModel == "anthropic/claude-opus-4-5")
    #expect(config.providerKeys == ["ANTHROPIC_API_KEY": "sk-ant-xxx"])
  }

  @Test func defaultsNeedNothing() throws {
    let config = try CharmConfig.parse(["gateway-port": .int(18789)])
    #expect(config.primaryModel == nil)
    #expect(config.providerKeys.isEmpty)
  }

  @Test func providerPrefixedModelKeepsProvider() throws {
    let config = try CharmConfig.parse([
      "ai-provider": .string("ollama"), "ai-model": .string("anthropic/claude-opus-4-5"),
    ])
    #expect(config.primaryModel == "anthropic/claude-opus-4-5")
  }

  @Test(arguments: [
    (["gateway-port": JSONValue.int(80)], "gateway-port"),
    (["gateway-port": JSONValue.int(70000)], "gateway-port"),
    (["gateway-port": JSONValue.string("x")], "gateway-port"),
    (["ai-provider": JSONValue.string("nope"), "ai-model": .string("m")], "ai-provider"),
    (["ai-model": JSONValue.string("m")], "ai-provider"),
    (["ai-provider": JSONValue.string("anthropic")], "ai-model"),
    (["ai-provider": JSONValue.string("anthropic"), "ai-model": .string("m")], "ai-api-key"),
    (["ai-provider": JSONValue.string("anthropic"), "ai-model": .string("bad model")], "ai-model"),
    (["ai-provider": JSONValue.string("anthropic"), "ai-model": .string("m"), "ai-api-key": .string("k\nX=1")],
     "ai-api-key"),
    (["ai-model": JSONValue.string(String(repeating: "m", count: 5000)), "ai-provider": .string("openai")],
     "ai-model"),
  ])
  func badValueNamesOption(values: [String: JSONValue], option: String) {
    #expect(throws: ConfigError.self) { try CharmConfig.parse(values) }
    do {
      _ = try CharmConfig.parse(values)
    } catch let error as ConfigError {
      #expect(error.option == option)
      #expect(error.message.contains("'\(option)'"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}
