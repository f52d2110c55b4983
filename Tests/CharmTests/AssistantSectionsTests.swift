import Charm
import Foundation
import HookTools
import Roles
import Testing

/// The gateway's `openclaw.json` for each kind of option: matches its golden file, and the OpenClaw stand-in,
/// whose schema rejects unknown keys and wrong types as the real loader does, accepts it.
@Suite(.serialized) struct AssistantSectionsTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let keySecret = "secret:d0ab5mevkg1v8l4ouri0"

  /// Every channel and policy option set, with fallbacks from two other providers.
  static let fullOptions: [String: JSONValue] = [
    "ai-provider": .string("anthropic"), "ai-api-key": .string("sk-ant-test"),
    "ai-model": .string("claude-opus-4-5,openai/gpt-5,google/gemini-2.5-pro"),
    "ai-provider-keys": .string(keySecret),
    "telegram-bot-token": .string("123456789:AAExample"), "discord-bot-token": .string("MTIz.Example.Token"),
    "slack-bot-token": .string("xoxb-1-2-x"), "slack-app-token": .string("xapp-1-A-x"),
    "line-channel-access-token": .string("Access+Token/="), "line-channel-secret": .string("0123abcd"),
    "dm-policy": .string("open"), "dm-scope": .string("per-peer"), "sandbox-mode": .string("non-main"),
    "log-level": .string("debug"), "use-browser": .string("chromium"),
  ]

  static func gatewayConfig(_ values: [String: JSONValue], secret: [String: String]? = nil, file: String? = nil)
    throws -> String
  {
    let sources = ConfigSources(
      readSecret: { _ in secret }, configFilePath: "/var/lib/openclaw/openclaw.json",
      readConfigFile: { file.map { Array($0.utf8) } })
    var inputs = Fixture.leader()
    inputs.config = .success(try CharmConfig.parse(values, sources: sources))
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    return try #require(plan.files.first { $0.path == Fixture.paths.configFile }).content
  }

  @Test func fullOptions() throws {
    let text = try Self.gatewayConfig(Self.fullOptions, secret: ["openai": "sk-openai", "google": "AIza-google"])
    assertGolden(text, named: "gateway-openclaw-options.json")
    try expectStandInAccepts(text)
  }

  @Test func defaultOptions() throws {
    let text = try Self.gatewayConfig([:])
    assertGolden(text, named: "gateway-openclaw-defaults.json")
    try expectStandInAccepts(text)
  }

  @Test func customEndpoint() throws {
    let text = try Self.gatewayConfig([
      "ai-provider": .string("openai"), "ai-model": .string("qwen3-32b,llama-3.3"), "ai-api-key": .string("sk-local"),
      "ai-base-url": .string("http://10.0.0.9:8000/v1"), "dm-policy": .string("closed"),
      "telegram-bot-token": .string("123456789:AAExample"), "use-browser": .string("chrome"),
    ])
    assertGolden(text, named: "gateway-openclaw-endpoint.json")
    try expectStandInAccepts(text)
  }

  @Test func manualModeKeepsSections() throws {
    let file = #"{"agents": {"defaults": {"model": {"primary": "openai/gpt-5"}}}, "gateway": {"port": 1}}"#
    let text = try Self.gatewayConfig(["manual": .bool(true), "telegram-bot-token": .string("1:A")], file: file)
    assertGolden(text, named: "gateway-openclaw-manual.json")
    try expectStandInAccepts(text)
  }

  @Test func everyPolicyValueValidates() throws {
    for policy in DMPolicy.allCases {
      for scope in DMScope.allCases {
        let text = try Self.gatewayConfig([
          "dm-policy": .string(policy.rawValue), "dm-scope": .string(scope.rawValue),
          "telegram-bot-token": .string("1:A"), "slack-bot-token": .string("xoxb-1"), "slack-app-token": .string("xapp-1"),
        ])
        try expectStandInAccepts(text)
      }
    }
    for mode in SandboxMode.allCases {
      for level in GatewayLogLevel.allCases {
        let text = try Self.gatewayConfig(["sandbox-mode": .string(mode.rawValue), "log-level": .string(level.rawValue)])
        try expectStandInAccepts(text)
      }
    }
  }

  @Test func tokensOnlyInOwnerOnlyFiles() throws {
    var inputs = Fixture.leader()
    let sources = ConfigSources(
      readSecret: { _ in ["openai": "sk-openai", "google": "AIza-google"] }, configFilePath: "/x",
      readConfigFile: { nil })
    inputs.config = .success(try CharmConfig.parse(Self.fullOptions, sources: sources))
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    for secret in ["sk-ant-test", "sk-openai", "AIza-google", "123456789:AAExample", "xoxb-1-2-x", "Access+Token/="] {
      let holders = plan.files.filter { $0.content.contains(secret) }
      #expect(!holders.isEmpty)
      #expect(holders.allSatisfy { $0.mode == 0o600 }, "\(secret) is in a file others can read")
      #expect(!plan.status.message.contains(secret))
      #expect(!plan.appDataChanges.values.contains { $0.contains(secret) })
    }
    // API keys reach OpenClaw through the environment file only; channel tokens through the config file only.
    let config = try #require(plan.files.first { $0.path == Fixture.paths.configFile })
    #expect(!config.content.contains("sk-ant-test"))
    #expect(config.owner == "openclaw")
  }

  @Test func liveOptionsLeaveGatewayDigestAlone() throws {
    var inputs = Fixture.leader()
    inputs.config = .success(try CharmConfig.parse(["telegram-bot-token": .string("1:A")]))
    let before = Planner.plan(inputs, paths: Fixture.paths)
    inputs.config = .success(try CharmConfig.parse([
      "telegram-bot-token": .string("1:B"), "dm-policy": .string("closed"), "log-level": .string("debug"),
    ]))
    let after = Planner.plan(inputs, paths: Fixture.paths)
    #expect(before.files[0].content != after.files[0].content)
    #expect(before.services == after.services, "OpenClaw reloads channels and policies; the charm must not restart it")
  }

  // MARK: - Helpers

  /// Runs the stand-in's `openclaw config validate --json` on `text`, with the variables it references set.
  private func expectStandInAccepts(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("openclaw.json")
    try Data(text.utf8).write(to: file)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [Self.repository.appendingPathComponent("stand-ins/openclaw").path, "config", "validate", "--json"]
    process.environment = [
      "PATH": "/usr/bin:/bin", "HOME": directory.path, "OPENCLAW_STATE_DIR": directory.path,
      "OPENCLAW_CONFIG_PATH": file.path, "OPENCLAW_GATEWAY_TOKEN": "t0ken", "OPENAI_API_KEY": "sk-local",
    ]
    process.currentDirectoryURL = directory
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(
      process.terminationStatus == 0, "the stand-in rejected the config: \(String(decoding: data, as: UTF8.self))",
      sourceLocation: sourceLocation)
  }

  /// Compares with a golden file in Tests/RolesTests/Snapshots, beside the other rendered files;
  /// `RECORD_SNAPSHOTS=1` rewrites it and fails the test.
  private func assertGolden(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let path = Self.repository.appendingPathComponent("Tests/RolesTests/Snapshots/\(name)").path
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
      _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
      Issue.record("Recorded \(path); rerun without RECORD_SNAPSHOTS to check it.", sourceLocation: sourceLocation)
      return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      Issue.record(
        "No golden file \(path); run the tests with RECORD_SNAPSHOTS=1 to record it.", sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    #expect(text == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
  }
}
