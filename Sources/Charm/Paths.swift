/// The charm's locations on the unit. They are fixed, so nothing an operator sets through Juju moves them.
public struct Paths: Equatable, Sendable {
  public var stateDirectory = "/var/lib/openclaw"
  public var configFile = "/var/lib/openclaw/openclaw.json"
  public var secretsDirectory = "/etc/openclaw"
  public var gatewayEnvironment = "/etc/openclaw/gateway.env"
  public var nodeEnvironment = "/etc/openclaw/node.env"
  public var systemdDirectory = "/etc/systemd/system"
  public var charmStateDirectory = "/var/lib/openclaw-charm"
  public var stateFile = "/var/lib/openclaw-charm/state.json"
  public var openclaw = "/usr/bin/openclaw"
  /// The manifest npm installs with OpenClaw; its `version` is the installed release.
  public var openclawPackageManifest = "/usr/lib/node_modules/openclaw/package.json"
  /// NodeSource's `node`; npm's global prefix follows from it.
  public var node = "/usr/bin/node"
  public var aptKeyrings = "/etc/apt/keyrings"
  public var nodesourceKeyring = "/etc/apt/keyrings/nodesource.gpg"
  /// The armored key as downloaded, removed once gpg has converted it.
  public var nodesourceKeyDownload = "/var/lib/openclaw-charm/nodesource-repo.gpg.key"
  public var nodesourceSource = "/etc/apt/sources.list.d/nodesource.sources"
  public var nodesourcePreferences = "/etc/apt/preferences.d/nodesource"
  public var tlsDirectory = "/var/lib/openclaw/tls"
  public var certificate = "/var/lib/openclaw/tls/gateway.crt"
  public var certificateKey = "/var/lib/openclaw/tls/gateway.key"
  /// The address the certificate was made for; a new address needs a new certificate.
  public var certificateAddress = "/var/lib/openclaw-charm/certificate-address"
  /// The charm's `templates/` directory; Juju runs hooks with the charm directory as working directory.
  public var templates: String

  public init(charmDirectory: String) {
    templates = charmDirectory + "/templates"
  }

  public func unitFile(_ service: String) -> String { systemdDirectory + "/" + service }
}
