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
