import Charm
import HookTools
import Testing

/// The desired-state function, with plain values in and out.
@Suite struct PlannerGatewayTests {
  @Test func leaderRunsGatewayOnly() {
    let plan = Planner.plan(Fixture.leader(), paths: Fixture.paths)
    #expect(plan.role == .gateway)
    #expect(plan.services.map(\.name) == ["openclaw-node.service", "openclaw.service"])
    #expect(plan.services.map(\.running) == [false, true])
    #expect(plan.ports == ["18789/tcp"])
    #expect(plan.status == UnitStatus(.active, "Gateway: http://10.0.0.5:18789"))
  }

  @Test func leaderPublishesNothingWhenUnchanged() {
    let plan = Planner.plan(Fixture.leader(), paths: Fixture.paths)
    #expect(plan.appDataChanges.isEmpty)
    #expect(!plan.createsTokenSecret)
  }

  @Test func leaderPublishesOnlyChangedKeys() {
    var appData = Fixture.publishedAppData
    appData["gateway-host"] = "10.0.0.9"
    appData["stale-key"] = "x"
    let plan = Planner.plan(Fixture.leader(appData: appData), paths: Fixture.paths)
    #expect(plan.appDataChanges == ["gateway-host": "10.0.0.5"])
  }

  @Test func pairingRunsOnPeerRequest() {
    var inputs = Fixture.leader()
    inputs.event = .hook("openclaw-cluster-relation-changed")
    #expect(!Planner.plan(inputs, paths: Fixture.paths).runsPairing)
    inputs.remotePairingRequest = "device"
    #expect(Planner.plan(inputs, paths: Fixture.paths).runsPairing)
  }

  @Test func pairingRunsOnOtherHooks() {
    for hook in ["update-status", "leader-elected", "config-changed", "openclaw-cluster-relation-departed"] {
      var inputs = Fixture.leader()
      inputs.event = .hook(hook)
      #expect(Planner.plan(inputs, paths: Fixture.paths).runsPairing, "\(hook)")
    }
  }

  @Test func tlsGatewayPublishesFingerprint() {
    var inputs = Fixture.leader()
    inputs.tlsFingerprint = String(repeating: "ab", count: 32)
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(plan.appDataChanges == ["gateway-tls-fingerprint": String(repeating: "ab", count: 32)])
    #expect(plan.status == UnitStatus(.active, "Gateway: https://10.0.0.5:18789"))
  }

  @Test func newTokenCreatesSecret() {
    let plan = Planner.plan(Fixture.leader(appData: [:], tokenIsNew: true), paths: Fixture.paths)
    #expect(plan.createsTokenSecret)
    #expect(plan.appDataChanges["gateway-token-secret"] == nil)
    #expect(plan.appDataChanges["gateway-host"] == "10.0.0.5")
  }

  @Test func tokenOnlyInRootOnlyEnvironmentFile() {
    let plan = Planner.plan(Fixture.leader(), paths: Fixture.paths)
    let holders = plan.files.filter { $0.content.contains("t0ken") }
    #expect(holders.map(\.path) == ["/etc/openclaw/gateway.env"])
    #expect(holders.allSatisfy { $0.mode == 0o600 })
    #expect(holders.allSatisfy { $0.owner == "root" })
    #expect(!plan.appDataChanges.values.contains { $0.contains("t0ken") })
    #expect(!plan.status.message.contains("t0ken"))
  }

  @Test func configFileChangeDoesNotChangeDigest() {
    var inputs = Fixture.leader()
    let before = Planner.plan(inputs, paths: Fixture.paths)
    var config = Fixture.config
    config.primaryModel = "openai/gpt-5"
    inputs.config = .success(config)
    let after = Planner.plan(inputs, paths: Fixture.paths)
    #expect(before.files[0].content != after.files[0].content)
    #expect(before.services == after.services, "OpenClaw reloads its config; the charm must not restart it")
  }

  @Test func apiKeyChangeRestartsGateway() {
    var inputs = Fixture.leader()
    let before = Planner.plan(inputs, paths: Fixture.paths)
    var config = Fixture.config
    config.providerKeys["ANTHROPIC_API_KEY"] = "sk-ant-other"
    inputs.config = .success(config)
    let after = Planner.plan(inputs, paths: Fixture.paths)
    #expect(before.services[1].inputDigest != after.services[1].inputDigest)
  }

  @Test func badConfigKeepsWorkload() {
    var inputs = Fixture.leader()
    inputs.config = .failure(ConfigError(option: "gateway-port", message: "Option 'gateway-port' is '80'; ..."))
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(!plan.changesWorkload)
    #expect(plan.status.status == .blocked)
  }

  @Test func departingUnitKeepsWorkload() {
    var inputs = Fixture.leader()
    inputs.isDeparting = true
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(!plan.changesWorkload)
    #expect(plan.appDataChanges.isEmpty)
  }

  @Test func missingOpenClawShowsInstallStatus() {
    var inputs = Fixture.leader()
    inputs.openclawInstalled = false
    inputs.installStatus = UnitStatus(.blocked, "OpenClaw install failed: npm error code ETARGET")
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(!plan.changesWorkload)
    #expect(plan.status == inputs.installStatus)
  }

  @Test func releaseChangeRestartsGateway() {
    var inputs = Fixture.leader()
    inputs.installedVersion = "2026.9.3"
    let before = Planner.plan(inputs, paths: Fixture.paths)
    inputs.installedVersion = "2026.10.2"
    let after = Planner.plan(inputs, paths: Fixture.paths)
    #expect(before.services[1].inputDigest != after.services[1].inputDigest)
    #expect(after.appDataChanges["gateway-version"] == "2026.10.2")
  }

  @Test func gatewayVersionPublishedOnlyOnChange() {
    var appData = Fixture.publishedAppData
    appData["gateway-version"] = "2026.9.3"
    var inputs = Fixture.leader(appData: appData)
    inputs.installedVersion = "2026.9.3"
    let plan = Planner.plan(inputs, paths: Fixture.paths)
    #expect(plan.appDataChanges["gateway-version"] == nil)
  }
}

@Suite struct PlannerNodeTests {
  @Test func releaseChangeRestartsNode() {
    var inputs = Fixture.node()
    inputs.installedVersion = "2026.9.3"
    let before = Planner.plan(inputs, paths: Fixture.paths)
    inputs.installedVersion = "2026.10.2"
    let after = Planner.plan(inputs, paths: Fixture.paths)
    #expect(before.services[1].inputDigest != after.services[1].inputDigest)
  }

  @Test func nodeRunsNodeOnly() {
    let plan = Planner.plan(Fixture.node(), paths: Fixture.paths)
    #expect(plan.role == .node)
    #expect(plan.services.map(\.running) == [false, true])
    #expect(plan.services[1].name == "openclaw-node.service")
    #expect(plan.ports.isEmpty)
    #expect(plan.node?.gatewayHost == "10.0.0.5")
    #expect(plan.appDataChanges.isEmpty)
  }

  @Test func nodeUnitHasNoToken() {
    let plan = Planner.plan(Fixture.node(), paths: Fixture.paths)
    let unit = plan.files.first { $0.path.hasSuffix("openclaw-node.service") }
    #expect(unit?.content.contains("t0ken") == false)
    #expect(unit?.content.contains("--display-name openclaw/1") == true)
  }

  @Test func nodeWaitsForGatewayAddress() {
    let plan = Planner.plan(Fixture.node(appData: [:]), paths: Fixture.paths)
    #expect(plan.status == UnitStatus(.waiting, "Waiting for the leader to publish the gateway address"))
    #expect(plan.services.allSatisfy { !$0.running })
  }

  @Test func nodeStartsBeforePairing() {
    let plan = Planner.plan(Fixture.node(appData: Fixture.publishedAppData), paths: Fixture.paths)
    #expect(plan.services.last?.running == true)
    #expect(plan.node != nil)
  }

  @Test func nodePinsPublishedFingerprint() {
    var appData = Fixture.publishedAppData
    appData["gateway-tls-fingerprint"] = String(repeating: "0f", count: 32)
    let plan = Planner.plan(Fixture.node(appData: appData), paths: Fixture.paths)
    #expect(plan.node?.tlsFingerprint == String(repeating: "0f", count: 32))
    #expect(plan.node?.gatewayURL == "wss://10.0.0.5:18789")
  }

  @Test func badFingerprintBlocks() {
    var appData = Fixture.publishedAppData
    appData["gateway-tls-fingerprint"] = "zz --evil"
    let plan = Planner.plan(Fixture.node(appData: appData), paths: Fixture.paths)
    #expect(plan.status.status == .blocked)
    #expect(plan.status.message.contains("gateway-tls-fingerprint"))
  }

  @Test func formerGatewayStopsIt() {
    let plan = Planner.plan(Fixture.node(appData: [:]), paths: Fixture.paths)
    #expect(plan.services.first { $0.name == "openclaw.service" }?.running == false)
    #expect(plan.removedFiles.contains("/etc/systemd/system/openclaw.service"))
  }

  @Test func hostileGatewayHostBlocks() {
    var appData = Fixture.publishedAppData
    appData["gateway-host"] = "10.0.0.5 --token x"
    let plan = Planner.plan(Fixture.node(appData: appData), paths: Fixture.paths)
    #expect(plan.status.status == .blocked)
    #expect(plan.status.message.contains("gateway-host"))
    #expect(!plan.changesWorkload)
  }

  @Test func badGatewayPortBlocks() {
    var appData = Fixture.publishedAppData
    appData["gateway-port"] = "99999"
    let plan = Planner.plan(Fixture.node(appData: appData), paths: Fixture.paths)
    #expect(plan.status.status == .blocked)
    #expect(plan.status.message.contains("gateway-port"))
  }

  @Test(arguments: ["gateway-host", "gateway-port", "gateway-tls-fingerprint"])
  func garbageAppDataShowsOneShortLine(key: String) {
    var appData = Fixture.publishedAppData
    appData[key] = "abc\n" + String(repeating: "x", count: 10_000)
    let plan = Planner.plan(Fixture.node(appData: appData), paths: Fixture.paths)
    #expect(plan.status.status == .blocked)
    #expect(plan.status.message.contains(key))
    #expect(!plan.status.message.contains("\n"))
    #expect(plan.status.message.count < 300, "\(plan.status.message.count) characters")
  }
}

/// Relation data another unit wrote is checked before it reaches a hook tool's command line.
@Suite struct SecretURITests {
  @Test func acceptsJujuSecretURI() {
    #expect(AppDataKey.isSecretURI("secret:d4ctnf5e0000000000aa"))
  }

  @Test(arguments: ["", "secret:", "--refresh", "secret:abc --peek", "secret:a/b", "d4ctnf5e0000000000aa"])
  func rejectsOtherValues(value: String) {
    #expect(!AppDataKey.isSecretURI(value))
  }
}
