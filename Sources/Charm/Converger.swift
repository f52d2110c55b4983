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
      let restarted = try startServices(plan, services, &state)
      let health = ServiceHealth(system: system, paths: paths, services: services, log: log)
      let isUpdateStatus = inputs.event.hookName == "update-status"
      let gatewayService = plan.services.first { $0.name == CharmIdentity.gatewayService && $0.running }
      var gatewayRestarted = restarted
      if isUpdateStatus, let gatewayService, let token = inputs.token {
        gatewayRestarted = try health.checkGateway(gatewayService, token: token, justStarted: restarted, &state)
          || restarted
      }

      var changes = plan.appDataChanges
      // Right after a gateway restart the nodes are still reconnecting, so the status keeps the last count.
      if plan.runsPairing, let token = inputs.token {
        try runPairing(inputs, token: token, countsNodes: !gatewayRestarted, &state)
      } else if plan.role == .gateway, !gatewayRestarted, let token = inputs.token,
        NodeInventory.needsRefresh(inputs.event, state)
      {
        refreshInventory(token: token, &state)
      }
      for key in AppDataKey.retired where inputs.isLeader && inputs.appData[key] != nil { changes[key] = "" }
      if plan.createsTokenSecret || !changes.isEmpty {
        if let waiting = try publish(plan, inputs, changes) { status = waiting }
      }

      let nodeService = plan.services.first { $0.name == CharmIdentity.nodeService && $0.running }
      if let node = plan.node, let token = inputs.token, let nodeService {
        // A node that stayed down after a restart is not checked, which would restart it again.
        let stayedDown = ServiceHealth.failure(nodeService, state) != nil
        if try !stayedDown || services.isActive(nodeService.name) {
          status = try checkNode(node, token: token, restarted: restarted, services, inputs, &state)
          if isUpdateStatus {
            // A blocked node (token or certificate rejected) runs, and its own status names why it is not connected.
            try health.checkNode(nodeService, connected: status.status != .waiting, &state)
          }
        }
      }

      if let service = plan.services.first(where: { $0.running && ServiceHealth.failure($0, state) != nil }) {
        status = ServiceHealth.status(service.name, ServiceHealth.failure(service, state)!)
      } else if plan.role == .gateway && status.status == .active {
        status.message += NodeInventory.suffix(state)
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
    for path in plan.removedFiles {
      let removed = try system.removeFile(path)
      if removed { log.info("Removed \(path)") }
      guard path.hasPrefix(paths.systemdDirectory + "/") else { continue }
      // A hook retried after a failure finds the unit file gone but its digest still saved, because state is
      // saved only when a hook succeeds. Forgetting the digest either way ends the retry in the same state.
      let service = String(path.split(separator: "/").last!)
      if removed || state.loadedUnitDigests[service] != nil {
        reloadNeeded = true
        state.loadedUnitDigests[service] = nil
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

  /// Runs the pairing pass on the gateway. It publishes nothing in the application data: a node reads its approval
  /// from the gateway itself, so the application data does not change once per node.
  ///
  /// A node whose device or commands were approved may have no hook left to see it, so when the pass approved any,
  /// the leader raises `pairing-approvals` in its own databag: the one write wakes every node once. Unless the gateway
  /// has just restarted, the pass also counts the connected nodes for the gateway's status.
  ///
  /// When the gateway does not respond yet, because it started a moment ago, nothing is approved. The next hook or
  /// the node's own request runs the pass again.
  private func runPairing(_ inputs: Inputs, token: String, countsNodes: Bool, _ state: inout LocalState) throws {
    let cli = OpenClawCLI(system: system, paths: paths)
    let outcome: Pairing.Outcome
    do {
      outcome = try Pairing(cli: cli, log: log).approveRequests(peers: inputs.state.peerAddresses, token: token)
      if countsNodes {
        state.connectedNodes = NodeInventory.connectedUnits(
          try cli.nodesStatus(token: token), peers: inputs.state.peerAddresses,
          polling: inputs.event.hookName == "update-status", system: system
        ) { try cli.nodesStatus(token: token) }
      }
    } catch {
      log.warning("Pairing pass skipped: \(error)")
      return
    }
    guard outcome.approvedAny, let relation = inputs.peerRelationId else { return }
    let count = (state.pairingApprovals ?? 0) + 1
    try tools.relationSet(relation, [PeerUnitKey.pairingApprovals: String(count)])
    state.pairingApprovals = count
  }

  /// Updates the node inventory from the gateway's listing; an unreachable gateway leaves the last count.
  private func refreshInventory(token: String, _ state: inout LocalState) {
    guard let entries = try? OpenClawCLI(system: system, paths: paths).nodesStatus(token: token) else { return }
    state.connectedNodes = NodeInventory.connectedUnits(entries, peers: state.peerAddresses)
  }

  /// Checks the node's connection and leaves its pairing request in this unit's databag when it changed.
  private func checkNode(
    _ node: NodeSettings, token: String, restarted: Bool, _ services: Services, _ inputs: Inputs,
    _ state: inout LocalState
  ) throws -> UnitStatus {
    // A node that the gateway listed as connected with the same inputs is not asked about again until
    // update-status: asking in every peer hook would send the gateway a query per pair of units while they deploy.
    let digest = state.runningInputDigests[CharmIdentity.nodeService]
    let check = try NodeConnection(system: system, paths: paths, services: services).check(
      node, token: token, justRestarted: restarted, mayRestartForPairing: state.pairingRestartFor != digest,
      isUpdateStatus: inputs.event.hookName == "update-status",
      knownConnected: digest != nil && state.connectedNodeDigest == digest)
    state.connectedNodeDigest = check.status.status == .active ? digest : nil
    if check.restartedForPairing {
      state.pairingRestartFor = digest
      log.info("Restarted \(CharmIdentity.nodeService) because the gateway approved its device")
    }
    // Any change in this unit's databag runs relation-changed on every other unit, the leader included, which then
    // approves the request. The request is never cleared, so a node writes it only when it needs a new approval.
    if !check.request.isEmpty, check.request != (state.pairingRequest ?? ""), let relation = inputs.peerRelationId {
      try tools.relationSet(relation, [PeerUnitKey.pairing: check.request])
      state.pairingRequest = check.request
    }
    return check.status
  }

  /// Stores a new token secret and writes the changed application data, after checking leadership again.
  /// Returns a status to show instead when leadership moved during the hook.
  private func publish(_ plan: Plan, _ inputs: Inputs, _ appDataChanges: [String: String]) throws -> UnitStatus? {
    guard try tools.isLeader() else {
      log.warning("Leadership moved during this hook; leaving the application data to the new leader")
      return UnitStatus(.waiting, "Leadership moved; waiting for the next hook")
    }
    var changes = appDataChanges
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
      let stayedDown = ServiceHealth.failure(service, state) != nil
      if !(try services.isActive(service.name)) {
        // Restarted once already with these inputs; ServiceHealth reports it instead.
        if stayedDown { continue }
        try services.enableAndStart(service.name)
        log.info("Started \(service.name)")
        restarted = true
      } else if state.runningInputDigests[service.name] != service.inputDigest {
        try services.restart(service.name)
        log.info("Restarted \(service.name) because its unit, environment or OpenClaw release changed")
        restarted = true
      }
      state.runningInputDigests[service.name] = service.inputDigest
    }
    return restarted
  }
}
