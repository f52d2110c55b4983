import HookTools
import Roles
import Testing

@testable import Charm

/// The gateway's health check in update-status from canned `systemctl` and `openclaw health` output: one restart
/// when it is down, a remembered failure when it stays down, and no restart loop.
@Suite struct ServiceHealthTests {
  static let isActive = "systemctl is-active --quiet openclaw.service"
  static let health = "openclaw health --json"
  static let restart = "systemctl restart openclaw.service"
  static let show = "systemctl show --property=ActiveState,SubState,Result,ExecMainStatus,NRestarts openclaw.service"
  static let service = ServicePlan(name: "openclaw.service", running: true, inputDigest: "d1")
  static let healthy = ProcessOutput.json(#"{"ok": true, "ts": 1, "durationMs": 3}"#)
  static let unreachable = ProcessOutput.cliError("gateway not reachable at ws://10.0.0.5:18789: connection refused")
  static let crashed = ProcessOutput.json(
    "ActiveState=activating\nSubState=auto-restart\nResult=exit-code\nExecMainStatus=1\nNRestarts=4\n")

  let system = FakeSystem()
  let recorder = LogRecorder()

  func check(justStarted: Bool = false, _ state: inout LocalState) throws -> Bool {
    let health = ServiceHealth(
      system: system, paths: Fixture.paths, services: Services(system: system), log: Log(tools: HookTools(runner: recorder)))
    return try health.checkGateway(Self.service, token: "t0ken", justStarted: justStarted, &state)
  }

  @Test func healthyGatewayIsLeftAlone() throws {
    system.respond(Self.isActive, .succeeded)
    system.respond(Self.health, Self.healthy)
    var state = LocalState()
    #expect(try check(&state) == false)
    #expect(system.count(Self.restart) == 0)
    #expect(state.serviceFailures == nil)
  }

  @Test func unhealthyGatewayIsRestartedOnce() throws {
    system.respond(Self.isActive, .succeeded)
    system.respond(Self.health, Self.unreachable, Self.unreachable, Self.healthy)
    system.respond(Self.restart, .succeeded)
    var state = LocalState()
    #expect(try check(&state) == true)
    #expect(system.count(Self.restart) == 1)
    #expect(state.serviceFailures == nil)
    #expect(recorder.messages.contains { $0.contains("restarting it once") })
  }

  @Test func gatewayThatStaysDownIsRememberedWithTheReason() throws {
    system.respond(Self.isActive, .succeeded, ProcessOutput(status: 3))
    system.respond(Self.health, Self.unreachable)
    system.respond(Self.restart, .succeeded)
    system.respond(Self.show, Self.crashed)
    var state = LocalState()
    #expect(try check(&state) == true)
    #expect(system.count(Self.restart) == 1)
    #expect(system.pauses == ServiceHealth.pollAttempts - 1)
    let failure = try #require(state.serviceFailures?["openclaw.service"])
    #expect(failure.inputDigest == "d1")
    #expect(
      failure.message
        == "systemd reports it activating/auto-restart, result exit-code, exit status 1, restarted 4 times by systemd")
    let status = ServiceHealth.status("openclaw.service", failure)
    #expect(status.status == .blocked)
    #expect(status.message.contains("journalctl -u openclaw.service"))

    // The next update-status looks once and does not restart it again.
    let again = FakeSystem()
    again.respond(Self.isActive, ProcessOutput(status: 3))
    again.respond(Self.show, Self.crashed)
    let health = ServiceHealth(
      system: again, paths: Fixture.paths, services: Services(system: again), log: Log(tools: HookTools(runner: recorder)))
    #expect(try health.checkGateway(Self.service, token: "t0ken", justStarted: false, &state) == false)
    #expect(again.count(Self.restart) == 0)
    #expect(again.pauses == 0)
    #expect(state.serviceFailures?["openclaw.service"] != nil)
  }

  @Test func justStartedGatewayIsPolledNotRestarted() throws {
    system.respond(Self.isActive, .succeeded)
    system.respond(Self.health, Self.unreachable, Self.healthy)
    var state = LocalState()
    state.serviceFailures = ["openclaw.service": ServiceFailure(inputDigest: "old", message: "down")]
    #expect(try check(justStarted: true, &state) == false)
    #expect(system.count(Self.restart) == 0)
    #expect(system.pauses == 1)
    #expect(state.serviceFailures == nil)
  }

  @Test func failureCountsOnlyForTheSameInputs() {
    var state = LocalState()
    state.serviceFailures = ["openclaw.service": ServiceFailure(inputDigest: "old", message: "down")]
    #expect(ServiceHealth.failure(Self.service, state) == nil)
    state.serviceFailures?["openclaw.service"]?.inputDigest = "d1"
    #expect(ServiceHealth.failure(Self.service, state)?.message == "down")
  }
}

/// The node count in the gateway's status.
@Suite struct NodeInventoryTests {
  static let peers = ["openclaw/1": "10.0.0.6", "openclaw/2": "10.0.0.7"]

  @Test func countsPairedConnectedPeersFromTheirAddress() {
    let entries = [
      NodeEntry(displayName: "openclaw/1", remoteIp: "10.0.0.6", paired: true, connected: true),
      NodeEntry(displayName: "openclaw/2", remoteIp: "10.0.0.99", paired: true, connected: true),
      NodeEntry(displayName: "laptop", remoteIp: "10.0.0.50", paired: true, connected: true),
    ]
    #expect(NodeInventory.connectedUnits(entries, peers: Self.peers) == ["openclaw/1"])
  }

  @Test func suffix() {
    var state = LocalState()
    #expect(NodeInventory.suffix(state) == "")
    state.peerAddresses = Self.peers
    #expect(NodeInventory.suffix(state) == " (0/2 nodes connected)")
    state.connectedNodes = ["openclaw/1", "openclaw/9"]
    #expect(NodeInventory.suffix(state) == " (1/2 nodes connected)")
  }

  @Test func quietPeerHooksAskOnlyWhileSomeNodeIsMissing() {
    var state = LocalState()
    state.peerAddresses = Self.peers
    state.connectedNodes = ["openclaw/1"]
    let changed = Event.hook("openclaw-cluster-relation-changed")
    #expect(NodeInventory.needsRefresh(changed, state))
    #expect(!NodeInventory.needsRefresh(.hook("openclaw-cluster-relation-joined"), state))
    state.connectedNodes = ["openclaw/1", "openclaw/2"]
    #expect(!NodeInventory.needsRefresh(changed, state))
  }
}
