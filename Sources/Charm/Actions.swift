import HookTools

/// The charm's actions. Each fails with `action-fail` and a message saying what to do.
struct Actions {
  let tools: HookTools
  let log: Log
  let unitName: String

  func run(_ name: String) throws {
    switch name {
    case "get-gateway-token":
      try getGatewayToken()
    default:
      try tools.actionFail("Action '\(name)' is not supported by this charm; see actions.yaml for the list.")
    }
  }

  /// Returns the gateway token, and with `format=json` or `format=url` the URLs that carry it.
  private func getGatewayToken() throws {
    let parameters = try tools.actionGet()
    let format = parameters["format"]?.description ?? "text"
    guard ["text", "json", "url"].contains(format) else {
      return try tools.actionFail("Parameter 'format' is '\(format)'; use text, json or url.")
    }
    guard try tools.isLeader() else {
      return try tools.actionFail(
        "get-gateway-token runs on the leader, which holds the gateway; run: juju run openclaw/leader get-gateway-token")
    }

    guard let relation = try tools.relationIds(CharmIdentity.peerEndpoint).first else {
      return try tools.actionFail("The gateway is not set up yet: the peer relation is missing. Wait for the deployment to settle.")
    }
    let appData = try tools.relationGet(relation, app: String(unitName.split(separator: "/").first ?? ""))
    guard let secret = appData[AppDataKey.tokenSecret], let host = appData[AppDataKey.gatewayHost],
      let port = appData[AppDataKey.gatewayPort]
    else {
      return try tools.actionFail("The gateway has not published its token yet. Wait for the deployment to settle.")
    }
    guard let token = try tools.secretGet(secret, refresh: true)["token"] else {
      return try tools.actionFail("Secret \(secret) holds no token; run the config-changed hook on the leader to replace it.")
    }

    let tls = !(appData[AppDataKey.tlsFingerprint] ?? "").isEmpty
    let gatewayURL = "\(tls ? "wss" : "ws")://\(host):\(port)"
    let dashboardURL = "\(tls ? "https" : "http")://\(host):\(port)/#token=\(token)"
    switch format {
    case "json":
      try tools.actionSet(["token": token, "gateway-url": gatewayURL, "dashboard-url": dashboardURL])
    case "url":
      try tools.actionSet(["dashboard-url": dashboardURL])
    default:
      try tools.actionSet(["token": token])
    }
    log.info("get-gateway-token returned the token in format \(format)")
  }
}
