import Foundation
import Testing

/// The charm's hook budgets, held by counting: hook-tool calls from `<model>/hook-tool-calls.jsonl` (every tool
/// but juju-log), application databag versions from `<model>/model.json`, and the sleep calls in the shipped
/// sources. Nothing here is timed; docs/performance.md has the timings from `make bench`.
@Suite(.serialized) struct BudgetTests {
  /// One deployment of three units, then the steps that must stay within budget as the model changes and grows.
  @Test func hookBudgetsAtThreeAndFiveUnits() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "3", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
    let leader = try #require(try sim.units().first { $0.value.isLeader }?.key)
    let deployRuns = try sim.hookRuns()
    #expect(deployRuns.count >= 3 * 5, "the deployment ran too few hooks to check: \(deployRuns.count)")
    checkEveryRun(deployRuns, step: "deploy -n 3")
    checkWritesChangeData(deployRuns, versions: try sim.applicationDataVersion(), step: "deploy -n 3")

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

    // Two more units: no hook reads more than the same hook did with three units, and the application data
    // changes a bounded number of times per added unit. Writes depend on what changed, not on the unit count,
    // so they are held by the absolute budget in checkEveryRun.
    mark = try sim.callCount()
    let versionBeforeScale = try sim.applicationDataVersion()
    try sim.must("add-unit", "-n", "2")
    let scaleRuns = try sim.hookRuns(after: mark)
    checkEveryRun(scaleRuns, step: "add-unit -n 2")
    let units = try sim.units()
    #expect(units.count == 5)
    for (name, unit) in units {
      #expect(unit.workloadCurrent == "active", "\(name): \(unit.workloadMessage)")
    }
    let readsWithThree = Self.maxReadsByKind(deployRuns + modelRuns + portRuns + statusRuns, leader: leader)
    for (kind, reads) in Self.maxReadsByKind(scaleRuns, leader: leader) {
      guard let before = readsWithThree[kind] else { continue }
      #expect(reads <= before, "\(kind) made \(reads) reads with 5 units, \(before) with 3")
    }
    let addedVersions = try sim.applicationDataVersion() - versionBeforeScale
    checkWritesChangeData(scaleRuns, versions: addedVersions, step: "add-unit -n 2")
    #expect(addedVersions <= Self.applicationWritesPerAddedUnit * 2, "2 added units changed the application data \(addedVersions) times")
  }

  /// The maximum number of application-data changes one added unit may cause: its address, its device approval
  /// and its commands approval each change one key that the leader publishes.
  static let applicationWritesPerAddedUnit = 3

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

  /// Returns the maximum number of read calls per hook name and role, for comparing steps of different sizes.
  private static func maxReadsByKind(_ runs: [HookRun], leader: String) -> [String: Int] {
    var result: [String: Int] = [:]
    for run in runs {
      let kind = "\(run.unit == leader ? "gateway" : "node") \(run.hook)"
      result[kind] = max(result[kind] ?? 0, run.counted.filter { Self.readTools.contains($0) }.count)
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
    #expect(version <= 2 + Self.applicationWritesPerAddedUnit * 3, "application data versions: \(version)")
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
