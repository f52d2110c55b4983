import Foundation
import Testing

/// What an operator sees and does: health in update-status, the node count, and the list-models, backup and
/// restore actions, on juju-sim models.
@Suite(.serialized) struct HealthTests {
  static let port = Sim.defaultPort

  /// Returns the leader and its status message after update-status.
  private func leaderStatus(_ sim: Sim) throws -> (name: String, current: String, message: String) {
    let (leader, _) = try sim.leaderAndNodes()
    let unit = try sim.units()[leader]!
    return (leader, unit.workloadCurrent, unit.workloadMessage)
  }

  /// Returns the juju-log lines of one unit that contain `text`.
  private func logLines(_ sim: Sim, _ unit: String, containing text: String) throws -> [String] {
    try sim.must("debug-log", unit).split(separator: "\n").map(String.init).filter { $0.contains(text) }
  }

  @Test func healthyGatewayCountsNodes() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    try sim.must("update-status")

    let (leader, current, message) = try leaderStatus(sim)
    let address = try sim.units()[leader]!.address
    #expect(current == "active")
    #expect(message == "Gateway: https://\(address):\(Self.port) (2/2 nodes connected)")
    #expect(try logLines(sim, leader, containing: "restarting it once").isEmpty)
    #expect(try logLines(sim, leader, containing: "stays down").isEmpty)
  }

  @Test func gatewayDownIsRestartedOnceThenReported() throws {
    let sim = Sim()
    defer { sim.destroy() }
    // One unit: nodes would only wait for the dead gateway, and each of their update-status hooks polls.
    try sim.must("deploy", "-n", "1")
    let (leader, _) = try sim.leaderAndNodes()

    // The charm restarts a service either as a dead one ("Started") or as an unhealthy one.
    func restarts() throws -> Int {
      try logLines(sim, leader, containing: "Started openclaw.service").count
        + logLines(sim, leader, containing: "restarting it once").count
    }
    let before = try restarts()

    // Every gateway start now fails; killing the running one leaves systemd restarting it in vain.
    try sim.must("fault", "openclaw gateway", "always")
    try sim.must("ssh", leader, "systemctl kill openclaw.service")
    try sim.must("update-status")
    var status = try leaderStatus(sim)
    #expect(status.current == "blocked")
    #expect(status.message.hasPrefix("openclaw.service stays down after a restart: "), "\(status.message)")
    #expect(status.message.contains("exit status 1"), "\(status.message)")
    #expect(status.message.contains("journalctl -u openclaw.service"), "\(status.message)")
    #expect(try restarts() == before + 1)

    // The next hooks report it again without restarting it.
    try sim.must("update-status")
    try sim.must("config", "log-level=debug")
    status = try leaderStatus(sim)
    #expect(status.current == "blocked")
    #expect(try restarts() == before + 1)

    // Fixed by hand, it is reported healthy again at the next update-status.
    try sim.must("fault", "openclaw gateway", "clear")
    try sim.must("ssh", leader, "systemctl restart openclaw.service")
    try sim.must("update-status")
    status = try leaderStatus(sim)
    #expect(status.current == "active", "\(status.message)")
    #expect(status.message.hasPrefix("Gateway: https://"), "\(status.message)")
  }

  @Test func disconnectedNodeIsCountedAndReported() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (leader, nodes) = try sim.leaderAndNodes()
    let broken = nodes[0]

    // A stopped node comes back by itself: update-status starts it and the gateway lists it again.
    try sim.must("ssh", broken, "systemctl stop openclaw-node.service")
    try sim.must("update-status")
    let units = try sim.units()
    #expect(units[broken]!.workloadMessage.hasPrefix("Node connected to "), "\(units[broken]!.workloadMessage)")

    // A node that crashes at every start stays down and the gateway counts it as disconnected.
    try sim.must("fault", "openclaw node", "always")
    try sim.must("ssh", broken, "systemctl kill openclaw-node.service")
    try sim.must("update-status")
    let after = try sim.units()
    #expect(after[broken]!.workloadCurrent == "blocked")
    #expect(
      after[broken]!.workloadMessage.hasPrefix("openclaw-node.service stays down after a restart: "),
      "\(after[broken]!.workloadMessage)")
    #expect(after[nodes[1]]!.workloadMessage.hasPrefix("Node connected to "))
    #expect(after[leader]!.workloadMessage.hasSuffix("(1/2 nodes connected)"), "\(after[leader]!.workloadMessage)")
  }
}

@Suite(.serialized) struct OperatorActionTests {
  /// Deploys two units with a primary model and a fallback of the same provider.
  private func deploy(_ sim: Sim) throws {
    try sim.must(
      "deploy", "-n", "2", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5,claude-sonnet-4-5")
  }

  /// Returns the `key: value` lines of an action's output.
  private func results(_ output: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in output.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
      values[String(line[..<colon])] = value
    }
    return values
  }

  @Test func listModels() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try deploy(sim)

    let text = results(try sim.must("run", "openclaw/0", "list-models"))
    #expect(text["primary"] == "anthropic/claude-opus-4-5")
    #expect(text["fallbacks"] == "anthropic/claude-sonnet-4-5")

    let json = results(try sim.must("run", "openclaw/1", "list-models", "format=json"))
    let document = try JSONSerialization.jsonObject(with: Data((json["models"] ?? "").utf8)) as? [String: Any]
    #expect(document?["primary"] as? String == "anthropic/claude-opus-4-5")
    #expect(document?["fallbacks"] as? [String] == ["anthropic/claude-sonnet-4-5"])

    try sim.must("config", "ai-model=", "ai-provider=")
    let none = try sim.run("run", "openclaw/0", "list-models")
    #expect(none.status != 0)
    #expect(none.stderr.contains("juju config openclaw ai-provider="), "\(none.stderr)")
  }

  @Test func backupAndRestoreRoundTrip() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try deploy(sim)
    let (leader, _) = try sim.leaderAndNodes()
    try sim.must("ssh", leader, "echo before > /var/lib/openclaw/operator-note && chown openclaw: /var/lib/openclaw/operator-note")

    let backup = results(try sim.must("run", leader, "backup"))
    let path = try #require(backup["path"])
    #expect(path.hasPrefix("/var/lib/openclaw-charm/backups/\(leader.replacingOccurrences(of: "/", with: "-"))-state-"))
    #expect(path.hasSuffix("Z.tar.gz"))
    #expect(try sim.ssh(leader, "stat -c '%a %U' \(path) /var/lib/openclaw-charm/backups").stdout == "600 root\n700 root\n")
    #expect(try sim.ssh(leader, "systemctl is-active openclaw.service").stdout == "active\n")

    // Fetched as `juju scp` fetches: the copy keeps the mode and the digest the action reported.
    let local = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: local) }
    try sim.must("scp", "\(leader):\(path)", local.path)
    let copy = local.appendingPathComponent((path as NSString).lastPathComponent).path
    let attributes = try FileManager.default.attributesOfItem(atPath: copy)
    #expect(attributes[.posixPermissions] as? Int == 0o600)
    #expect((attributes[.size] as? Int).map(String.init) == backup["size"])

    // Change the state, copy the archive back in and restore it.
    try sim.must("ssh", leader, "echo after > /var/lib/openclaw/operator-note; touch /var/lib/openclaw/extra")
    try sim.must("scp", copy, "\(leader):/tmp/restore.tar.gz")
    let restored = results(try sim.must("run", leader, "restore", "path=/tmp/restore.tar.gz"))
    #expect(restored["restored"] == "/tmp/restore.tar.gz")
    #expect(try sim.ssh(leader, "cat /var/lib/openclaw/operator-note").stdout == "before\n")
    #expect(try sim.ssh(leader, "test -e /var/lib/openclaw/extra").status != 0)
    #expect(try sim.ssh(leader, "stat -c '%U %a' /var/lib/openclaw /var/lib/openclaw/openclaw.json").stdout
      == "openclaw 750\nopenclaw 600\n")

    // The restored gateway keeps its pairing: the node reconnects without a new approval.
    try sim.must("update-status")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
  }

  @Test func restoreRejectsBadArchives() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try deploy(sim)
    let (leader, _) = try sim.leaderAndNodes()

    // Archives built in the unit: a member climbing out with `..`, a link to /etc, a device, no openclaw.json,
    // a gzip file that is no tar, and a plain file.
    try sim.must("ssh", 
      leader,
      """
      set -e; rm -rf /tmp/bad; mkdir -p /tmp/bad/openclaw; cd /tmp/bad; echo '{}' > openclaw/openclaw.json
      echo x > escape; tar -czf /tmp/traversal.tar.gz openclaw escape --transform 's,^escape,openclaw/../../escape,'
      ln -s /etc/passwd openclaw/link; tar -czf /tmp/link.tar.gz openclaw; rm openclaw/link
      mknod openclaw/null c 1 3; tar -czf /tmp/device.tar.gz openclaw; rm openclaw/null
      mkdir -p other/openclaw; echo x > other/openclaw/note; tar -czf /tmp/noconfig.tar.gz -C other openclaw
      echo hello | gzip > /tmp/notar.tar.gz; echo hello > /tmp/plain.tar.gz
      """)
    let snapshot = "find /var/lib/openclaw /var/lib/openclaw-charm -path '*/sim' -prune -o -printf '%p %m %u %s\\n' | sort"
    let before = try sim.ssh(leader, snapshot).stdout

    let cases = [
      "/tmp/traversal.tar.gz": "outside the archive's openclaw/ directory",
      "/tmp/link.tar.gz": "links to /etc/passwd",
      "/tmp/device.tar.gz": "device",
      "/tmp/noconfig.tar.gz": "contains no openclaw/openclaw.json",
      "/tmp/notar.tar.gz": "not a readable tar.gz archive",
      "/tmp/plain.tar.gz": "not a gzip file",
      "/tmp/missing.tar.gz": "does not exist",
      "relative.tar.gz": "absolute path",
    ]
    for (path, reason) in cases {
      let result = try sim.run("run", leader, "restore", "path=\(path)")
      #expect(result.status != 0, "restore of \(path) succeeded")
      #expect(result.stderr.contains("Parameter 'path'"), "\(path): \(result.stderr)")
      #expect(result.stderr.contains(reason), "\(path): \(result.stderr)")
    }
    #expect(try sim.ssh(leader, snapshot).stdout == before)
    #expect(try sim.ssh(leader, "systemctl is-active openclaw.service").stdout == "active\n")
  }

  @Test func actionsLogNoToken() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try deploy(sim)
    let (leader, _) = try sim.leaderAndNodes()
    let token = try #require(try UnitFiles(sim, unit: leader).token)
    try sim.must("run", leader, "backup")
    try sim.must("run", leader, "list-models")
    try sim.must("update-status")

    let calls = try String(contentsOfFile: sim.model + "/hook-tool-calls.jsonl", encoding: .utf8)
    let logCalls = calls.split(separator: "\n").filter { $0.contains("\"juju-log\"") }
    #expect(!logCalls.isEmpty)
    #expect(!logCalls.contains { $0.contains(token) })
    #expect(!calls.contains("sk-ant-test-key"))
  }
}
