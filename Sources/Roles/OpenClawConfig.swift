#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The settings the charm decides for the gateway unit's OpenClaw config.
public struct GatewaySettings: Sendable, Equatable {
  /// The address nodes dial: the unit's ingress address.
  public var address: String
  public var port: Int
  /// Peer unit addresses whose first pairing request the gateway approves by itself.
  public var nodeAddresses: [String]
  /// Top-level sections other than `gateway` (agents, models, channels, session, logging, browser ...): the
  /// assistant's settings, which the charm renders from config or, in manual mode, keeps as the operator wrote them.
  public var assistant: [String: JSONNode]
  /// The certificate and key the gateway serves TLS with, or nil for plaintext.
  public var tls: GatewayTLS?

  public init(
    address: String, port: Int, nodeAddresses: [String], assistant: [String: JSONNode] = [:], tls: GatewayTLS? = nil
  ) {
    self.address = address
    self.port = port
    self.nodeAddresses = nodeAddresses
    self.assistant = assistant
    self.tls = tls
  }

  /// The URL of the Control UI and HTTP API: https once TLS is on.
  public var httpURL: String { "\(tls == nil ? "http" : "https")://\(address):\(port)" }
}

/// PEM files for the gateway's TLS. The charm makes them itself, so it can publish the fingerprint nodes pin.
public struct GatewayTLS: Sendable, Equatable {
  public var certificatePath: String
  public var keyPath: String

  public init(certificatePath: String, keyPath: String) {
    self.certificatePath = certificatePath
    self.keyPath = keyPath
  }
}

/// The gateway a node unit connects to.
public struct NodeSettings: Sendable, Equatable {
  public var gatewayHost: String
  public var gatewayPort: Int
  /// The node's name on the gateway: the Juju unit name, so operators recognise it.
  public var displayName: String
  /// The SHA-256 fingerprint of the gateway's certificate to pin, or nil when the gateway speaks plaintext.
  public var tlsFingerprint: String?

  public init(gatewayHost: String, gatewayPort: Int, displayName: String, tlsFingerprint: String? = nil) {
    self.gatewayHost = gatewayHost
    self.gatewayPort = gatewayPort
    self.displayName = displayName
    self.tlsFingerprint = tlsFingerprint
  }

  /// The gateway's WebSocket URL: wss once TLS is on.
  public var gatewayURL: String { "\(tlsFingerprint == nil ? "ws" : "wss")://\(gatewayHost):\(gatewayPort)" }
}

/// Renders `openclaw.json` for either role. Only keys and types OpenClaw's strict schema accepts appear here.
public enum OpenClawConfig {
  /// The token reference both roles use: the value itself lives only in a root-only environment file.
  public static let tokenReference = "${OPENCLAW_GATEWAY_TOKEN}"

  /// Returns the gateway's config: local mode, token auth, a bind nodes can reach, hybrid reload.
  ///
  /// Hybrid reload applies pairing, model and channel changes live and restarts the gateway by itself for
  /// port, bind, auth and TLS changes, so the charm never restarts it for a config file change.
  public static func gateway(_ settings: GatewaySettings) -> String {
    let origin = settings.httpURL
    let tls = settings.tls.map {
      TLS(enabled: true, autoGenerate: false, certPath: $0.certificatePath, keyPath: $0.keyPath)
    }
    let file = ConfigFile(
      assistant: settings.assistant,
      gateway: Gateway(
        mode: "local",
        port: settings.port,
        bind: "lan",
        auth: Auth(mode: "token", token: tokenReference),
        reload: Reload(mode: "hybrid"),
        controlUi: ControlUI(allowedOrigins: [origin]),
        nodes: Nodes(
          pairing: Pairing(autoApproveCidrs: settings.nodeAddresses.sorted().map { "\($0)/32" }, sshVerify: false)),
        tls: tls))
    return encode(file)
  }

  /// Returns a node's config: remote mode pointing at the gateway, so the CLI on the node queries that gateway.
  public static func node(_ settings: NodeSettings) -> String {
    encode(
      ConfigFile(
        assistant: [:],
        gateway: Gateway(
          mode: "remote",
          remote: Remote(url: settings.gatewayURL, token: tokenReference, tlsFingerprint: settings.tlsFingerprint))))
  }

  private static func encode(_ file: ConfigFile) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // These plain structs of strings, numbers and arrays always encode.
    let data = (try? encoder.encode(file)) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

// MARK: - The schema subset the charm writes

/// The whole file: the charm-owned `gateway` section beside the assistant's sections.
private struct ConfigFile: Encodable {
  var assistant: [String: JSONNode]
  var gateway: Gateway

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for (name, section) in assistant where name != "gateway" {
      try container.encode(section, forKey: Key(stringValue: name))
    }
    try container.encode(gateway, forKey: Key(stringValue: "gateway"))
  }
}

private struct Gateway: Encodable {
  var mode: String
  var port: Int?
  var bind: String?
  var auth: Auth?
  var reload: Reload?
  var controlUi: ControlUI?
  var nodes: Nodes?
  var remote: Remote?
  var tls: TLS?
}

private struct Auth: Encodable {
  var mode: String
  var token: String
}

private struct Reload: Encodable {
  var mode: String
}

private struct ControlUI: Encodable {
  var allowedOrigins: [String]
}

private struct Nodes: Encodable {
  var pairing: Pairing
}

private struct Pairing: Encodable {
  var autoApproveCidrs: [String]
  var sshVerify: Bool
}

private struct Remote: Encodable {
  var url: String
  var token: String
  var tlsFingerprint: String?
}

private struct TLS: Encodable {
  var enabled: Bool
  var autoGenerate: Bool
  var certPath: String
  var keyPath: String
}
