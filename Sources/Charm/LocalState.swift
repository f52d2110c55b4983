/// The charm's memory of its own unit between hooks, kept in a root-only file.
///
/// Peer addresses are kept here so no hook has to read every peer's databag: each relation hook reads only its
/// remote unit's bag once. Digests let a retried hook finish a restart that a failed hook left undone.
public struct LocalState: Codable, Equatable, Sendable {
  /// The peer relation id, `openclaw-cluster:<n>`, learned in the first peer relation hook.
  public var peerRelationId: String?
  /// The ingress address of each peer unit that has joined and not departed.
  public var peerAddresses: [String: String] = [:]
  /// For each service, the digest of the unit file systemd loaded at the last daemon-reload.
  public var loadedUnitDigests: [String: String] = [:]
  /// For each service, the digest of every input (unit, environment, config) when it last (re)started.
  public var runningInputDigests: [String: String] = [:]
  /// The approval this node last requested from the leader in its databag ("device" or "commands").
  public var pairingRequest: String?
  /// The node service's input digest when this node was last restarted because the gateway paired its device.
  public var pairingRestartFor: String?
  /// On the leader: the `pairing-approvals` value it last wrote in its own databag.
  public var pairingApprovals: Int?
  /// The `gateway-token-revision` this unit last read the token secret for.
  public var seenTokenRevision: String?
  /// The node service's input digest when the gateway last listed this node as connected, or nil.
  public var connectedNodeDigest: String?

  public init() {}
}
