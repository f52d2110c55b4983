#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookTools

/// The charm's actions. Each fails with `action-fail` and a message saying what to do.
struct Actions {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log
  let unitName: String
  /// Runs the reconcile pass, with the given token in place of the one in the secret when it is not nil.
  let reconcile: (String?) throws -> Void

  func run(_ name: String) throws {
    switch name {
    case "get-gateway-token": try getGatewayToken()
    case "rotate-gateway-token": try rotateGatewayToken()
    case "approve-nodes": try approveNodes()
    case "list-nodes": try listNodes()
    case "list-models": try ListModelsAction(tools: tools, system: system, paths: paths).run()
    case "backup": try BackupAction(tools: tools, system: system, paths: paths, log: log, unitName: unitName).run()
    case "restore":
      try RestoreAction(tools: tools, system: system, paths: paths, log: log, reconcile: { try reconcile(nil) }).run()
    default:
      try tools.actionFail("Action '\(name)' is not supported by this charm; see actions.yaml for the list.")
    }
  }

  /// The gateway details the leader's actions need: the peer relation, the published data and the current token.
  private struct Gateway {
    var relation: String
    var appData: [String: String]
    var secret: String
    var token: String
  }

  /// Returns the gateway's details, or nil after failing the action with the reason.
  private func gateway(_ action: String) throws -> Gateway? {
    guard try tools.isLeader() else {
      try tools.actionFail("\(action) runs on the leader, which holds the gateway; run: juju run openclaw/leader \(action)")
      return nil
    }
    guard let relation = try tools.relationIds(CharmIdentity.peerEndpoint).first else {
      try tools.actionFail("The gateway is not set up yet: the peer relation is missing. Wait for the deployment to settle.")
      return nil
    }
    let appData = try tools.relationGet(relation, app: String(unitName.split(separator: "/").first ?? ""))
    guard let secret = appData[AppDataKey.tokenSecret], AppDataKey.isSecretURI(secret) else {
      try tools.actionFail("The gateway has not published its token yet. Wait for the deployment to settle.")
      return nil
    }
    guard let token = try tools.secretGet(secret, refresh: true)["token"] else {
      try tools.actionFail("Secret \(secret) holds no token; run: juju run openclaw/leader rotate-gateway-token")
      return nil
    }
    return Gateway(relation: relation, appData: appData, secret: secret, token: token)
  }

  // MARK: - get-gateway-token

  /// Returns the gateway token, and with `format=json` or `format=url` the URLs that carry it.
  private func getGatewayToken() throws {
    let format = try tools.actionGet()["format"]?.description ?? "text"
    guard ["text", "json", "url"].contains(format) else {
      return try tools.actionFail("Parameter 'format' is '\(format)'; use text, json or url.")
    }
    guard let gateway = try gateway("get-gateway-token") else { return }
    guard let host = gateway.appData[AppDataKey.gatewayHost], let port = gateway.appData[AppDataKey.gatewayPort] else {
      return try tools.actionFail("The gateway has not published its address yet. Wait for the deployment to settle.")
    }

    let tls = !(gateway.appData[AppDataKey.tlsFingerprint] ?? "").isEmpty
    let gatewayURL = "\(tls ? "wss" : "ws")://\(host):\(port)"
    let dashboardURL = "\(tls ? "https" : "http")://\(host):\(port)/#token=\(gateway.token)"
    switch format {
    case "json":
      try tools.actionSet(["token": gateway.token, "gateway-url": gatewayURL, "dashboard-url": dashboardURL])
    case "url":
      try tools.actionSet(["dashboard-url": dashboardURL])
    default:
      try tools.actionSet(["token": gateway.token])
    }
    log.info("get-gateway-token returned the token in format \(format)")
  }

  // MARK: - rotate-gateway-token

  /// Stores a new token as a new secret revision, raises the revision marker so every node reads it, and
  /// restarts the gateway with it. Nodes follow in their secret-changed or relation-changed hook.
  private func rotateGatewayToken() throws {
    guard let gateway = try gateway("rotate-gateway-token") else { return }
    let token = GatewayToken.generate(try system.randomBytes(GatewayToken.byteCount))
    try tools.secretSet(gateway.secret, ["token": token])
    let revision = (Int(gateway.appData[AppDataKey.tokenRevision] ?? "") ?? 0) + 1
    try tools.relationSet(gateway.relation, app: true, [AppDataKey.tokenRevision: String(revision)])
    try reconcile(token)
    try tools.actionSet(["revision": String(revision)])
    log.info("Rotated the gateway token (revision marker \(revision))")
  }

  // MARK: - approve-nodes

  /// Approves pairing requests an operator chose by id: device requests, or else command-surface requests.
  private func approveNodes() throws {
    let text = try tools.actionGet()["request-ids"]?.description ?? ""
    let ids = text.split { $0 == "," || $0 == " " }.map(String.init)
    guard !ids.isEmpty else {
      return try tools.actionFail("Parameter 'request-ids' is empty; pass the ids that list-nodes or devices list shows.")
    }
    guard ids.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } && $0.count <= 128 }) else {
      return try tools.actionFail("Parameter 'request-ids' may hold only letters, digits and dashes, separated by commas.")
    }
    guard let gateway = try gateway("approve-nodes") else { return }

    let cli = OpenClawCLI(system: system, paths: paths)
    var approved: [String] = []
    var failed: [String] = []
    for id in ids {
      do {
        try cli.devicesApprove(id, token: gateway.token)
        approved.append(id)
      } catch {
        do {
          try cli.nodesApprove(id, token: gateway.token)
          approved.append(id)
        } catch {
          failed.append(id)
        }
      }
    }
    log.info("approve-nodes approved \(approved.count) of \(ids.count) requests")
    // A node that waited for this approval finds it in the gateway's device list at its next hook and restarts.
    // At the latest, that hook is the next update-status.
    try tools.actionSet(["approved": approved.joined(separator: " ")])
    if !failed.isEmpty {
      try tools.actionFail(
        "No pending request has the id \(failed.joined(separator: ", ")); run list-nodes or openclaw devices list for current ids.")
    }
  }

  // MARK: - list-nodes

  /// Returns the `nodes status` entry of a paired device: the one with its id, else the first with its name.
  /// A unit whose state directory was replaced pairs a new device under the same name, and the name alone would
  /// give the old device's entry to both.
  static func nodeEntry(of device: PairedDevice, in nodes: [NodeEntry]) -> NodeEntry? {
    if let id = device.deviceId, let entry = nodes.first(where: { $0.nodeId == id }) { return entry }
    return nodes.first { $0.displayName == device.displayName }
  }

  /// Returns every node the gateway lists, paired or pending, as a JSON list.
  private func listNodes() throws {
    guard let gateway = try gateway("list-nodes") else { return }
    let cli = OpenClawCLI(system: system, paths: paths)
    let devices = try cli.devicesList(token: gateway.token)
    let nodes = try cli.nodesStatus(token: gateway.token)

    struct Listed: Encodable {
      var unit: String
      var nodeId: String
      var address: String
      var paired: Bool
      var connected: Bool
      enum CodingKeys: String, CodingKey {
        case unit, address, paired, connected
        case nodeId = "node-id"
      }
    }
    var listed: [Listed] = (devices.paired ?? []).map { device in
      let entry = Self.nodeEntry(of: device, in: nodes)
      return Listed(
        unit: device.displayName ?? "", nodeId: entry?.nodeId ?? device.deviceId ?? "", address: device.remoteIp ?? "",
        paired: true, connected: entry?.connected == true)
    }
    // Every pending request is listed, also one that uses a paired unit's name: the pairing pass leaves such a
    // request pending when it comes from another address, and the operator has to see it.
    for request in devices.pending ?? [] {
      listed.append(
        Listed(
          unit: request.displayName ?? "", nodeId: request.requestId, address: request.remoteIp ?? "", paired: false,
          connected: false))
    }
    // Paired entries come before pending ones with the same name.
    listed.sort { ($0.unit, $0.paired ? 0 : 1, $0.nodeId) < ($1.unit, $1.paired ? 0 : 1, $1.nodeId) }

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try tools.actionSet(["nodes": String(decoding: try encoder.encode(listed), as: UTF8.self)])
  }
}
