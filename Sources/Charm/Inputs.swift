import HookTools

/// The inputs of one hook, read once at its start.
public struct Inputs: Equatable, Sendable {
  public var event: Event
  public var unitName: String
  public var isLeader: Bool
  /// The validated options, or the first invalid one.
  public var config: Result<CharmConfig, ConfigError>
  public var peerRelationId: String?
  /// The peer relation's application databag, written by the leader.
  public var appData: [String: String]
  /// This unit's ingress address on the peer relation; read on the leader only, where nodes need it.
  public var ingressAddress: String?
  /// The gateway token from the Juju secret, or a new one the leader is about to store.
  public var token: String?
  /// Whether `token` was just generated and has no secret yet.
  public var tokenIsNew: Bool
  public var openedPorts: [String]
  /// Local state with this hook's peer arrival or departure already applied.
  public var state: LocalState
  /// Whether this unit is the one leaving the relation, so it must not act as gateway or publish.
  public var isDeparting: Bool
  public var templates: Templates
  public var openclawInstalled: Bool
  /// The validated `openclaw-version` and `nodesource-mirror`, or the invalid one.
  public var installOptions: Result<InstallOptions, ConfigError> = .success(InstallOptions())
  /// The installed OpenClaw release, set by the install step; part of each service's input digest.
  public var installedVersion: String?
  /// A blocked or waiting status from the install step, shown in place of the plan's.
  public var installStatus: UnitStatus?
  /// On the leader with TLS on: the fingerprint of the certificate the gateway serves.
  public var tlsFingerprint: String?
  /// The `pairing` request in the databag of the peer unit this relation hook is about, if any.
  public var remotePairingRequest: String = ""

  public init(
    event: Event, unitName: String, isLeader: Bool, config: Result<CharmConfig, ConfigError>,
    peerRelationId: String?, appData: [String: String], ingressAddress: String?, token: String?,
    tokenIsNew: Bool = false, openedPorts: [String] = [], state: LocalState = LocalState(),
    isDeparting: Bool = false, templates: Templates, openclawInstalled: Bool = true, tlsFingerprint: String? = nil,
    remotePairingRequest: String = ""
  ) {
    self.tlsFingerprint = tlsFingerprint
    self.remotePairingRequest = remotePairingRequest
    self.event = event
    self.unitName = unitName
    self.isLeader = isLeader
    self.config = config
    self.peerRelationId = peerRelationId
    self.appData = appData
    self.ingressAddress = ingressAddress
    self.token = token
    self.tokenIsNew = tokenIsNew
    self.openedPorts = openedPorts
    self.state = state
    self.isDeparting = isDeparting
    self.templates = templates
    self.openclawInstalled = openclawInstalled
  }
}

/// The unit file templates from the charm's `templates/` directory.
public struct Templates: Equatable, Sendable {
  public var gatewayUnit: String
  public var nodeUnit: String

  public init(gatewayUnit: String, nodeUnit: String) {
    self.gatewayUnit = gatewayUnit
    self.nodeUnit = nodeUnit
  }
}

/// Keys of the peer relation's application databag. Only the leader writes them.
public enum AppDataKey {
  public static let gatewayHost = "gateway-host"
  public static let gatewayPort = "gateway-port"
  public static let tokenSecret = "gateway-token-secret"
  /// SHA-256 of the gateway's certificate, which nodes pin; empty when the gateway speaks plaintext.
  public static let tlsFingerprint = "gateway-tls-fingerprint"
  /// Counter the leader raises when it rotates the token, so nodes read the secret again even if a Juju release
  /// does not deliver secret-changed to them.
  public static let tokenRevision = "gateway-token-revision"
  /// The OpenClaw release the gateway runs. Nodes install a release only when it is not newer than this one.
  public static let gatewayVersion = "gateway-version"
  /// Returns whether `value` is a Juju secret URI (`secret:` followed by letters and digits).
  public static func isSecretURI(_ value: String) -> Bool {
    guard value.hasPrefix("secret:"), value.count > 7, value.count <= 128 else { return false }
    return value.dropFirst(7).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
  }

  /// The keys the planner owns; the token revision is written by its own step.
  public static let all = [gatewayHost, gatewayPort, tokenSecret, tlsFingerprint, gatewayVersion]

  /// Keys that earlier charm revisions wrote and the leader deletes: `paired-units` and `approved-units` changed
  /// once per node, and each change ran relation-changed on every unit. Nodes now ask the gateway instead.
  public static let retired = ["paired-units", "approved-units"]
}

/// Keys of a unit's own databag in the peer relation.
public enum PeerUnitKey {
  /// The approval a node waits for: `device` or `commands`. It is never cleared, so it changes, and wakes the leader,
  /// only when the node needs a new approval.
  public static let pairing = "pairing"
  /// On the leader: how many pairing passes approved a node's device or commands. Nodes do not read it; its change
  /// runs relation-changed on them, so a node whose request was approved checks its connection again.
  public static let pairingApprovals = "pairing-approvals"
}
