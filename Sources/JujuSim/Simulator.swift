import Foundation
import Glibc

/// Errors of model-level operations.
enum SimulationError: Error, CustomStringConvertible {
  case hooksDidNotSettle(Int)
  case unitInError(String)

  var description: String {
    switch self {
    case .hooksDidNotSettle(let count):
      return "hooks did not settle after \(count) runs; the charm keeps changing relation data, check `juju-sim debug-log`"
    case .unitInError(let unit):
      return "unit \(unit) has no failed hook to retry"
    }
  }
}

/// The running model: its saved state, the current charm and the hook being run. One command builds one
/// `Simulator`, changes the state through it and saves after every hook, so an interrupted command leaves a
/// consistent model.
final class Simulator {
  let store: ModelStore
  var state: ModelState
  var charm: CharmSpec
  /// The hook or action running now; hook tools act on it.
  var context: HookContext?
  private var hooksRun = 0

  /// The maximum number of hooks one command may run before the model counts as not settling. Juju runs joined and
  /// changed for every ordered pair of peers, and each databag change runs relation-changed on every other unit, so a
  /// charm that writes a few times per unit needs several N² hooks to deploy N units. The limit grows with it: 5000
  /// plus 10·N².
  static func hookLimit(units: Int) -> Int { 5000 + 10 * units * units }

  var paths: ModelPaths { store.paths }
  var app: AppState { state.app! }

  init(store: ModelStore, state: ModelState) throws {
    self.store = store
    self.state = state
    guard let app = state.app else { throw ModelError.notDeployed(store.paths.root) }
    charm = try CharmSpec.load(directory: store.paths.charmDir(revision: app.charmRevision))
  }

  func save() throws {
    try store.save(state)
  }

  /// Returns the config as `config-get` prints it: defaults overlaid by the options set explicitly.
  func effectiveConfig() -> [String: Value] {
    var result: [String: Value] = [:]
    for (name, option) in charm.options where option.defaultValue != .null {
      result[name] = option.defaultValue
    }
    for (name, value) in app.config where charm.options[name] != nil {
      result[name] = value
    }
    return result
  }

  func configSnapshot() -> String {
    JSON.encode(.map(effectiveConfig()))
  }

  func unit(named name: String) throws -> UnitState {
    if name.hasSuffix("/leader"), let leader = state.leader, state.units[leader] != nil {
      return state.units[leader]!
    }
    guard let unit = state.units[name] else { throw ModelError.unitNotFound(name) }
    return unit
  }

  // MARK: Agent files

  /// Copies this juju-sim binary and the stand-ins into `<model>/agent`, which every unit mounts.
  func prepareAgent() throws {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let files = FileManager.default
    let source = try files.attributesOfItem(atPath: executable)
    let target = try? files.attributesOfItem(atPath: paths.agentBinary)
    let sourceDate = source[.modificationDate] as? Date ?? .distantPast
    let targetDate = target?[.modificationDate] as? Date ?? .distantPast
    if target == nil || source[.size] as? Int != target?[.size] as? Int || sourceDate > targetDate {
      let temporary = paths.agentBinary + ".new"
      try? files.removeItem(atPath: temporary)
      try files.copyItem(atPath: executable, toPath: temporary)
      chmod(temporary, 0o755)
      guard rename(temporary, paths.agentBinary) == 0 else {
        throw SpawnError.openFailed(path: paths.agentBinary, errno: errno)
      }
    }
    if let standIns = Simulator.standInsSource() {
      try? files.removeItem(atPath: paths.standInsDir)
      try CharmSource.copyTree(from: standIns, to: paths.standInsDir)
    }
  }

  /// `$JUJU_SIM_STAND_INS`, else `stand-ins/` of the source tree around the current directory, if present.
  static func standInsSource() -> String? {
    if let configured = ProcessInfo.processInfo.environment["JUJU_SIM_STAND_INS"] {
      return FileManager.default.fileExists(atPath: configured) ? configured : nil
    }
    guard let tree = try? CharmSource.findSourceTree() else { return nil }
    let path = tree + "/stand-ins"
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  // MARK: Units

  /// Creates `count` units, each with its address, machine and files, ready for its install hook.
  func addUnits(count: Int) throws {
    for _ in 0..<count {
      try addUnit()
    }
  }

  private func addUnit() throws {
    let number = state.nextUnitNumber
    let name = "\(app.name)/\(number)"
    let address = try AddressRegistry.allocate(model: paths.root, unit: name)
    var unit = UnitState(name: name, number: number, machine: String(state.nextMachine), address: address)
    state.nextUnitNumber += 1
    state.nextMachine += 1
    unit.charmSeen = app.charmVersion
    for relation in state.relations {
      unit.relations[String(relation.id)] = UnitRelationView()
    }
    do {
      let simDir = paths.unitSimDir(tag: unit.tag)
      try FileManager.default.createDirectory(atPath: simDir, withIntermediateDirectories: true)
      try Files.write(simDir + "/unit-address", text: address + "\n", mode: 0o644)
      try Files.write(simDir + "/unit-name", text: name + "\n", mode: 0o644)
      try Files.write(simDir + "/faults.json", text: "{}\n", mode: 0o644)
      let holder = try UnitMachine.startHolder(paths: paths, unit: unit)
      unit.holderPid = holder.pid
      unit.mountNamespace = holder.namespace
      state.units[name] = unit
      try save()
      try UnitMachine.setUp(unit: unit, paths: paths, charmRevision: app.charmRevision)
      try createStorage(for: name)
    } catch {
      discardUnit(unit)
      throw error
    }
    if state.leader == nil { state.leader = name }
    try save()
  }

  /// Restarts a unit's holder when it is gone (after a reboot, say); the unit's files survive in its upper directory.
  func ensureHolder(_ name: String) throws {
    guard let unit = state.units[name], !UnitMachine.holderAlive(unit, namespace: unit.mountNamespace) else { return }
    UnitMachine.killAll(namespace: unit.mountNamespace, holderPid: unit.holderPid)
    let holder = try UnitMachine.startHolder(paths: paths, unit: unit)
    state.units[name]!.holderPid = holder.pid
    state.units[name]!.mountNamespace = holder.namespace
    try save()
    try mountStorage(for: name)
  }

  /// Ends every process of a unit, releases its address and deletes its files. Its log and relation data stay.
  func discardUnit(_ unit: UnitState) {
    UnitMachine.killAll(namespace: unit.mountNamespace, holderPid: unit.holderPid)
    try? AddressRegistry.release(model: paths.root, unit: unit.name)
    try? FileManager.default.removeItem(atPath: paths.unitDir(tag: unit.tag))
    state.units[unit.name] = nil
    for id in state.storage.keys where state.storage[id]!.unit == unit.name {
      state.storage[id]!.unit = nil
      state.storage[id]!.attachedHookRun = false
    }
    for index in state.relations.indices {
      state.relations[index].scope.removeAll { $0 == unit.name }
    }
  }

  /// Marks units dying and takes them out of every relation's scope, so the others see them depart.
  func removeUnits(_ names: [String]) throws {
    for name in names {
      _ = try unit(named: name)
    }
    for name in names {
      state.units[name]!.life = .dying
      for index in state.relations.indices {
        state.relations[index].scope.removeAll { $0 == name }
      }
    }
    try save()
  }

  /// Moves leadership to `name`: it runs leader-elected, the others leader-settings-changed, and the old leader
  /// runs no hook but gets False from `is-leader`.
  func elect(_ name: String) throws {
    let target = try unit(named: name)
    guard state.leader != target.name else { return }
    state.leaderSettingsVersion += 1
    if let old = state.leader, state.units[old] != nil {
      state.units[old]!.leaderElectedRun = false
      state.units[old]!.leaderSettingsSeen = state.leaderSettingsVersion
    }
    state.leader = target.name
    state.units[target.name]!.leaderElectedRun = false
    try save()
  }

  /// Elects the lowest-numbered living unit when the leader is gone. A dying leader keeps its lease until removed.
  func ensureLeader() {
    if let leader = state.leader, state.units[leader] != nil { return }
    state.leader = nil
    guard let next = state.sortedUnits.first(where: { $0.life == .alive }) else { return }
    state.leader = next.name
    state.leaderSettingsVersion += 1
    state.units[next.name]!.leaderElectedRun = false
  }

  // MARK: Running hooks

  /// Runs hooks, one at a time, until no unit has one left: each pass visits the units in unit-number order and
  /// runs the next hook of each, so units progress side by side as they would in parallel, but reproducibly.
  func settle() throws {
    while true {
      ensureLeader()
      var ranAny = false
      for name in state.sortedUnits.map(\.name) {
        guard let unit = state.units[name], let spec = nextHook(for: unit) else { continue }
        hooksRun += 1
        let limit = Simulator.hookLimit(units: state.units.count)
        if hooksRun > limit { throw SimulationError.hooksDidNotSettle(limit) }
        _ = try runHook(spec, on: name)
        ranAny = true
      }
      if !ranAny { break }
    }
    try save()
  }

  /// Retries the failed hook of a unit with the same environment, then settles the model.
  func resolve(_ name: String) throws {
    let unit = try unit(named: name)
    guard let failed = unit.failedHook else { throw SimulationError.unitInError(unit.name) }
    state.units[unit.name]!.failedHook = nil
    _ = try runHook(failed, on: unit.name)
    try settle()
  }
}
