import HookTools

/// The gateway's node inventory: how many peer units the gateway lists as paired and connected.
///
/// The count comes from the `nodes status` listing the pairing pass reads anyway, and is kept in
/// `LocalState.connectedNodes`, so hooks without a pairing pass show the last count rather than none.
enum NodeInventory {
  /// Returns the peer units that `entries` lists as paired and connected from their own address.
  static func connectedUnits(_ entries: [NodeEntry], peers: [String: String]) -> [String] {
    entries.compactMap { entry -> String? in
      guard entry.connected == true, entry.paired != false else { return nil }
      return Pairing.matchingUnit(entry.displayName, entry.remoteIp, peers)
    }.sorted()
  }

  /// 10 polls 500 ms apart: in update-status, nodes that reconnect after a gateway restart get 5 seconds to
  /// appear in the count.
  static let pollAttempts = 10
  static let pollIntervalMilliseconds = 500

  /// Returns the connected peer units from `entries`; in update-status, while some peer unit is missing, calls
  /// `list` again for a bounded time.
  static func connectedUnits(
    _ entries: [NodeEntry], peers: [String: String], polling: Bool, system: System, list: () throws -> [NodeEntry]
  ) -> [String] {
    var connected = connectedUnits(entries, peers: peers)
    guard polling else { return connected }
    for _ in 1..<pollAttempts where connected.count < peers.count {
      system.pause(milliseconds: pollIntervalMilliseconds)
      guard let again = try? list() else { break }
      connected = connectedUnits(again, peers: peers)
    }
    return connected
  }

  /// Returns the status suffix, such as ` (2/3 nodes connected)`, or "" when the gateway has no peer units.
  static func suffix(_ state: LocalState) -> String {
    let peers = state.peerAddresses.keys
    guard !peers.isEmpty else { return "" }
    let connected = (state.connectedNodes ?? []).filter { peers.contains($0) }.count
    return " (\(connected)/\(peers.count) nodes connected)"
  }

  /// Returns whether a peer hook without a pairing pass requests the gateway's listing: only while some peer
  /// unit is not counted as connected, so a settled cluster costs no query.
  static func needsRefresh(_ event: Event, _ state: LocalState) -> Bool {
    guard event.peerRelationKind == "changed" else { return false }
    let connected = Set(state.connectedNodes ?? [])
    return state.peerAddresses.keys.contains { !connected.contains($0) }
  }
}
