import HookTools
import Roles

/// Makes the unit match a `Plan`: files, services, ports, published data, status. Each step is idempotent,
/// so a hook retried after a failure at any step reaches the same end.
struct Converger {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log

  /// Converges and returns the status the unit ends in.
  func converge(_ plan: Plan, _ inputs: Inputs) throws -> UnitStatus {
    var state = plan.state
    var status = plan.status

    if plan.changesWorkload {
      let services = Services(system: system)
      try stopServices(plan, services, &state)
      try writeFiles(plan, services, &state)
      try convergePorts(plan.ports, opened: inputs.openedPorts)
      if plan.createsTokenSecret || !plan.appDataChanges.isEmpty {
        if let waiting = try publish(plan, inputs) { status = waiting }
      }
      let restarted = try startServices(plan, services, &state)
      if let node = plan.node, let token = inputs.token {
        status = try NodeConnection(system: system, paths: paths, services: services)
          .status(node, token: token, justRestarted: restarted, mayRestart: inputs.event.hookName == "update-status")
      }
    }

    try StateStore(system: system, path: paths.stateFile).save(state)
    return status
  }

  private func stopServices(_ plan: Plan, _ services: Services, _ state: inout LocalState) throws {
    for service in plan.services where !service.running {
      let known = state.runningInputDigests[service.name] != nil
      guard known || system.readFile(paths.unitFile(service.name)) != nil else { continue }
      try services.disableAndStop(service.name)
      state.runningInputDigests[service.name] = nil
      log.info("Stopped \(service.name)")
    }
  }

  /// Removes and writes files, then reloads systemd when a unit file differs from what it loaded.
  private func writeFiles(_ plan: Plan, _ services: Services, _ state: inout LocalState) throws {
    var reloadNeeded = false
    for path in plan.removedFiles where try system.removeFile(path) {
      log.info("Removed \(path)")
      if path.hasPrefix(paths.systemdDirectory + "/") {
        reloadNeeded = true
        state.loadedUnitDigests[String(path.split(separator: "/").last!)] = nil
      }
    }
    for file in plan.files where try system.writeFile(file) {
      log.info("Wrote \(file.path)")
    }
    for service in plan.services where service.running {
      let unit = plan.files.first { $0.path == paths.unitFile(service.name) }
      let digest = SHA256.hex(unit?.content ?? "")
      if state.loadedUnitDigests[service.name] != digest {
        state.loadedUnitDigests[service.name] = digest
        reloadNeeded = true
      }
    }
    if reloadNeeded { try services.daemonReload() }
  }

  private func convergePorts(_ wanted: [String], opened: [String]) throws {
    for port in opened where !wanted.contains(port) {
      try tools.closePort(port)
    }
    for port in wanted where !opened.contains(port) {
      try tools.openPort(port)
    }
  }

  /// Stores a new token secret and writes the changed application data, after checking leadership again.
  /// Returns a status to show instead when leadership moved during the hook.
  private func publish(_ plan: Plan, _ inputs: Inputs) throws -> UnitStatus? {
    guard try tools.isLeader() else {
      log.warning("Leadership moved during this hook; leaving the application data to the new leader")
      return UnitStatus(.waiting, "Leadership moved; waiting for the next hook")
    }
    var changes = plan.appDataChanges
    if plan.createsTokenSecret, let token = inputs.token, let relation = inputs.peerRelationId {
      let id = try tools.secretAdd(["token": token], label: "gateway-token", description: "OpenClaw gateway token")
      try tools.secretGrant(id, relationId: relation)
      changes[AppDataKey.tokenSecret] = id
      log.info("Stored a new gateway token in secret \(id)")
    }
    if let relation = inputs.peerRelationId, !changes.isEmpty {
      try tools.relationSet(relation, app: true, changes)
      log.info("Published \(changes.keys.sorted().joined(separator: ", "))")
    }
    return nil
  }

  /// Starts services that should run and restarts those whose inputs changed; returns whether any (re)started.
  private func startServices(_ plan: Plan, _ services: Services, _ state: inout LocalState) throws -> Bool {
    var restarted = false
    for service in plan.services where service.running {
      if !(try services.isActive(service.name)) {
        try services.enableAndStart(service.name)
        log.info("Started \(service.name)")
        restarted = true
      } else if state.runningInputDigests[service.name] != service.inputDigest {
        try services.restart(service.name)
        log.info("Restarted \(service.name) because its unit or environment changed")
        restarted = true
      }
      state.runningInputDigests[service.name] = service.inputDigest
    }
    return restarted
  }
}
