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
  /// The `openclaw-version` value the unit last installed or found installed; a new value means an install.
  public var requestedVersion: String?
  /// The SHA-256 of the `openclaw-package` tarball installed last, or nil when the registry's package is installed.
  public var installedResourceDigest: String?
  /// True after the install step failed, for example on a bad `openclaw-package` tarball in upgrade-charm. The next
  /// hook then retries the install even when no input changed. Nil once a check succeeds.
  public var installFailed: Bool?
  /// The OpenClaw version last passed to `application-version-set`.
  public var reportedVersion: String?
  /// On the gateway: the peer units the gateway last listed as paired and connected; nil until first asked.
  public var connectedNodes: [String]?
  /// Services that stayed down after the charm restarted them once. The charm does not restart them again while
  /// their inputs stay the same, so a service that keeps dying is not restarted by every hook.
  public var serviceFailures: [String: ServiceFailure]?

  public init() {}
}

/// A service that stayed down after one restart: the inputs it had then and the unit status message.
public struct ServiceFailure: Codable, Equatable, Sendable {
  public var inputDigest: String
  public var message: String

  public init(inputDigest: String, message: String) {
    self.inputDigest = inputDigest
    self.message = message
  }
}
