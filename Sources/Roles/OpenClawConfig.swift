#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the gateway unit's OpenClaw config must say, decided by the charm.
public struct GatewaySettings: Sendable, Equatable {
  /// The address nodes dial: the unit's ingress address.
  public var address: String
  public var port: Int
  /// Peer unit addresses whose first pairing request the gateway approves by itself.
  public var nodeAddresses: [String]
  /// The primary model as `provider/model`, or nil to leave the model to OpenClaw's default.
  public var primaryModel: String?
  public var fallbackModels: [String]

  public init(
    address: String, port: Int, nodeAddresses: [String], primaryModel: String? = nil, fallbackModels: [String] = []
  ) {
    self.address = address
    self.port = port
    self.nodeAddresses = nodeAddresses
    self.primaryModel = primaryModel
    self.fallbackModels = fallbackModels
  }
}

/// Where a node unit's gateway is.
public struct NodeSettings: Sendable, Equatable {
  public var gatewayHost: String
  public var gatewayPort: Int
  /// The node's name on the gateway: the Juju unit name, so operators recognise it.
  public var displayName: String

  public init(gatewayHost: String, gatewayPort: Int, displayName: String) {
    self.gatewayHost = gatewayHost
    self.gatewayPort = gatewayPort
    self.displayName = displayName
  }

  /// The gateway's WebSocket URL.
  public var gatewayURL: String { "ws://\(gatewayHost):\(gatewayPort)" }
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
    let origin = "http://\(settings.address):\(settings.port)"
    var file = ConfigFile(
      gateway: Gateway(
        mode: "local",
        port: settings.port,
        bind: "lan",
        auth: Auth(mode: "token", token: tokenReference),
        reload: Reload(mode: "hybrid"),
        controlUi: ControlUI(allowedOrigins: [origin]),
        nodes: Nodes(
          pairing: Pairing(autoApproveCidrs: settings.nodeAddresses.sorted().map { "\($0)/32" }, sshVerify: false))))
    if let primary = settings.primaryModel {
      let fallbacks = settings.fallbackModels.isEmpty ? nil : settings.fallbackModels
      file.agents = Agents(defaults: AgentDefaults(model: Model(primary: primary, fallbacks: fallbacks)))
    }
    return encode(file)
  }

  /// Returns a node's config: remote mode pointing at the gateway, so the CLI on the node asks that gateway.
  public static func node(_ settings: NodeSettings) -> String {
    encode(ConfigFile(gateway: Gateway(mode: "remote", remote: Remote(url: settings.gatewayURL, token: tokenReference))))
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

private struct ConfigFile: Encodable {
  var gateway: Gateway
  var agents: Agents?
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
}

private struct Agents: Encodable {
  var defaults: AgentDefaults
}

private struct AgentDefaults: Encodable {
  var model: Model
}

private struct Model: Encodable {
  var primary: String
  var fallbacks: [String]?
}
