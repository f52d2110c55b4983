import Foundation
import Testing

/// SplitMix64: a small seeded generator whose sequence depends only on the seed, so a printed seed replays a run.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }

  /// Returns an index below `count`. The modulo bias, below 2^-50 for these counts, does not matter here.
  mutating func index(_ count: Int) -> Int {
    Int(next() % UInt64(count))
  }

  mutating func pick<T>(_ items: [T]) -> T {
    items[index(items.count)]
  }
}

extension LifecycleTests {
  /// Random lifecycle steps with a fixed seed: add-unit, remove-unit, elect, config changes, injected faults and
  /// resolves. Before each check every fault is cleared, every unit in error is resolved and update-status runs.
  /// The check then requires, whenever at least one unit exists, exactly one gateway, on the leader, and every
  /// other unit a node connected to it.
  ///
  /// `SOAK_STEPS` sets the number of steps (30 by default; `make soak` runs 200) and `SOAK_SEED` the seed.
  /// Nested in `LifecycleTests`, whose serialized trait keeps it from deploying while a scenario deploys.
  @Suite struct RandomizedTests {
    static let defaultSeed: UInt64 = 20_260_301
    static let defaultSteps = 30
    /// Caps add-unit so each step stays short; four units are a gateway with three nodes.
    static let maximumUnits = 4

    /// Hook tools and service commands this charm calls, so a fault fails the next step's hooks whenever they
    /// make the charm call it.
    static let faultNames = [
      "relation-set", "relation-get", "is-leader", "config-get", "secret-get", "open-port", "close-port",
      "opened-ports", "network-get", "status-set", "systemctl enable", "systemctl disable", "systemctl restart",
      "systemctl daemon-reload",
    ]
    static let configChoices = [
      "gateway-port=18789", "gateway-port=18800", "gateway-port=18801", "ai-model=claude-opus-4-5",
      "ai-model=claude-sonnet-4-5", "ai-api-key=sk-ant-first-key", "ai-api-key=sk-ant-second-key",
    ]

    /// One model-changing step, as the juju-sim arguments that perform it.
    struct Step: CustomStringConvertible {
      var arguments: [String]
      var description: String { "juju-sim " + arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }
    }

    /// The model as the step generator reads it before each step.
    struct ModelView {
      var alive: [String] = []
      var leader: String?
      var inError: [String] = []
      var port = Sim.defaultPort
    }

    @Test func randomLifecycleSteps() throws {
      let environment = ProcessInfo.processInfo.environment
      let seed = environment["SOAK_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
      let stepCount = environment["SOAK_STEPS"].flatMap { Int($0) } ?? Self.defaultSteps
      var random = SplitMix64(seed: seed)

      let sim = Sim()
      defer { sim.destroy() }
      try sim.deployThree()
      try sim.must("update-status")
      let firstLeader = try #require(try sim.units().first { $0.value.isLeader }?.key)
      let token = try #require(try UnitFiles(sim, unit: firstLeader).token)

      var history: [String] = []
      var activeFaults: Set<String> = []
      var port = Sim.defaultPort
      var checks = 0

      /// Records the failure with everything needed to replay it, then reports whether the run may go on.
      func check(after step: Int) throws -> Bool {
        try sim.recover(clearing: activeFaults.sorted())
        activeFaults = []
        checks += 1
        var problems = try sim.convergenceProblems(port: port, token: token)
        problems += try sim.uncheckedLeaderWrites()
        guard problems.isEmpty else {
          Issue.record(
            """
            Randomized lifecycle run failed at step \(step) of \(stepCount) with SOAK_SEED=\(seed).
            Steps so far (after `juju-sim deploy -n 3 ...` and `juju-sim update-status`):
            \(history.joined(separator: "\n"))
            Problems after recovering (faults cleared, units resolved, update-status):
            \(problems.joined(separator: "\n"))
            """)
          return false
        }
        return true
      }

      var stepsWithFailedHooks = 0
      for number in 1...max(stepCount, 1) {
        let view = try currentView(sim, port: port)
        let step = nextStep(&random, view)
        history.append("\(number). \(step)")
        let result = try sim.run(step.arguments)
        if result.status != 0 {
          Issue.record("step \(number) (\(step)) failed with SOAK_SEED=\(seed): \(result.stderr)\n\(history.joined(separator: "\n"))")
          return
        }
        if step.arguments.first != "fault", try !sim.unitsInError().isEmpty { stepsWithFailedHooks += 1 }
        switch step.arguments.first {
        case "fault":
          // The fault must meet the next step's hooks, so no check runs before it.
          activeFaults.insert(step.arguments[1])
          continue
        case "config":
          if let value = step.arguments[1].split(separator: "=").last, step.arguments[1].hasPrefix("gateway-port=") {
            port = Int(value) ?? port
          }
        default:
          break
        }
        // Half of the other steps are checked at once; the rest let failures and faults pile up into the next step.
        if number == stepCount || random.index(2) == 0 {
          history.append("   check: clear faults, resolve every unit in error, update-status")
          guard try check(after: number) else { return }
        }
      }
      if history.last?.hasPrefix("   check") != true {
        guard try check(after: stepCount) else { return }
      }
      #expect(checks > 0)
      print(
        "Randomized lifecycle run with SOAK_SEED=\(seed): \(stepCount) steps, \(checks) checks, "
          + "\(stepsWithFailedHooks) steps that left a unit in error")
    }

    private func currentView(_ sim: Sim, port: Int) throws -> ModelView {
      var view = ModelView()
      for (name, unit) in try sim.units() {
        let agent = (unit["juju-status"] as? [String: Any])?["current"] as? String
        if agent != "executing" { view.alive.append(name) }
        if unit.isLeader { view.leader = name }
        if unit.workloadCurrent == "error" { view.inError.append(name) }
      }
      view.alive.sort(by: Sim.unitOrder)
      view.inError.sort(by: Sim.unitOrder)
      view.port = port
      return view
    }

    /// Picks the next step among those that make sense for `view`.
    private func nextStep(_ random: inout SplitMix64, _ view: ModelView) -> Step {
      var kinds: [String] = ["config", "config", "fault", "fault", "fault"]
      if view.alive.count < Self.maximumUnits { kinds += ["add-unit", "add-unit"] }
      // Scaling to zero is legal but rare, so most steps act on a running cluster.
      if view.alive.count > 1 || (view.alive.count == 1 && random.index(4) == 0) { kinds += ["remove-unit", "remove-unit"] }
      if view.alive.count > 1 { kinds += ["elect", "elect"] }
      if !view.inError.isEmpty { kinds += ["resolve", "resolve"] }

      switch random.pick(kinds) {
      case "add-unit":
        return Step(arguments: ["add-unit"])
      case "remove-unit":
        return Step(arguments: ["remove-unit", random.pick(view.alive)])
      case "elect":
        return Step(arguments: ["elect", random.pick(view.alive.filter { $0 != view.leader })])
      case "resolve":
        return Step(arguments: ["resolve", random.pick(view.inError)])
      case "fault":
        return Step(arguments: ["fault", random.pick(Self.faultNames), random.index(3) == 0 ? "always" : "once"])
      default:
        return Step(arguments: ["config", random.pick(Self.configChoices)])
      }
    }
  }
}
