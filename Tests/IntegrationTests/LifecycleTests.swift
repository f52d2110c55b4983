import Foundation
import Testing

/// Every lifecycle event on a three-unit model: scaling, leader loss, elections, config changes, upgrades and
/// hook failures. After each step the model must hold exactly one gateway, on the leader, with every other unit
/// a node connected to it. `Sim.convergenceProblems` checks this in the status table, the peer relation data, the
/// open ports, the services on each unit and the rendered files. docs/scenarios.md gives the same steps as
/// juju-sim commands.
@Suite(.serialized) struct LifecycleTests {
  /// Returns the leader's name and the gateway token it uses.
  private func leaderAndToken(_ sim: Sim) throws -> (String, String) {
    let leader = try #require(try sim.units().first { $0.value.isLeader }?.key)
    let token = try #require(try UnitFiles(sim, unit: leader).token)
    return (leader, token)
  }

  /// Records one issue per problem, each naming the step it followed.
  private func expectConverged(_ sim: Sim, after step: String, port: Int = Sim.defaultPort, token: String) throws {
    let problems = try sim.convergenceProblems(port: port, token: token)
    for problem in problems {
      Issue.record("after \(step): \(problem)")
    }
  }

  /// Checks what the survivors' hooks alone must achieve, then what update-status settles.
  private func expectRolesThenConnections(_ sim: Sim, after step: String, port: Int = Sim.defaultPort, token: String)
    throws
  {
    for problem in try sim.convergenceProblems(port: port, token: token, connected: false) {
      Issue.record("right after \(step): \(problem)")
    }
    try sim.must("update-status")
    try expectConverged(sim, after: "\(step) and update-status", port: port, token: token)
  }

  private func count(_ event: String, in events: [String]) -> Int {
    events.filter { $0 == event }.count
  }

  @Test func scalingAndLeaderRemoval() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    try sim.must("update-status")
    let (leader, token) = try leaderAndToken(sim)
    #expect(leader == "openclaw/0")
    try expectConverged(sim, after: "deploy", token: token)

    try sim.must("add-unit")
    #expect(try sim.units().keys.sorted() == ["openclaw/0", "openclaw/1", "openclaw/2", "openclaw/3"])
    try expectRolesThenConnections(sim, after: "add-unit", token: token)

    try sim.must("remove-unit", "openclaw/1")
    #expect(try sim.units().keys.sorted() == ["openclaw/0", "openclaw/2", "openclaw/3"])
    try expectRolesThenConnections(sim, after: "remove-unit openclaw/1", token: token)
    // Pairing a node or dropping one never restarts the gateway.
    #expect(try sim.gatewayEvents(leader) == ["start"])

    // Once the survivors have run their hooks, the lowest-numbered one runs the gateway with the same token,
    // and no node points at the removed unit.
    try sim.must("remove-unit", leader)
    let units = try sim.units()
    #expect(units.keys.sorted() == ["openclaw/2", "openclaw/3"])
    #expect(units["openclaw/2"]?.isLeader == true)
    try expectRolesThenConnections(sim, after: "remove-unit \(leader)", token: token)
    #expect(try sim.gatewayEvents("openclaw/2") == ["start"])

    try sim.must("add-unit")
    #expect(try sim.units().keys.sorted() == ["openclaw/2", "openclaw/3", "openclaw/4"])
    try expectRolesThenConnections(sim, after: "add-unit", token: token)
  }

  @Test func electionsAndPortChange() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (_, token) = try leaderAndToken(sim)

    try sim.must("elect", "openclaw/2")
    try expectRolesThenConnections(sim, after: "elect openclaw/2", token: token)
    // The former gateway stopped its gateway process and closed the port, and it now runs a node.
    #expect(try sim.gatewayEvents("openclaw/0") == ["start", "stop"])
    #expect(try sim.gatewayEvents("openclaw/2") == ["start"])
    #expect(try sim.showUnit("openclaw/0")["opened-ports"] as? [String] == [])

    try sim.must("elect", "openclaw/0")
    try expectRolesThenConnections(sim, after: "elect openclaw/0", token: token)
    #expect(try sim.gatewayEvents("openclaw/0") == ["start", "stop", "start"])
    #expect(try sim.gatewayEvents("openclaw/2") == ["start", "stop"])

    // The port is in openclaw.json, so OpenClaw restarts in-process by itself and the charm does not restart it.
    try sim.must("config", "gateway-port=18800")
    try expectRolesThenConnections(sim, after: "config gateway-port=18800", port: 18800, token: token)
    #expect(try sim.gatewayEvents("openclaw/0") == ["start", "stop", "start", "restart"])

    try sim.must("config", "gateway-port=")
    try expectRolesThenConnections(sim, after: "config gateway-port= (the default)", token: token)
    #expect(try sim.gatewayEvents("openclaw/0") == ["start", "stop", "start", "restart", "restart"])
  }

  @Test func settingsAndUpgrade() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (leader, token) = try leaderAndToken(sim)

    // A model change is reloaded live: no restart by the charm or by OpenClaw.
    var before = try sim.gatewayEvents(leader).count
    try sim.must("config", "ai-model=claude-sonnet-4-5")
    try expectRolesThenConnections(sim, after: "config ai-model=claude-sonnet-4-5", token: token)
    #expect(Array(try sim.gatewayEvents(leader).dropFirst(before)) == ["reload"])
    let config = try UnitFiles(sim, unit: leader).content("/var/lib/openclaw/openclaw.json") ?? ""
    #expect(config.contains("\"primary\" : \"anthropic/claude-sonnet-4-5\""))

    // A new API key changes only the environment file: the charm restarts the gateway once.
    before = try sim.gatewayEvents(leader).count
    try sim.must("config", "ai-api-key=sk-ant-second-key")
    try expectRolesThenConnections(sim, after: "config ai-api-key", token: token)
    #expect(Array(try sim.gatewayEvents(leader).dropFirst(before)) == ["stop", "start"])
    let environment = try UnitFiles(sim, unit: leader).content("/etc/openclaw/gateway.env") ?? ""
    #expect(environment.contains("ANTHROPIC_API_KEY=\"sk-ant-second-key\""))

    // Another provider changes the model (live) and the environment (restart): still exactly one restart.
    before = try sim.gatewayEvents(leader).count
    try sim.must("config", "ai-provider=openai", "ai-model=gpt-5", "ai-api-key=sk-openai-key")
    try expectRolesThenConnections(sim, after: "config ai-provider=openai", token: token)
    let events = Array(try sim.gatewayEvents(leader).dropFirst(before))
    #expect(count("start", in: events) == 1)
    #expect(count("stop", in: events) == 1)
    #expect(count("restart", in: events) == 0)
    let newEnvironment = try UnitFiles(sim, unit: leader).content("/etc/openclaw/gateway.env") ?? ""
    #expect(newEnvironment.contains("OPENAI_API_KEY=\"sk-openai-key\""))
    #expect(!newEnvironment.contains("ANTHROPIC_API_KEY"))

    // An invalid value blocks every unit and changes nothing that runs.
    before = try sim.gatewayEvents(leader).count
    let snapshot = try sim.snapshot()
    try sim.must("config", "gateway-port=80")
    for (name, unit) in try sim.units() {
      #expect(unit.workloadCurrent == "blocked", "\(name): \(unit.workloadMessage)")
      #expect(unit.workloadMessage.contains("gateway-port"))
    }
    #expect(try sim.gatewayEvents(leader).count == before)
    try sim.must("config", "gateway-port=")
    try sim.must("update-status")
    let differences = Sim.differences(try sim.snapshot(), snapshot)
    #expect(differences.isEmpty, "after an invalid gateway-port and its reset, these changed: \(differences)")
    try expectConverged(sim, after: "config gateway-port=80, then its reset", token: token)

    // The same charm again: upgrade-charm re-renders identical files and restarts nothing.
    before = try sim.gatewayEvents(leader).count
    try sim.must("refresh")
    try expectRolesThenConnections(sim, after: "refresh", token: token)
    #expect(try sim.gatewayEvents(leader).count == before)
    #expect(try sim.showUnit(leader)["charm"] as? String == "local:openclaw-2")

    // New templates: every unit file is rendered from them, and the gateway restarts once for it.
    let charm = FileManager.default.temporaryDirectory.appendingPathComponent("charm-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: charm) }
    try Sim.copyCharm(to: charm)
    for template in ["openclaw.service", "openclaw-node.service"] {
      let path = charm + "/templates/" + template
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.contains("RestartSec=5\n"))
      try text.replacingOccurrences(of: "RestartSec=5\n", with: "RestartSec=3\n")
        .write(toFile: path, atomically: true, encoding: .utf8)
    }
    before = try sim.gatewayEvents(leader).count
    try sim.must("refresh", "--path", charm)
    try expectRolesThenConnections(sim, after: "refresh --path with new templates", token: token)
    #expect(Array(try sim.gatewayEvents(leader).dropFirst(before)) == ["stop", "start"])
    for name in try sim.units().keys {
      let files = try UnitFiles(sim, unit: name)
      let unitFile = name == leader ? "/etc/systemd/system/openclaw.service" : "/etc/systemd/system/openclaw-node.service"
      #expect(files.content(unitFile)?.contains("RestartSec=3\n") == true, "\(name): \(unitFile) was not re-rendered")
    }
  }

  @Test func hookFailuresConvergeToSameState() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (_, token) = try leaderAndToken(sim)

    // Switching between these two config states runs every step of a hook. The leader rewrites openclaw.json and
    // the environment file, restarts the gateway, moves its port and publishes. Every node rewrites its unit
    // file, reloads systemd and restarts. Reference snapshots come from switches that no fault interrupted.
    let states = [
      ["gateway-port=18800", "ai-api-key=sk-ant-second-key"],
      ["gateway-port=", "ai-api-key=sk-ant-test-key"],
    ]
    let ports = [18800, Sim.defaultPort]
    var references: [[String: String]] = []
    for (index, state) in states.enumerated() {
      try sim.must(["config"] + state)
      try sim.must("update-status")
      try expectConverged(sim, after: "config \(state.joined(separator: " "))", port: ports[index], token: token)
      references.append(try sim.snapshot())
    }

    let faults: [(name: String, mode: String)] = [
      ("relation-set", "once"), ("open-port", "once"), ("close-port", "once"), ("systemctl daemon-reload", "once"),
      ("systemctl restart", "always"),
    ]
    for (step, fault) in faults.enumerated() {
      let index = step % states.count
      let label = "fault \(fault.name) \(fault.mode) during config \(states[index].joined(separator: " "))"
      try sim.must("fault", fault.name, fault.mode)
      try sim.must(["config"] + states[index])
      #expect(try !sim.unitsInError().isEmpty, "\(label): no hook failed")
      if fault.mode == "always" {
        // A retry that meets the same fault fails again and changes nothing.
        for unit in try sim.unitsInError() { try sim.must("resolve", unit) }
        #expect(try !sim.unitsInError().isEmpty, "\(label): the retry did not fail again")
      }
      try sim.recover(clearing: [fault.name])
      let differences = Sim.differences(try sim.snapshot(), references[index])
      #expect(differences.isEmpty, "after \(label), these differ from a run without the fault: \(differences)")
      try expectConverged(sim, after: label, port: ports[index], token: token)
    }

    // Faults while leadership moves: starting and stopping services fails.
    let port = ports[(faults.count - 1) % states.count]
    try sim.must("elect", "openclaw/1")
    try sim.must("update-status")
    let electedReference = try sim.snapshot()
    try sim.must("elect", "openclaw/0")
    try sim.must("update-status")
    let originalReference = try sim.snapshot()
    let electionFaults: [(name: String, target: String, reference: [String: String])] = [
      ("systemctl disable", "openclaw/1", electedReference), ("systemctl enable", "openclaw/0", originalReference),
    ]
    for fault in electionFaults {
      let label = "fault \(fault.name) once during elect \(fault.target)"
      try sim.must("fault", fault.name, "once")
      try sim.must("elect", fault.target)
      #expect(try !sim.unitsInError().isEmpty, "\(label): no hook failed")
      try sim.recover(clearing: [fault.name])
      let differences = Sim.differences(try sim.snapshot(), fault.reference)
      #expect(differences.isEmpty, "after \(label), these differ from a run without the fault: \(differences)")
      try expectConverged(sim, after: label, port: port, token: token)
    }

    #expect(try sim.uncheckedLeaderWrites() == [])
  }
}
