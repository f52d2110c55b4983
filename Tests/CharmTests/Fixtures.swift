import Charm
import HookTools
import Roles

/// Inputs and paths shared by the planner tests: a three-unit model whose leader is openclaw/0 at 10.0.0.5.
enum Fixture {
  static let paths = Paths(charmDirectory: "/var/lib/juju/agents/unit-openclaw-0/charm")
  static let templates = Templates(
    gatewayUnit: "ExecStart={{openclaw_path}} gateway run\n",
    nodeUnit: "ExecStart={{openclaw_path}} node run --host {{gateway_host}} --port {{gateway_port}} "
      + "--display-name {{display_name}}{{tls_flags}}\n{{transport_environment}}\n")
  static let config = CharmConfig(gatewayPort: 18789, primaryModel: "anthropic/claude-opus-4-5",
    providerKeys: ["ANTHROPIC_API_KEY": "sk-ant-test"])

  static var peers: LocalState {
    var state = LocalState()
    state.peerRelationId = "openclaw-cluster:0"
    state.peerAddresses = ["openclaw/1": "10.0.0.6", "openclaw/2": "10.0.0.7"]
    return state
  }

  static let publishedAppData = [
    "gateway-host": "10.0.0.5", "gateway-port": "18789", "gateway-token-secret": "secret:abc",
  ]

  static func leader(appData: [String: String] = publishedAppData, tokenIsNew: Bool = false) -> Inputs {
    Inputs(
      event: .hook("config-changed"), unitName: "openclaw/0", isLeader: true, config: .success(config),
      peerRelationId: "openclaw-cluster:0", appData: appData, ingressAddress: "10.0.0.5", token: "t0ken",
      tokenIsNew: tokenIsNew, state: peers, templates: templates)
  }

  static func node(_ unit: String = "openclaw/1", appData: [String: String] = publishedAppData) -> Inputs {
    var state = peers
    state.peerAddresses = ["openclaw/0": "10.0.0.5", "openclaw/2": "10.0.0.7"]
    return Inputs(
      event: .hook("config-changed"), unitName: unit, isLeader: false, config: .success(config),
      peerRelationId: "openclaw-cluster:0", appData: appData, ingressAddress: nil,
      token: appData["gateway-token-secret"] == nil ? nil : "t0ken", state: state, templates: templates)
  }
}
