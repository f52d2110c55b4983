import HookTools

/// The gateway's side of pairing: approves the requests of current peer units and nothing else.
///
/// A request is approved only when its display name is a peer unit's name and its remote address is that unit's
/// ingress address. Devices come first; a node's command surface (system.run and the rest) can only be requested
/// once its device is paired and the node has reconnected.
struct Pairing {
  let cli: OpenClawCLI
  let log: Log

  /// The result of one pairing pass.
  struct Outcome: Equatable {
    /// The peer units whose device is paired, sorted.
    var paired: [String]
    /// The peer units whose device this pass approved, sorted.
    var devicesApproved: [String] = []
    /// The peer units whose command surface this pass approved, sorted.
    var commandsApproved: [String]

    /// Whether this pass approved anything, which the waiting nodes learn only in a hook of their own.
    var approvedAny: Bool { !devicesApproved.isEmpty || !commandsApproved.isEmpty }
  }

  /// Approves matching device and command-surface requests; returns the peer units whose device is paired.
  func approve(peers: [String: String], token: String) throws -> [String] {
    try approveRequests(peers: peers, token: token).paired
  }

  /// Approves matching device and command-surface requests; returns the paired units and those whose commands it approved.
  func approveRequests(peers: [String: String], token: String) throws -> Outcome {
    let devices = try cli.devicesList(token: token)
    var devicesApproved: [String] = []
    var paired = Set(
      (devices.paired ?? []).compactMap { device in
        Self.matchingUnit(device.displayName, device.remoteIp, peers)
      })

    for request in devices.pending ?? [] where request.role == nil || request.role == "node" {
      guard let unit = Self.matchingUnit(request.displayName, request.remoteIp, peers) else {
        log.warning("Left device request \(request.requestId) from \(request.remoteIp ?? "?") pending: not a peer unit")
        continue
      }
      try cli.devicesApprove(request.requestId, token: token)
      paired.insert(unit)
      devicesApproved.append(unit)
      log.info("Approved the device of \(unit) (request \(request.requestId))")
    }

    var commandsApproved: [String] = []
    for request in try cli.nodesPending(token: token) {
      guard let unit = Self.matchingUnit(request.displayName, request.remoteIp, peers) else {
        log.warning("Left node request \(request.requestId) from \(request.remoteIp ?? "?") pending: not a peer unit")
        continue
      }
      try cli.nodesApprove(request.requestId, token: token)
      commandsApproved.append(unit)
      log.info("Approved the commands of \(unit) (request \(request.requestId))")
    }
    return Outcome(
      paired: paired.sorted(), devicesApproved: devicesApproved.sorted(), commandsApproved: commandsApproved.sorted())
  }

  /// Returns the unit named `displayName` when `remoteIp` is its ingress address, else nil.
  static func matchingUnit(_ displayName: String?, _ remoteIp: String?, _ peers: [String: String]) -> String? {
    guard let name = displayName, let address = peers[name], address == remoteIp else { return nil }
    return name
  }
}
