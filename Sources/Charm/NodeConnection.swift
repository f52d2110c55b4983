import HookTools
import Roles

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

  func status(_ node: NodeSettings, token: String, justRestarted: Bool, mayRestart: Bool) throws -> UnitStatus {
    var result = poll(node, token: token, attempts: justRestarted ? Self.pollAttempts : 1)
    if result.status != .active && mayRestart && !justRestarted {
      // A node left waiting for pairing does not resume after approval until it restarts.
      try services.restart(CharmIdentity.nodeService)
      result = poll(node, token: token, attempts: Self.pollAttempts)
    }
    return result
  }

  private func poll(_ node: NodeSettings, token: String, attempts: Int) -> UnitStatus {
    let cli = OpenClawCLI(system: system, paths: paths)
    let target = "\(node.gatewayHost):\(node.gatewayPort)"
    var status = UnitStatus(.waiting, "Node connecting to \(target)")
    for attempt in 0..<attempts {
      if attempt > 0 { system.pause(milliseconds: Self.pollIntervalMilliseconds) }
      guard let entries = try? cli.nodesStatus(token: token),
        let entry = entries.first(where: { $0.displayName == node.displayName })
      else { continue }
      if entry.paired == false {
        return UnitStatus(.waiting, "Node awaiting pairing approval")
      }
      if entry.connected == true {
        return UnitStatus(.active, "Node connected to \(target)")
      }
      status = UnitStatus(.waiting, "Node connecting to \(target)")
    }
    return status
  }
}
