import Foundation
import Testing

/// Options end to end on a two-unit juju-sim model: what reaches the gateway, what OpenClaw reloads live, and
/// what a bad value leaves untouched.
@Suite(.serialized) struct ConfigTests {
  static let configFile = "/var/lib/openclaw/openclaw.json"
  static let eventsFile = "/var/lib/openclaw/sim/gateway-events.jsonl"

  @Test func liveOptionsAndBadValue() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "2", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
    let leader = try leaderName(sim)
    try #require(try sim.units()[leader]?.workloadCurrent == "active")
    let startsBefore = try gatewayStarts(sim, leader)

    // A channel token and two policies: OpenClaw applies them live, so the gateway keeps running.
    try sim.must("config", "telegram-bot-token=123456789:AAExampleToken", "dm-policy=open", "log-level=debug")
    #expect(try sim.units()[leader]?.workloadCurrent == "active")
    let config = try json(sim.must("ssh", leader, "cat \(Self.configFile)"))
    let telegram = (config["channels"] as? [String: Any])?["telegram"] as? [String: Any]
    #expect(telegram?["botToken"] as? String == "123456789:AAExampleToken")
    #expect(telegram?["dmPolicy"] as? String == "open")
    #expect(telegram?["allowFrom"] as? [String] == ["*"])
    #expect((config["logging"] as? [String: Any])?["level"] as? String == "debug")
    #expect(try sim.must("ssh", leader, "stat -c '%a %U' \(Self.configFile)") == "600 openclaw\n")
    // The first channel adds the whole `channels` section.
    try expectEvent(sim, leader, "reload", containing: "channels")
    #expect(try gatewayStarts(sim, leader) == startsBefore, "a live-reloadable change restarted the gateway")

    // A bad value: blocked, nothing written, the gateway still serves the last good config.
    let goodConfig = try sim.must("ssh", leader, "sha256sum \(Self.configFile)")
    try sim.must("config", "dm-policy=everyone")
    for (name, unit) in try sim.units() {
      #expect(unit.workloadCurrent == "blocked", "\(name): \(unit.workloadMessage)")
      #expect(unit.workloadMessage.contains("'dm-policy'"))
      #expect(unit.workloadMessage.contains("juju config openclaw dm-policy=pairing"))
    }
    #expect(try sim.must("ssh", leader, "sha256sum \(Self.configFile)") == goodConfig)
    #expect(try sim.must("ssh", leader, "systemctl is-active openclaw.service") == "active\n")
    #expect(try gatewayStarts(sim, leader) == startsBefore)

    // Fixed: active again, and the new policy reloads live too.
    try sim.must("config", "dm-policy=closed")
    for (name, unit) in try sim.units() {
      #expect(unit.workloadCurrent == "active", "\(name): \(unit.workloadMessage)")
    }
    let fixed = try json(sim.must("ssh", leader, "cat \(Self.configFile)"))
    let channel = (fixed["channels"] as? [String: Any])?["telegram"] as? [String: Any]
    #expect(channel?["dmPolicy"] as? String == "disabled")
    try expectEvent(sim, leader, "reload", containing: "channels.telegram.dmPolicy")
    #expect(try gatewayStarts(sim, leader) == startsBefore)

    // No token or key went into a log, the status or another file.
    let logs = try sim.must("debug-log")
    for secret in ["123456789:AAExampleToken", "sk-ant-test-key"] {
      #expect(!logs.contains(secret), "\(secret) is in the unit logs")
      let search = "grep -rlF '\(secret)' /etc /var/lib/openclaw /var/lib/openclaw-charm /var/log 2>/dev/null | sort"
      let holders = try sim.run("ssh", leader, search).stdout.split(separator: "\n").map(String.init)
      let allowed = ["/etc/openclaw/gateway.env", Self.configFile]
      #expect(holders.allSatisfy { allowed.contains($0) }, "\(secret) is in: \(holders)")
    }
  }

  @Test func fallbackKeysFromUserSecret() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "2", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
    let leader = try leaderName(sim)

    // A fallback of another provider without its key: blocked, and the config keeps the old model list.
    try sim.must("config", "ai-model=claude-opus-4-5, openai/gpt-5")
    var status = try #require(try sim.units()[leader])
    #expect(status.workloadCurrent == "blocked")
    #expect(status.workloadMessage.contains("ai-provider-keys"))
    #expect(!(try sim.must("ssh", leader, "cat \(Self.configFile)")).contains("openai/gpt-5"))

    // The key in a user secret that is not granted yet: blocked with the grant command.
    let uri = try sim.must("add-secret", "openclaw-keys", "openai=sk-openai-test-key")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(uri.range(of: "^secret:[a-z0-9]{20}$", options: .regularExpression) != nil, "\(uri)")
    try sim.must("config", "ai-provider-keys=\(uri)")
    status = try #require(try sim.units()[leader])
    #expect(status.workloadCurrent == "blocked")
    #expect(status.workloadMessage.contains("juju grant-secret"))

    // Granting runs no hook; the next hook picks the key up.
    try sim.must("grant-secret", "openclaw-keys", "openclaw")
    try sim.must("update-status")
    // The new key restarts the gateway, so a node may still be reconnecting; none is blocked.
    for (name, unit) in try sim.units() {
      let expected = name == leader ? ["active"] : ["active", "waiting"]
      #expect(expected.contains(unit.workloadCurrent), "\(name): \(unit.workloadMessage)")
    }
    let config = try json(sim.must("ssh", leader, "cat \(Self.configFile)"))
    let model = ((config["agents"] as? [String: Any])?["defaults"] as? [String: Any])?["model"] as? [String: Any]
    #expect(model?["primary"] as? String == "anthropic/claude-opus-4-5")
    #expect(model?["fallbacks"] as? [String] == ["openai/gpt-5"])
    let environment = try sim.must("ssh", leader, "cat /etc/openclaw/gateway.env")
    #expect(environment.contains("OPENAI_API_KEY=\"sk-openai-test-key\""))
    #expect(!(try sim.must("ssh", leader, "cat \(Self.configFile)")).contains("sk-openai-test-key"))

    // A new revision of the secret reaches the gateway through secret-changed.
    try sim.must("update-secret", "openclaw-keys", "openai=sk-openai-rotated")
    let rotated = try sim.must("ssh", leader, "cat /etc/openclaw/gateway.env")
    #expect(rotated.contains("OPENAI_API_KEY=\"sk-openai-rotated\""))
    #expect(try sim.must("ssh", leader, "systemctl is-active openclaw.service") == "active\n")
  }

  // MARK: - Helpers

  private func leaderName(_ sim: Sim) throws -> String {
    try #require(try sim.units().first { $0.value.isLeader }?.key)
  }

  private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// The gateway's lifecycle events on `unit`, oldest first.
  private func events(_ sim: Sim, _ unit: String) throws -> [[String: Any]] {
    let text = try sim.run("ssh", unit, "cat \(Self.eventsFile) 2>/dev/null").stdout
    return text.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// Counts process starts and in-process restarts: a live reload adds neither.
  private func gatewayStarts(_ sim: Sim, _ unit: String) throws -> Int {
    try events(sim, unit).filter { ["start", "restart"].contains($0["event"] as? String ?? "") }.count
  }

  /// Waits up to five seconds for an event whose changed paths include one starting with `prefix`; the gateway
  /// polls its config file, so a reload follows the hook by a fraction of a second.
  private func expectEvent(
    _ sim: Sim, _ unit: String, _ name: String, containing prefix: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    for _ in 0..<50 {
      let found = try events(sim, unit).contains { event in
        event["event"] as? String == name && ((event["paths"] as? [String]) ?? []).contains { $0.hasPrefix(prefix) }
      }
      if found { return }
      usleep(100_000)
    }
    Issue.record("no \(name) event for \(prefix) on \(unit)", sourceLocation: sourceLocation)
  }
}
