/// The hook or action this run of `charm-hook` handles.
public enum Event: Equatable, Sendable {
  case hook(String)
  case action(String)

  /// Reads the event from `JUJU_DISPATCH_PATH` (`hooks/<name>` or `actions/<name>`), which Juju sets when it
  /// runs `dispatch`. Without it, the event is the name the binary was started as (`hooks/start` links to it).
  public static func from(dispatchPath: String?, executablePath: String) -> Event? {
    let path = (dispatchPath?.isEmpty == false) ? dispatchPath! : executablePath
    let parts = path.split(separator: "/")
    guard let name = parts.last.map(String.init), !name.isEmpty else { return nil }
    if parts.count >= 2 && parts[parts.count - 2] == "actions" { return .action(name) }
    return .hook(name)
  }

  /// The hook name, or nil for an action.
  public var hookName: String? {
    if case .hook(let name) = self { return name }
    return nil
  }

  /// Whether this hook tears the unit down rather than converging it.
  public var isTeardown: Bool { ["stop", "remove", "state-storage-detaching"].contains(hookName ?? "") }

  /// The peer relation hook kind (`joined`, `changed`, `departed`, ...), or nil for any other event.
  public var peerRelationKind: String? {
    guard let name = hookName, name.hasPrefix(CharmIdentity.peerEndpoint + "-relation-") else { return nil }
    return String(name.dropFirst((CharmIdentity.peerEndpoint + "-relation-").count))
  }
}

/// Names fixed by metadata.yaml and the unit layout.
public enum CharmIdentity {
  public static let peerEndpoint = "openclaw-cluster"
  public static let gatewayService = "openclaw.service"
  public static let nodeService = "openclaw-node.service"
  public static let user = "openclaw"
}

/// The hooks this charm handles; Juju may send others (secrets of other kinds, for example), which exit 0 untouched.
public enum KnownHooks {
  public static let names: Set<String> = [
    "install", "config-changed", "start", "stop", "remove", "update-status", "upgrade-charm",
    "leader-elected", "leader-settings-changed", "secret-changed",
    "openclaw-cluster-relation-created", "openclaw-cluster-relation-joined", "openclaw-cluster-relation-changed",
    "openclaw-cluster-relation-departed", "openclaw-cluster-relation-broken",
    "state-storage-attached", "state-storage-detaching",
  ]
}
