import HookTools
import Roles
import Testing

@testable import Charm

/// A node unit's view of its connection, from canned `openclaw nodes status` and `devices list` output, and the
/// status and pairing request each view leads to.
@Suite struct NodeConnectionTests {
  static let node = NodeSettings(
    gatewayHost: "10.0.0.5", gatewayPort: 18789, displayName: "openclaw/1", tlsFingerprint: String(repeating: "ab", count: 32))
  static let token = "t0ken"
  static let nodesStatus = "openclaw nodes status --json"
  static let devicesList = "openclaw devices list --json"
  static let restart = "systemctl restart openclaw-node.service"

  let system = FakeSystem()

  func check(
    justRestarted: Bool = false, mayRestartForPairing: Bool = true, isUpdateStatus: Bool = false
  ) throws -> NodeCheck {
    let connection = NodeConnection(system: system, paths: Fixture.paths, services: Services(system: system))
    return try connection.check(
      Self.node, token: Self.token, justRestarted: justRestarted, mayRestartForPairing: mayRestartForPairing,
      isUpdateStatus: isUpdateStatus)
  }

  static func nodes(connected: Bool, paired: Bool = true, commandsApproved: Bool = true) -> ProcessOutput {
    .json(
      #"{"ts": 1, "nodes": [{"nodeId": "n1", "displayName": "openclaw/1", "remoteIp": "10.0.0.6", "#
        + #""paired": \#(paired), "connected": \#(connected), "commandsApproved": \#(commandsApproved)}]}"#)
  }

  static let noNodes = ProcessOutput.json(#"{"ts": 1, "nodes": []}"#)

  static func devices(pendingName: String? = nil, pairedName: String? = nil) -> ProcessOutput {
    let pending = pendingName.map {
      #"{"requestId": "r1", "displayName": "\#($0)", "role": "node", "remoteIp": "10.0.0.6"}"#
    }
    let paired = pairedName.map { #"{"deviceId": "d1", "displayName": "\#($0)", "remoteIp": "10.0.0.6"}"# }
    return .json(#"{"pending": [\#(pending ?? "")], "paired": [\#(paired ?? "")]}"#)
  }

  @Test func connectedNode() throws {
    system.respond(Self.nodesStatus, Self.nodes(connected: true))

    let result = try check()

    #expect(result.status == UnitStatus(.active, "Node connected to 10.0.0.5:18789"))
    #expect(result.request == "")
    #expect(!result.restartedForPairing)
    #expect(system.commandLines == [Self.nodesStatus])
  }

  @Test func staleDeviceOfSameNameIgnored() throws {
    let stale = #"{"nodeId": "old", "displayName": "openclaw/1", "remoteIp": "10.0.0.6", "paired": true, "connected": false}"#
    let current = #"{"nodeId": "new", "displayName": "openclaw/1", "remoteIp": "10.0.0.6", "paired": true, "connected": true}"#
    system.respond(Self.nodesStatus, .json(#"{"ts": 1, "nodes": [\#(stale), \#(current)]}"#))

    let result = try check()

    #expect(result.status == UnitStatus(.active, "Node connected to 10.0.0.5:18789"))
    #expect(system.commandLines == [Self.nodesStatus])
  }

  @Test func listedDeviceMatchesById() {
    let stale = NodeEntry(nodeId: "old", displayName: "openclaw/1", remoteIp: "10.0.0.6", paired: true, connected: false)
    let current = NodeEntry(nodeId: "new", displayName: "openclaw/1", remoteIp: "10.0.0.6", paired: true, connected: true)
    let device = PairedDevice(deviceId: "new", displayName: "openclaw/1", remoteIp: "10.0.0.6")
    #expect(Actions.nodeEntry(of: device, in: [stale, current]) == current)

    let unknownId = PairedDevice(deviceId: "other", displayName: "openclaw/1", remoteIp: "10.0.0.6")
    #expect(Actions.nodeEntry(of: unknownId, in: [stale, current]) == stale)
  }

  @Test func awaitingCommands() throws {
    system.respond(Self.nodesStatus, Self.nodes(connected: true, commandsApproved: false))

    let result = try check()

    #expect(result.status == UnitStatus(.waiting, "Node awaiting approval of its commands"))
    #expect(result.request == "commands")
  }

  @Test func awaitingDevice() throws {
    system.respond(Self.nodesStatus, Self.noNodes)
    system.respond(Self.devicesList, Self.devices(pendingName: "openclaw/1"))

    let result = try check()

    #expect(result.status == UnitStatus(.waiting, "Node awaiting pairing approval"))
    #expect(result.request == "device")
    #expect(system.count(Self.restart) == 0)
  }

  @Test func otherUnitsRequestIgnored() throws {
    system.respond(Self.nodesStatus, Self.noNodes)
    system.respond(Self.devicesList, Self.devices(pendingName: "openclaw/2"))

    let result = try check()

    #expect(result.status == UnitStatus(.waiting, "Node connecting to 10.0.0.5:18789"))
    #expect(result.request == "")
  }

  @Test func fingerprintMismatchBlocks() throws {
    system.respond(
      Self.nodesStatus,
      .cliError("gateway TLS fingerprint mismatch: expected \(String(repeating: "ab", count: 32)), got \(String(repeating: "cd", count: 32))"))

    let result = try check()

    #expect(result.status.status == .blocked)
    #expect(result.status.message.contains("gateway-tls-fingerprint"))
    #expect(result.status.message.contains("10.0.0.5:18789"))
    #expect(result.request == "")
    #expect(system.commandLines == [Self.nodesStatus])
  }

  @Test func fingerprintMismatchOnStderr() throws {
    system.respond(
      Self.nodesStatus, ProcessOutput(status: 1, stderr: Array("Error: gateway TLS fingerprint mismatch: expected a, got b\n".utf8)))

    let result = try check()

    #expect(result.status.status == .blocked)
    #expect(result.status.message.contains("gateway-tls-fingerprint"))
  }

  @Test func rejectedTokenBlocks() throws {
    system.respond(Self.nodesStatus, .cliError("unauthorized: gateway token mismatch"))

    let result = try check()

    #expect(result.status.status == .blocked)
    #expect(result.status.message.contains("rotate-gateway-token"))
    #expect(!result.status.message.contains(Self.token))
    #expect(result.request == "")
  }

  @Test func rejectedTokenSettlesPolling() throws {
    // A settled failure ends polling after a restart at once: 30 polls would only repeat it.
    system.respond(Self.nodesStatus, .cliError("unauthorized: gateway token mismatch"))

    let result = try check(justRestarted: true)

    #expect(result.status.status == .blocked)
    #expect(system.count(Self.nodesStatus) == 1)
    #expect(system.pauses == 0)
  }

  @Test func unreachableGatewayConnecting() throws {
    system.respond(Self.nodesStatus, .cliError("gateway not reachable at wss://10.0.0.5:18789: connection refused"))

    let result = try check()

    #expect(result.status == UnitStatus(.waiting, "Node connecting to 10.0.0.5:18789"))
    #expect(system.count(Self.restart) == 0)
  }

  @Test func approvedDeviceRestartsOnce() throws {
    system.respond(Self.nodesStatus, Self.noNodes, Self.nodes(connected: true))
    system.respond(Self.devicesList, Self.devices(pairedName: "openclaw/1"))
    system.respond(Self.restart, .succeeded)

    let result = try check()

    #expect(result.restartedForPairing)
    #expect(result.status == UnitStatus(.active, "Node connected to 10.0.0.5:18789"))
    #expect(system.count(Self.restart) == 1)
  }

  @Test func approvedDeviceStillWaitingRestartsOnce() throws {
    // The node never reconnects: the hook restarts it once, polls, and reports it waiting.
    system.respond(Self.nodesStatus, Self.noNodes)
    system.respond(Self.devicesList, Self.devices(pairedName: "openclaw/1"))
    system.respond(Self.restart, .succeeded)

    let result = try check()

    #expect(result.restartedForPairing)
    #expect(result.status == UnitStatus(.waiting, "Node paired; waiting for it to reconnect to 10.0.0.5:18789"))
    #expect(system.count(Self.restart) == 1)
    #expect(system.count(Self.nodesStatus) == 1 + NodeConnection.pollAttempts)
    #expect(system.pauses == NodeConnection.pollAttempts - 1)
  }

  @Test func noSecondPairingRestart() throws {
    system.respond(Self.nodesStatus, Self.noNodes)
    system.respond(Self.devicesList, Self.devices(pairedName: "openclaw/1"))

    let result = try check(mayRestartForPairing: false)

    #expect(!result.restartedForPairing)
    #expect(result.status.status == .waiting)
    #expect(system.count(Self.restart) == 0)
  }

  @Test func justRestartedNodeNotRestarted() throws {
    system.respond(Self.nodesStatus, Self.noNodes, Self.noNodes, Self.nodes(connected: true))
    system.respond(Self.devicesList, Self.devices(pairedName: "openclaw/1"))

    let result = try check(justRestarted: true)

    #expect(!result.restartedForPairing)
    #expect(result.status == UnitStatus(.active, "Node connected to 10.0.0.5:18789"))
    #expect(system.count(Self.restart) == 0)
    #expect(system.count(Self.nodesStatus) == 3)
    #expect(system.pauses == 2)
  }

  @Test func updateStatusRestartsStuckNode() throws {
    system.respond(Self.nodesStatus, Self.noNodes, Self.nodes(connected: true))
    system.respond(Self.devicesList, Self.devices())
    system.respond(Self.restart, .succeeded)

    let result = try check(isUpdateStatus: true)

    // A restart for a stuck node is not a pairing restart, so a pairing restart can still follow later.
    #expect(!result.restartedForPairing)
    #expect(result.status.status == .active)
    #expect(system.count(Self.restart) == 1)
  }

  @Test func tokenOnlyInEnvironment() throws {
    system.respond(Self.nodesStatus, Self.noNodes)
    system.respond(Self.devicesList, Self.devices())

    _ = try check()

    for call in system.calls {
      #expect(!call.commandLine.contains(Self.token))
      #expect(call.environment?["OPENCLAW_GATEWAY_TOKEN"] == Self.token)
      #expect(call.environment?["OPENCLAW_CONFIG_PATH"] == "/var/lib/openclaw/openclaw.json")
    }
  }
}
