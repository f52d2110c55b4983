import HookTools

/// Reads a hook's inputs through the hook tools and the host, calling each tool at most once per hook.
struct InputReader {
  let tools: HookTools
  let system: System
  let environment: [String: String]
  let paths: Paths

  func read(_ event: Event) throws -> Inputs {
    let unitName = environment["JUJU_UNIT_NAME"] ?? ""
    let isLeader = try tools.isLeader()
    let values = try tools.configGet()
    let config = Result {
      try CharmConfig.parse(values, sources: configSources())
    }.mapError { error in
      (error as? ConfigError) ?? ConfigError(option: "", message: "\(error)")
    }
    if case .failure(let error) = config, error.option.isEmpty { throw HookToolReadError(error.message) }
    let installOptions = Result { try InstallOptions.parse(values) }.mapError { error in
      (error as? ConfigError) ?? ConfigError(option: Option.openclawVersion, message: "\(error)")
    }

    var state = StateStore(system: system, path: paths.stateFile).load()
    if event.peerRelationKind != nil, let id = environment["JUJU_RELATION_ID"], !id.isEmpty {
      state.peerRelationId = id
    }
    if state.peerRelationId == nil {
      state.peerRelationId = try tools.relationIds(CharmIdentity.peerEndpoint).first
    }
    let (isDeparting, remotePairingRequest) = try applyPeerChange(event, to: &state, unitName: unitName)

    var appData: [String: String] = [:]
    if let id = state.peerRelationId {
      let appName = String(unitName.split(separator: "/").first ?? "")
      appData = try tools.relationGet(id, app: appName)
    }

    let ingressAddress = isLeader ? try tools.networkGet(CharmIdentity.peerEndpoint).first : nil
    let revision = appData[AppDataKey.tokenRevision] ?? ""
    let (token, tokenIsNew) = try readToken(
      event, isLeader: isLeader, appData: appData, revisionChanged: revision != (state.seenTokenRevision ?? ""))
    state.seenTokenRevision = revision

    // The leader's certificate is made here, like a new token, because its fingerprint is an input to the plan.
    var tlsFingerprint: String?
    if isLeader, !isDeparting, let address = ingressAddress, case .success(let options) = config, options.gatewayTLS {
      tlsFingerprint = try Certificate(system: system, paths: paths).ensure(address: address)
    }

    var inputs = Inputs(
      event: event, unitName: unitName, isLeader: isLeader, config: config, peerRelationId: state.peerRelationId,
      appData: appData, ingressAddress: ingressAddress, token: token, tokenIsNew: tokenIsNew,
      openedPorts: try tools.openedPorts(), state: state, isDeparting: isDeparting,
      templates: try readTemplates(), openclawInstalled: false, tlsFingerprint: tlsFingerprint,
      remotePairingRequest: remotePairingRequest)
    inputs.installOptions = installOptions
    return inputs
  }

  /// The `ai-provider-keys` secret, read at its latest revision, and the config file manual mode keeps.
  func configSources() -> ConfigSources {
    ConfigSources(
      readSecret: { [tools] uri in
        do {
          return try tools.secretGet(uri, refresh: true)
        } catch HookToolError.secretNotFound {
          return nil
        }
      },
      configFilePath: paths.configFile, readConfigFile: { [system, paths] in system.readFile(paths.configFile) })
  }

  /// Records a peer's arrival or departure in `state`; returns whether the departing unit is this one, and the
  /// pairing request in the remote unit's databag.
  private func applyPeerChange(_ event: Event, to state: inout LocalState, unitName: String) throws -> (Bool, String) {
    let remote = environment["JUJU_REMOTE_UNIT"] ?? ""
    switch event.peerRelationKind {
    case "joined", "changed":
      guard !remote.isEmpty, let id = state.peerRelationId else { return (false, "") }
      let bag = try tools.relationGet(id, unit: remote)
      if let address = bag["ingress-address"] ?? bag["private-address"], !address.isEmpty {
        state.peerAddresses[remote] = address
      }
      return (false, bag[PeerUnitKey.pairing] ?? "")
    case "departed":
      let departing = environment["JUJU_DEPARTING_UNIT"] ?? remote
      if departing == unitName { return (true, "") }
      state.peerAddresses[remote] = nil
      return (false, "")
    default:
      return (false, "")
    }
  }

  /// Reads the token from the secret the leader published; the leader makes a new one when there is none.
  private func readToken(
    _ event: Event, isLeader: Bool, appData: [String: String], revisionChanged: Bool
  ) throws -> (String?, Bool) {
    // Only a secret URI is passed on: a value starting with a dash would read as a flag of secret-get. Anything
    // else counts as no secret, so the leader replaces it and nodes wait for it.
    if let id = appData[AppDataKey.tokenSecret], AppDataKey.isSecretURI(id) {
      // The leader, secret-changed and a raised revision marker move to the newest revision; other hooks keep the
      // tracked one.
      let refresh = isLeader || event.hookName == "secret-changed" || revisionChanged
      do {
        return (try tools.secretGet(id, refresh: refresh)["token"], false)
      } catch HookToolError.secretNotFound where isLeader {
        // The published secret is gone (removed by hand): the leader replaces it below.
      }
    }
    guard isLeader else { return (nil, false) }
    return (GatewayToken.generate(try system.randomBytes(GatewayToken.byteCount)), true)
  }

  private func readTemplates() throws -> Templates {
    func load(_ name: String) throws -> String {
      let path = paths.templates + "/" + name
      guard let bytes = system.readFile(path) else {
        throw SystemError.fileOperationFailed(operation: "read template", path: path, errno: 2)
      }
      return String(decoding: bytes, as: UTF8.self)
    }
    return Templates(gatewayUnit: try load("openclaw.service"), nodeUnit: try load("openclaw-node.service"))
  }
}

/// A config read that failed for a reason other than a bad value.
struct HookToolReadError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// The gateway's shared token.
enum GatewayToken {
  /// 32 bytes, 256 bits, as `openssl rand -hex 32` gives.
  static let byteCount = 32

  static func generate(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }
}
