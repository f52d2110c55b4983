import Foundation
import Testing

/// The charm's hook budgets, held by counting: hook-tool calls from `<model>/hook-tool-calls.jsonl` (every tool
/// but juju-log), application databag versions from `<model>/model.json`, and the sleep calls in the shipped
/// sources. Nothing here is timed; docs/performance.md has the timings from `make bench`.
@Suite(.serialized) struct BudgetTests {
  /// One deployment of three units, then the steps that must stay within budget as the model changes and grows.
  @Test func hookBudgetsAtThreeAndSixUnits() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "3", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
    let leader = try #require(try sim.units().first { $0.value.isLeader }?.key)
    let deployRuns = try sim.hookRuns()
    #expect(deployRuns.count >= 3 * 5, "the deployment ran too few hooks to check: \(deployRuns.count)")
    checkEveryRun(deployRuns, step: "deploy -n 3")
    let deployVersions = try sim.applicationDataVersion()
    checkWritesChangeData(deployRuns, versions: deployVersions, step: "deploy -n 3")
    checkRounds(deployRuns, leader: leader, added: 3, before: 0, versions: deployVersions, step: "deploy -n 3")

    // A change of one option other than the port: the gateway within 10 calls, each node within 8.
    var mark = try sim.callCount()
    let versionBeforeModel = try sim.applicationDataVersion()
    try sim.must("config", "ai-model=claude-sonnet-4-5")
    let modelRuns = try sim.hookRuns(after: mark)
    checkEveryRun(modelRuns, step: "config ai-model")
    let modelChanges = modelRuns.filter { $0.hook == "config-changed" }
    #expect(modelChanges.count == 3, "config-changed runs: \(modelChanges.map(\.unit))")
    for run in modelChanges {
      let budget = run.unit == leader ? 10 : 8
      #expect(run.counted.count <= budget, "\(run.unit) config-changed made \(run.counted.count) calls: \(run.counted)")
    }
    #expect(try sim.applicationDataVersion() == versionBeforeModel, "a model change rewrote the application data")

    // A port change may add close-port and open-port on the gateway, and publishes the new port once.
    mark = try sim.callCount()
    let versionBeforePort = try sim.applicationDataVersion()
    try sim.must("config", "gateway-port=18800")
    let portRuns = try sim.hookRuns(after: mark)
    checkEveryRun(portRuns, step: "config gateway-port")
    checkWritesChangeData(portRuns, versions: try sim.applicationDataVersion() - versionBeforePort, step: "config gateway-port")
    let gatewayPortChange = try #require(portRuns.first { $0.hook == "config-changed" && $0.unit == leader })
    #expect(gatewayPortChange.counted.count <= 12, "gateway config-changed made: \(gatewayPortChange.counted)")
    #expect(gatewayPortChange.counted.filter { $0 == "close-port" }.count == 1)
    #expect(gatewayPortChange.counted.filter { $0 == "open-port" }.count == 1)
    for run in portRuns where run.hook == "config-changed" && run.unit != leader {
      #expect(run.counted.count <= 8, "\(run.unit) config-changed made: \(run.counted)")
    }

    // Nothing changed: update-status writes no relation data anywhere.
    mark = try sim.callCount()
    let versionBeforeStatus = try sim.applicationDataVersion()
    try sim.must("update-status")
    let statusRuns = try sim.hookRuns(after: mark)
    checkEveryRun(statusRuns, step: "update-status")
    #expect(statusRuns.filter { $0.hook == "update-status" }.count == 3)
    let statusWrites = statusRuns.flatMap(\.counted).filter { $0 == "relation-set" }
    #expect(statusWrites.isEmpty, "update-status wrote relation data \(statusWrites.count) times")
    #expect(try sim.applicationDataVersion() == versionBeforeStatus)

    // Three more units, doubling the model: no hook makes more reads, or more calls apart from relation-set, than the
    // same hook did with three units, and the application data does not change at all. Which hook writes a pairing
    // request depends on when the node connects, not on the unit count; checkRounds bounds those writes per unit.
    mark = try sim.callCount()
    let versionBeforeScale = try sim.applicationDataVersion()
    try sim.must("add-unit", "-n", "3")
    let scaleRuns = try sim.hookRuns(after: mark)
    checkEveryRun(scaleRuns, step: "add-unit -n 3")
    let units = try sim.units()
    #expect(units.count == 6)
    for (name, unit) in units {
      #expect(unit.workloadCurrent == "active", "\(name): \(unit.workloadMessage)")
    }
    let runsWithThree = deployRuns + modelRuns + portRuns + statusRuns
    let readsWithThree = Self.maxCallsByKind(runsWithThree, leader: leader, tools: Self.readTools)
    for (kind, reads) in Self.maxCallsByKind(scaleRuns, leader: leader, tools: Self.readTools) {
      guard let before = readsWithThree[kind] else { continue }
      #expect(reads <= before, "\(kind) made \(reads) reads with 6 units, \(before) with 3")
    }
    let callsWithThree = Self.maxCallsByKind(runsWithThree, leader: leader, tools: nil)
    for (kind, calls) in Self.maxCallsByKind(scaleRuns, leader: leader, tools: nil) {
      guard let before = callsWithThree[kind] else { continue }
      #expect(calls <= before, "\(kind) made \(calls) calls with 6 units, \(before) with 3")
    }
    let addedVersions = try sim.applicationDataVersion() - versionBeforeScale
    checkWritesChangeData(scaleRuns, versions: addedVersions, step: "add-unit -n 3")
    #expect(addedVersions == 0, "3 added units changed the application data \(addedVersions) times")
    checkRounds(scaleRuns, leader: leader, added: 3, before: 3, versions: addedVersions, step: "add-unit -n 3")
  }

  /// The maximum number of times one node writes its own databag while it joins: its device request and its commands request.
  static let pairingWritesPerNode = 2

  /// Checks that the hooks a step ran grow with the units as Juju's own do, plus a bounded share the charm causes.
  ///
  /// Juju runs install, relation-created, leader-elected or leader-settings-changed, config-changed and start on
  /// each added unit, and joined and changed for every ordered pair of a new unit and any other. An added unit also
  /// runs one application-level relation-changed when the application data is already set. Beyond those, each
  /// application-data version may run relation-changed once on every other unit, and so may each pairing request
  /// a node writes. Both are bounded per unit, so the charm's rounds grow linearly with the units added.
  private func checkRounds(_ runs: [HookRun], leader: String, added: Int, before: Int, versions: Int, step: String) {
    let total = added + before
    let pairs = 2 * added * (added - 1) + 4 * added * before
    let jujuOwn = 5 * added + pairs + (before > 0 ? added : 0)
    let unitWrites = runs.filter { run in
      run.calls.contains { ($0["tool"] as? String) == "relation-set" && !(($0["args"] as? [String]) ?? []).contains("--app") }
    }
    var writesByUnit: [String: Int] = [:]
    for run in unitWrites { writesByUnit[run.unit, default: 0] += 1 }
    for (unit, writes) in writesByUnit {
      // The leader wakes the nodes once per pairing pass that approved a device or commands: at most twice per
      // added node, and less when one pass approves several nodes.
      let budget = unit == leader ? 2 * added : Self.pairingWritesPerNode
      #expect(writes <= budget, "\(step): \(unit) wrote its databag \(writes) times")
    }
    let applicationLevel = runs.filter { $0.hook.hasSuffix("-relation-changed") && $0.unitBagReads == 0 }.count
    #expect(
      applicationLevel <= (total - 1) * versions + (before > 0 ? added : 0),
      "\(step): \(applicationLevel) application-level relation-changed runs for \(versions) versions")
    let charmBound = (total - 1) * (versions + unitWrites.count)
    #expect(
      runs.count <= jujuOwn + charmBound,
      "\(step): \(runs.count) hooks, Juju's own \(jujuOwn), the charm's share may be at most \(charmBound)")
  }

  /// Checks the per-run budgets that hold in every hook, whatever the step.
  private func checkEveryRun(_ runs: [HookRun], step: String) {
    for run in runs {
      #expect(run.counted.count <= Self.maxCallsPerHook, "\(step): \(run.unit) \(run.hook) made \(run.counted)")
      let configReads = run.counted.filter { $0 == "config-get" }.count
      #expect(configReads <= 1, "\(step): \(run.unit) \(run.hook) read the config \(configReads) times")
      let unitReads = run.unitBagReads
      let allowed = run.hook.contains("-relation-") ? 1 : 0
      #expect(unitReads <= allowed, "\(step): \(run.unit) \(run.hook) read \(unitReads) unit databags")
    }
  }

  /// Checks that each application-data write of a step committed a new version: a write that changes nothing would
  /// still run relation-changed on every other unit.
  private func checkWritesChangeData(_ runs: [HookRun], versions: Int, step: String) {
    let writes = runs.filter(\.writesApplicationData).count
    #expect(writes == versions, "\(step): \(writes) relation-set --app calls for \(versions) new versions")
  }

  /// Returns the maximum number of calls of `tools` (all tools but relation-set when nil) per hook name and role,
  /// for comparing steps of different sizes.
  private static func maxCallsByKind(_ runs: [HookRun], leader: String, tools: Set<String>?) -> [String: Int] {
    var result: [String: Int] = [:]
    for run in runs {
      let kind = "\(run.unit == leader ? "gateway" : "node") \(run.hook)"
      let calls = run.counted.filter { tools?.contains($0) ?? ($0 != "relation-set") }
      result[kind] = max(result[kind] ?? 0, calls.count)
    }
    return result
  }

  /// The hook tools that only read, whose number per hook must not depend on what the hook finds.
  static let readTools: Set<String> = [
    "is-leader", "config-get", "relation-ids", "relation-list", "relation-get", "network-get", "opened-ports",
    "secret-get", "secret-ids", "secret-info-get", "leader-get", "state-get", "status-get", "action-get",
  ]

  /// The maximum number of calls one hook may make, whatever the number of units.
  static let maxCallsPerHook = 14

  /// The leader writes the application databag only with changed values: every write it commits is a new version.
  @Test func applicationDataWrittenOnlyOnChange() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must("deploy", "-n", "3")
    try sim.must("update-status")
    try sim.must("config", "ai-provider=ollama", "ai-model=llama3.3")
    try sim.must("add-unit")

    let writes = try sim.hookRuns().filter(\.writesApplicationData).count
    let version = try sim.applicationDataVersion()
    #expect(writes == version, "\(writes) relation-set --app calls for \(version) application data versions")
    // The first publish, and nothing per unit: the AI options and a fourth unit change no published value.
    #expect(version == 1, "application data versions: \(version)")
  }

  /// No hook waits a fixed time: the only sleep is the pause between the polls of a service's state, each of
  /// which ends as soon as the state settles and runs at most `pollAttempts` times.
  @Test func noFixedDelayInShippedSources() throws {
    let sleepCalls = ["usleep(", "nanosleep(", "sleep(", "Thread.sleep", "Task.sleep", "clock_nanosleep("]
    var sleepSites: [String] = []
    var pauseSites: [String] = []
    for (path, text) in try Self.shippedSources() {
      let file = (path as NSString).lastPathComponent
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let code = line.components(separatedBy: "//").first ?? ""
        if sleepCalls.contains(where: { code.contains($0) }) { sleepSites.append("\(file):\(number + 1)") }
        if code.contains(".pause(") { pauseSites.append("\(file):\(number + 1)") }
      }
    }
    #expect(sleepSites.count == 1, "sleeps: \(sleepSites)")
    #expect(sleepSites.allSatisfy { $0.hasPrefix("HostSystem.swift:") }, "sleeps: \(sleepSites)")
    // The node's connection, the gateway's health after a restart, and the node count in update-status.
    let polls = [
      "NodeConnection.swift": "if observation.isSettled { break }",
      "ServiceHealth.swift": "if problem == nil { return nil }",
      "NodeInventory.swift": "where connected.count < peers.count",
    ]
    #expect(pauseSites.count == polls.count, "pauses: \(pauseSites)")
    #expect(pauseSites.allSatisfy { site in polls.keys.contains { site.hasPrefix($0 + ":") } }, "pauses: \(pauseSites)")

    for (file, stop) in polls {
      let source = try String(
        contentsOf: Sim.repository.appendingPathComponent("Sources/Charm/" + file), encoding: .utf8)
      let attempts = try #require(Self.integerConstant("pollAttempts", in: source))
      let interval = try #require(Self.integerConstant("pollIntervalMilliseconds", in: source))
      #expect(attempts * interval <= 15_000, "\(file): a poll may wait \(attempts) x \(interval) ms")
      #expect(source.contains(stop), "\(file): the poll must end once the state is settled")
    }
  }

  /// Returns the path and text of each Swift file of the targets that go into the charm.
  private static func shippedSources() throws -> [(String, String)] {
    var result: [(String, String)] = []
    for target in ["HookTools", "Roles", "Charm", "charm-hook"] {
      let directory = Sim.repository.appendingPathComponent("Sources/" + target)
      for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".swift") {
        let url = directory.appendingPathComponent(name)
        result.append((url.path, try String(contentsOf: url, encoding: .utf8)))
      }
    }
    return result
  }

  /// Reads `static let NAME = <integer>` from Swift source.
  private static func integerConstant(_ name: String, in source: String) -> Int? {
    for line in source.split(separator: "\n") where line.contains("static let \(name) =") {
      return Int(line.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }
    return nil
  }
}

/// One hook run and the hook-tool calls it made, grouped by its JUJU_CONTEXT_ID.
struct HookRun {
  var unit: String
  var hook: String
  /// The tools called, in order, juju-log excluded.
  var counted: [String]
  var calls: [[String: Any]]

  /// The `relation-get` calls that read a unit's databag rather than the application's.
  var unitBagReads: Int {
    calls.filter { ($0["tool"] as? String) == "relation-get" && !(($0["args"] as? [String]) ?? []).contains("--app") }
      .count
  }

  var writesApplicationData: Bool {
    calls.contains { ($0["tool"] as? String) == "relation-set" && (($0["args"] as? [String]) ?? []).contains("--app") }
  }
}

extension Sim {
  /// Returns the number of hook-tool calls recorded so far, so a later step can take only its own calls.
  func callCount() throws -> Int {
    try toolCalls().count
  }

  /// Hook runs (actions excluded) from the recorded calls after the first `offset` ones, in the order they ran.
  func hookRuns(after offset: Int = 0) throws -> [HookRun] {
    var order: [String] = []
    var runs: [String: HookRun] = [:]
    for call in try toolCalls().dropFirst(offset) where call["kind"] == nil {
      let context = call["context"] as? String ?? ""
      let tool = call["tool"] as? String ?? ""
      if runs[context] == nil {
        order.append(context)
        runs[context] = HookRun(unit: call["unit"] as? String ?? "", hook: call["hook"] as? String ?? "", counted: [], calls: [])
      }
      runs[context]!.calls.append(call)
      if tool != "juju-log" { runs[context]!.counted.append(tool) }
    }
    return order.map { runs[$0]! }
  }

  /// The version of the peer relation's application databag: how many changes were committed to it.
  func applicationDataVersion() throws -> Int {
    let data = try Data(contentsOf: URL(fileURLWithPath: model + "/model.json"))
    let state = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let relations = state?["relations"] as? [[String: Any]] ?? []
    let peer = relations.first { $0["endpoint"] as? String == "openclaw-cluster" }
    return (peer?["appBag"] as? [String: Any])?["version"] as? Int ?? 0
  }

  private func toolCalls() throws -> [[String: Any]] {
    let text = (try? String(contentsOfFile: model + "/hook-tool-calls.jsonl", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
  }
}
