import HookTools
import Roles

/// Turns a hook's inputs into the unit's desired state. Pure: no I/O, so it is tested with plain values.
public enum Planner {
  public static func plan(_ inputs: Inputs, paths: Paths) -> Plan {
    if inputs.isDeparting {
      return .keep(inputs.state, UnitStatus(.maintenance, "Leaving the OpenClaw cluster"))
    }
    let config: CharmConfig
    switch inputs.config {
    case .failure(let error): return .keep(inputs.state, UnitStatus(.blocked, error.message))
    case .success(let value): config = value
    }
    guard inputs.openclawInstalled else {
      return .keep(inputs.state, inputs.installStatus ?? UnitStatus(.waiting, "Waiting for OpenClaw to be installed"))
    }
    guard inputs.peerRelationId != nil else {
      return .keep(inputs.state, UnitStatus(.waiting, "Waiting for the \(CharmIdentity.peerEndpoint) peer relation"))
    }

    do {
      return inputs.isLeader ? try gateway(inputs, config, paths) : try node(inputs, paths)
    } catch let error as ConfigError {
      return .keep(inputs.state, UnitStatus(.blocked, error.message))
    } catch {
      return .keep(inputs.state, UnitStatus(.blocked, "\(error)"))
    }
  }

  // MARK: - Gateway

  private static func gateway(_ inputs: Inputs, _ config: CharmConfig, _ paths: Paths) throws -> Plan {
    guard let address = inputs.ingressAddress, let token = inputs.token else {
      return .keep(inputs.state, UnitStatus(.waiting, "Waiting for an ingress address on \(CharmIdentity.peerEndpoint)"))
    }

    let tls = inputs.tlsFingerprint.map { _ in
      GatewayTLS(certificatePath: paths.certificate, keyPath: paths.certificateKey)
    }
    let settings = GatewaySettings(
      address: address, port: config.gatewayPort, nodeAddresses: [], assistant: AssistantSections.render(config),
      tls: tls)
    var variables = config.providerKeys
    variables["OPENCLAW_GATEWAY_TOKEN"] = token
    let environment = try environmentFile(variables)
    let unit = try SystemdUnits.gateway(template: inputs.templates.gatewayUnit)

    var plan = Plan(changesWorkload: true, role: .gateway, status: UnitStatus(.active, ""), state: inputs.state)
    plan.files = [
      ManagedFile(path: paths.configFile, content: OpenClawConfig.gateway(settings), mode: 0o600, owner: CharmIdentity.user),
      ManagedFile(path: paths.gatewayEnvironment, content: environment, mode: 0o600, owner: "root"),
      ManagedFile(path: paths.unitFile(CharmIdentity.gatewayService), content: unit, mode: 0o644, owner: "root"),
    ]
    plan.removedFiles = [paths.unitFile(CharmIdentity.nodeService), paths.nodeEnvironment]
    // OpenClaw reloads openclaw.json by itself (hybrid mode), so only the unit, the environment and a new
    // release restart it.
    plan.services = [
      ServicePlan(name: CharmIdentity.nodeService, running: false),
      ServicePlan(
        name: CharmIdentity.gatewayService, running: true,
        inputDigest: SHA256.hex(unit + environment + releaseMarker(inputs))),
    ]
    plan.ports = ["\(config.gatewayPort)/tcp"]

    plan.createsTokenSecret = inputs.tokenIsNew
    var published = [
      AppDataKey.gatewayHost: address,
      AppDataKey.gatewayPort: String(config.gatewayPort),
      AppDataKey.tlsFingerprint: inputs.tlsFingerprint ?? "",
      AppDataKey.gatewayVersion: inputs.installedVersion ?? "",
    ]
    if !inputs.tokenIsNew { published[AppDataKey.tokenSecret] = inputs.appData[AppDataKey.tokenSecret] }
    for key in AppDataKey.all where key != AppDataKey.tokenSecret || !inputs.tokenIsNew {
      let wanted = published[key] ?? ""
      if (inputs.appData[key] ?? "") != wanted { plan.appDataChanges[key] = wanted }
    }

    // The pairing pass approves peer units' requests: after a peer asked for it, or in any hook but a peer
    // joining or changing without a request.
    let quietPeerHook = ["created", "joined", "changed"].contains(inputs.event.peerRelationKind ?? "")
    plan.runsPairing = !quietPeerHook || !inputs.remotePairingRequest.isEmpty
    plan.status = UnitStatus(.active, "Gateway: \(settings.httpURL)")
    return plan
  }

  // MARK: - Node

  private static func node(_ inputs: Inputs, _ paths: Paths) throws -> Plan {
    var plan = Plan(changesWorkload: true, role: nil, status: UnitStatus(.waiting, ""), state: inputs.state)
    // A unit that is not the leader never runs the gateway, whatever else is missing.
    plan.services = [
      ServicePlan(name: CharmIdentity.gatewayService, running: false),
      ServicePlan(name: CharmIdentity.nodeService, running: false),
    ]
    plan.removedFiles = [paths.unitFile(CharmIdentity.gatewayService), paths.gatewayEnvironment]

    guard let host = inputs.appData[AppDataKey.gatewayHost], !host.isEmpty,
      let portText = inputs.appData[AppDataKey.gatewayPort], !portText.isEmpty
    else {
      plan.status = UnitStatus(.waiting, "Waiting for the leader to publish the gateway address")
      return plan
    }
    try checkHost(host)
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw ConfigError(
        option: AppDataKey.gatewayPort,
        message: "The leader published gateway-port '\(ConfigValues.quoted(portText.printable))', which is not a "
          + "port; check the leader's juju-log.")
    }
    guard let token = inputs.token else {
      plan.status = UnitStatus(.waiting, "Waiting for the gateway token secret from the leader")
      return plan
    }

    let fingerprint = inputs.appData[AppDataKey.tlsFingerprint] ?? ""
    guard fingerprint.isEmpty || (fingerprint.count == 64 && fingerprint.allSatisfy(\.isHexDigit)) else {
      throw ConfigError(
        option: AppDataKey.tlsFingerprint,
        message: "The leader published gateway-tls-fingerprint '\(ConfigValues.quoted(fingerprint.printable))', "
          + "which is not a SHA-256 hex digest; "
          + "check the leader's juju-log.")
    }
    let settings = NodeSettings(
      gatewayHost: host, gatewayPort: port, displayName: inputs.unitName,
      tlsFingerprint: fingerprint.isEmpty ? nil : fingerprint)
    let config = OpenClawConfig.node(settings)
    let environment = try environmentFile(["OPENCLAW_GATEWAY_TOKEN": token])
    let unit = try SystemdUnits.node(template: inputs.templates.nodeUnit, settings)

    plan.role = .node
    plan.files = [
      ManagedFile(path: paths.configFile, content: config, mode: 0o600, owner: CharmIdentity.user),
      ManagedFile(path: paths.nodeEnvironment, content: environment, mode: 0o600, owner: "root"),
      ManagedFile(path: paths.unitFile(CharmIdentity.nodeService), content: unit, mode: 0o644, owner: "root"),
    ]
    plan.services[1] = ServicePlan(
      name: CharmIdentity.nodeService, running: true,
      inputDigest: SHA256.hex(unit + environment + config + releaseMarker(inputs)))
    plan.node = settings
    plan.status = UnitStatus(.waiting, "Node connecting to \(host):\(port)")
    return plan
  }

  // MARK: - Checks

  /// Returns the installed release as a line of a service's input digest, so an upgrade restarts the service once.
  private static func releaseMarker(_ inputs: Inputs) -> String {
    inputs.installedVersion.map { "\nopenclaw-release=\($0)" } ?? ""
  }

  private static func environmentFile(_ variables: [String: String]) throws -> String {
    do {
      return try EnvironmentFile.render(variables)
    } catch EnvironmentFileError.invalidValue(let name) {
      let option = name == "OPENCLAW_GATEWAY_TOKEN" ? "gateway token" : "ai-api-key"
      throw ConfigError(option: option, message: "The \(option) contains a newline or control character; set it again.")
    }
  }

  /// Accepts an IPv4 literal or a DNS name; anything else could break out of the unit file's command line.
  private static func checkHost(_ host: String) throws {
    let allowed = host.count <= 253 && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
    guard allowed, !host.hasPrefix("-") else {
      throw ConfigError(
        option: AppDataKey.gatewayHost,
        message: "The leader published gateway-host '\(ConfigValues.quoted(host.printable))', which is not an "
          + "address; check the leader's juju-log.")
    }
  }
}
