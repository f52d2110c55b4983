import HookTools
import Roles

/// The result of a node unit's connection check, and the pairing step it waits for.
struct NodeCheck: Equatable {
  var status: UnitStatus
  /// The approval this unit requests from the leader through its own databag: "device", "commands" or "" for none.
  var request: String
  var restartedForPairing: Bool
}

/// The node's connection state, as the gateway itself reports it.
///
/// No Juju event fires when a connection comes up. So a hook that has just started or restarted the node polls
/// for a bounded time, and update-status settles anything still pending later.
struct NodeConnection {
  let system: System
  let paths: Paths
  let services: Services

  /// 30 polls 500 ms apart: a started node that is not connected within 15 seconds is reported as connecting.
  static let pollAttempts = 30
  static let pollIntervalMilliseconds = 500

  enum Observation: Equatable {
    case connected, awaitingCommands, awaitingDevice, connecting
    /// The gateway paired the device, but the node, which waited for approval, has not reconnected.
    case pairedNotConnected
    case tokenRejected(String), fingerprintMismatch(String)

    /// Whether polling can stop: a node that is connecting, or paired and about to reconnect, may still get there.
    var isSettled: Bool { self != .connecting && self != .pairedNotConnected }
  }

  /// Checks the node, restarting it once when the gateway lists its device as paired but not connected (a waiting
  /// node does not resume by itself) or, in update-status, when it is still not connected.
  /// - Parameters:
  ///   - mayRestartForPairing: no pairing restart was made yet with the node's current inputs.
  ///   - knownConnected: an earlier hook saw the node connected with the inputs it runs with now. Unless the node
  ///     just restarted or this is update-status, the node is reported connected without asking the gateway.
  func check(
    _ node: NodeSettings, token: String, justRestarted: Bool, mayRestartForPairing: Bool, isUpdateStatus: Bool,
    knownConnected: Bool = false
  ) throws -> NodeCheck {
    if knownConnected && !justRestarted && !isUpdateStatus {
      return NodeCheck(status: status(.connected, node), request: request(.connected), restartedForPairing: false)
    }
    var observation = poll(node, token: token, attempts: justRestarted ? Self.pollAttempts : 1)
    var restartedForPairing = false
    if !justRestarted {
      let pairingRestart = observation == .pairedNotConnected && mayRestartForPairing
      let stuckRestart = (observation == .connecting || observation == .pairedNotConnected) && isUpdateStatus
      if pairingRestart || stuckRestart {
        try services.restart(CharmIdentity.nodeService)
        restartedForPairing = pairingRestart
        observation = poll(node, token: token, attempts: Self.pollAttempts)
      }
    }
    return NodeCheck(
      status: status(observation, node), request: request(observation), restartedForPairing: restartedForPairing)
  }

  private func status(_ observation: Observation, _ node: NodeSettings) -> UnitStatus {
    let target = "\(node.gatewayHost):\(node.gatewayPort)"
    switch observation {
    case .connected:
      return UnitStatus(.active, "Node connected to \(target)")
    case .awaitingCommands:
      return UnitStatus(.waiting, "Node awaiting approval of its commands")
    case .awaitingDevice:
      return UnitStatus(.waiting, "Node awaiting pairing approval")
    case .pairedNotConnected:
      return UnitStatus(.waiting, "Node paired; waiting for it to reconnect to \(target)")
    case .connecting:
      return UnitStatus(.waiting, "Node connecting to \(target)")
    case .tokenRejected:
      return UnitStatus(
        .blocked, "The gateway at \(target) rejected this node's token; run: juju run openclaw/leader rotate-gateway-token")
    case .fingerprintMismatch:
      return UnitStatus(
        .blocked, "The gateway at \(target) does not present the certificate in gateway-tls-fingerprint; check the leader's juju-log")
    }
  }

  private func request(_ observation: Observation) -> String {
    switch observation {
    case .awaitingDevice: return "device"
    case .awaitingCommands: return "commands"
    default: return ""
    }
  }

  private func poll(_ node: NodeSettings, token: String, attempts: Int) -> Observation {
    var observation = Observation.connecting
    for attempt in 0..<attempts {
      if attempt > 0 { system.pause(milliseconds: Self.pollIntervalMilliseconds) }
      observation = observe(node, token: token)
      if observation.isSettled { break }
    }
    return observation
  }

  private func observe(_ node: NodeSettings, token: String) -> Observation {
    let cli = OpenClawCLI(system: system, paths: paths)
    let entries: [NodeEntry]
    do {
      entries = try cli.nodesStatus(token: token)
    } catch let error as OpenClawCLIError {
      if error.isAuthFailure { return .tokenRejected(error.message) }
      if error.isFingerprintMismatch { return .fingerprintMismatch(error.message) }
      return .connecting
    } catch {
      return .connecting
    }

    // A node whose state directory was replaced (restore, new storage) has a new device. The gateway may still list
    // the old one under the same name, disconnected, so the connected entry is this node's.
    let named = entries.filter { $0.displayName == node.displayName }
    if let entry = named.first(where: { $0.connected == true && $0.paired != false }) {
      return entry.commandsApproved == false ? .awaitingCommands : .connected
    }
    guard let devices = try? cli.devicesList(token: token) else { return .connecting }
    if (devices.pending ?? []).contains(where: { $0.displayName == node.displayName }) { return .awaitingDevice }
    if (devices.paired ?? []).contains(where: { $0.displayName == node.displayName }) { return .pairedNotConnected }
    return .connecting
  }
}
