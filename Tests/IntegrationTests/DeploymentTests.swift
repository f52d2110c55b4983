import Foundation
import Testing

/// The charm end to end on a three-unit juju-sim model: one gateway on the leader, two connected nodes.
@Suite(.serialized) struct DeploymentTests {
  @Test func threeUnitsConverge() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "3", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
    try sim.must("update-status")

    let units = try sim.units()
    #expect(units.count == 3)
    let leaders = units.filter { $0.value.isLeader }
    try #require(leaders.count == 1)
    let (leaderName, leader) = leaders.first!
    let gateway = "\(leader.address):18789"
    #expect(leader.workloadCurrent == "active")
    #expect(leader.workloadMessage == "Gateway: https://\(gateway) (2/2 nodes connected)")
    #expect(leader.openPorts == ["18789/tcp"])

    for (name, unit) in units where name != leaderName {
      #expect(unit.workloadCurrent == "active", "\(name): \(unit.workloadMessage)")
      #expect(unit.workloadMessage == "Node connected to \(gateway)")
      #expect(unit.openPorts.isEmpty)
      let active = try sim.run("ssh", name, "systemctl is-active openclaw-node.service; systemctl is-active openclaw.service")
      #expect(active.stdout == "active\ninactive\n")
    }
    let gatewayActive = try sim.run("ssh", leaderName, "systemctl is-active openclaw.service")
    #expect(gatewayActive.stdout == "active\n")

    // The gateway's own view: both nodes paired and connected.
    let nodes = try sim.run(
      "ssh", leaderName,
      "set -a; . /etc/openclaw/gateway.env; set +a; OPENCLAW_STATE_DIR=/var/lib/openclaw "
        + "OPENCLAW_CONFIG_PATH=/var/lib/openclaw/openclaw.json openclaw nodes status --json")
    let listing = try JSONSerialization.jsonObject(with: Data(nodes.stdout.utf8)) as? [String: Any]
    let entries = (listing?["nodes"] as? [[String: Any]]) ?? []
    let connected = entries.filter { ($0["connected"] as? Bool) == true }.compactMap { $0["displayName"] as? String }
    #expect(Set(connected) == Set(units.keys.filter { $0 != leaderName }))
  }

  @Test func gatewayTokenAction() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must("deploy", "-n", "2")

    let text = try sim.must("run", "openclaw/leader", "get-gateway-token")
    let token = text.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) } ?? ""
    #expect(token.count == 64)
    let isHex = token.allSatisfy { $0.isHexDigit }
    #expect(isHex)

    let json = try sim.must("run", "openclaw/leader", "get-gateway-token", "format=json")
    #expect(json.contains("gateway-url: wss://"))
    #expect(json.contains("dashboard-url: https://"))
    #expect(json.contains("#token=\(token)"))

    let units = try sim.units()
    let follower = units.first { !$0.value.isLeader }!.key
    let refused = try sim.run("run", follower, "get-gateway-token")
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("openclaw/leader"))
    #expect(!refused.stdout.contains(token))

    // The token lives only in root-only environment files, never in unit files or the charm's state.
    for unit in units.keys {
      let found = try sim.run("ssh", unit, "grep -rl '\(token)' /etc /var/lib/openclaw /var/lib/openclaw-charm 2>/dev/null | sort")
      let expected = units[unit]!.isLeader ? "/etc/openclaw/gateway.env\n" : "/etc/openclaw/node.env\n"
      #expect(found.stdout == expected, "\(unit) has the token in: \(found.stdout)")
      let mode = try sim.run("ssh", unit, "stat -c '%a %U' /etc/openclaw/*.env")
      #expect(mode.stdout == "600 root\n")
    }
  }
}

/// What ships is what is tested: the packed charm deploys and converges like the source tree.
@Suite(.serialized) struct PackedCharmTests {
  @Test func packedCharmConverges() throws {
    let charm = Sim.repository.appendingPathComponent("openclaw_amd64.charm").path
    try #require(FileManager.default.fileExists(atPath: charm), "\(charm) not found: run `make charm` first")
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must("deploy", charm, "-n", "3")
    let units = try sim.units()
    #expect(units.count == 3)
    let leader = try #require(units.first { $0.value.isLeader })
    #expect(leader.value.workloadMessage == "Gateway: https://\(leader.value.address):18789 (2/2 nodes connected)")
    for (name, unit) in units where name != leader.key {
      #expect(unit.workloadMessage == "Node connected to \(leader.value.address):18789", "\(name)")
    }
  }
}
