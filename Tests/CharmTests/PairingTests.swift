import HookTools
import Testing

@testable import Charm

/// The leader's pairing pass against canned `openclaw devices` and `openclaw nodes` output: only a request whose
/// display name is a peer unit and whose remote address is that unit's address gets approved.
@Suite struct PairingTests {
  static let peers = ["openclaw/1": "10.0.0.6", "openclaw/2": "10.0.0.7"]
  static let token = "t0ken"

  let system = FakeSystem()
  let recorder = LogRecorder()

  func approve(peers: [String: String] = PairingTests.peers) throws -> [String] {
    let pairing = Pairing(cli: OpenClawCLI(system: system, paths: Fixture.paths), log: Log(tools: HookTools(runner: recorder)))
    return try pairing.approve(peers: peers, token: Self.token)
  }

  static func pendingDevice(_ id: String, _ name: String, _ address: String, role: String = "node") -> String {
    #"{"requestId": "\#(id)", "deviceId": "device-\#(id)", "displayName": "\#(name)", "role": "\#(role)", "remoteIp": "\#(address)", "isRepair": false, "ts": 1}"#
  }

  static func pairedDevice(_ name: String, _ address: String) -> String {
    #"{"deviceId": "device-\#(name)", "displayName": "\#(name)", "roles": ["node"], "remoteIp": "\#(address)"}"#
  }

  static func devices(pending: [String] = [], paired: [String] = []) -> ProcessOutput {
    .json(#"{"pending": [\#(pending.joined(separator: ", "))], "paired": [\#(paired.joined(separator: ", "))]}"#)
  }

  static func nodesPending(_ requests: [String] = []) -> ProcessOutput {
    .json(#"{"pending": [\#(requests.joined(separator: ", "))]}"#)
  }

  static func pendingCommands(_ id: String, _ name: String, _ address: String) -> String {
    #"{"requestId": "\#(id)", "nodeId": "node-\#(id)", "displayName": "\#(name)", "remoteIp": "\#(address)", "isRepair": false, "ts": 1}"#
  }

  @Test func approvesPeerDevice() throws {
    system.respond("openclaw devices list --json", Self.devices(pending: [Self.pendingDevice("r1", "openclaw/1", "10.0.0.6")]))
    system.respond("openclaw devices approve r1", .succeeded)
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    let paired = try approve()

    #expect(paired == ["openclaw/1"])
    #expect(system.count("openclaw devices approve r1") == 1)
  }

  @Test func deviceApprovalCountsAsApproval() throws {
    system.respond(
      "openclaw devices list --json",
      Self.devices(pending: [Self.pendingDevice("r1", "openclaw/1", "10.0.0.6")], paired: [Self.pairedDevice("openclaw/2", "10.0.0.7")]))
    system.respond("openclaw devices approve r1", .succeeded)
    system.respond("openclaw nodes pending --json", Self.nodesPending())
    let pairing = Pairing(cli: OpenClawCLI(system: system, paths: Fixture.paths), log: Log(tools: HookTools(runner: recorder)))

    let outcome = try pairing.approveRequests(peers: Self.peers, token: Self.token)

    #expect(outcome.devicesApproved == ["openclaw/1"])
    #expect(outcome.paired == ["openclaw/1", "openclaw/2"])
    #expect(outcome.commandsApproved.isEmpty)
    #expect(outcome.approvedAny)
  }

  @Test func leavesNonPeerPending() throws {
    system.respond("openclaw devices list --json", Self.devices(pending: [Self.pendingDevice("r9", "openclaw/9", "10.0.0.6")]))
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    let paired = try approve()

    #expect(paired.isEmpty)
    #expect(!system.commandLines.contains { $0.hasPrefix("openclaw devices approve") })
    #expect(recorder.messages.first { $0.contains("r9") }?.contains("not a peer unit") == true)
  }

  @Test func leavesWrongAddressPending() throws {
    // openclaw/2's name, but sent from openclaw/1's address.
    system.respond("openclaw devices list --json", Self.devices(pending: [Self.pendingDevice("r2", "openclaw/2", "10.0.0.6")]))
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    let paired = try approve()

    #expect(paired.isEmpty)
    #expect(!system.commandLines.contains { $0.hasPrefix("openclaw devices approve") })
  }

  @Test func mixedRequestsApproveOnlyPeers() throws {
    let pending = [
      Self.pendingDevice("good", "openclaw/2", "10.0.0.7"),
      Self.pendingDevice("stranger", "laptop", "10.0.0.99"),
      Self.pendingDevice("impostor", "openclaw/1", "10.0.0.7"),
      Self.pendingDevice("former", "openclaw/3", "10.0.0.8"),
      Self.pendingDevice("operator", "openclaw/2", "10.0.0.7", role: "operator"),
    ]
    system.respond(
      "openclaw devices list --json", Self.devices(pending: pending, paired: [Self.pairedDevice("openclaw/1", "10.0.0.6")]))
    system.respond("openclaw devices approve good", .succeeded)
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    let paired = try approve()

    #expect(paired == ["openclaw/1", "openclaw/2"])
    let approvals = system.commandLines.filter { $0.hasPrefix("openclaw devices approve") }
    #expect(approvals == ["openclaw devices approve good"])
  }

  @Test func pairedDeviceAtWrongAddressNotReported() throws {
    system.respond(
      "openclaw devices list --json", Self.devices(paired: [Self.pairedDevice("openclaw/1", "10.0.0.7")]))
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    #expect(try approve().isEmpty)
  }

  @Test func approvesPeerCommandsOnly() throws {
    let requests = [
      Self.pendingCommands("c1", "openclaw/1", "10.0.0.6"),
      Self.pendingCommands("c2", "openclaw/2", "10.0.0.6"),
      Self.pendingCommands("c9", "openclaw/9", "10.0.0.7"),
    ]
    system.respond("openclaw devices list --json", Self.devices())
    system.respond("openclaw nodes pending --json", Self.nodesPending(requests))
    system.respond("openclaw nodes approve c1", .succeeded)

    _ = try approve()

    let approvals = system.commandLines.filter { $0.hasPrefix("openclaw nodes approve") }
    #expect(approvals == ["openclaw nodes approve c1"])
    #expect(recorder.messages.first { $0.contains("c2") }?.contains("not a peer unit") == true)
    #expect(recorder.messages.first { $0.contains("c9") }?.contains("not a peer unit") == true)
  }

  @Test func noPeersApprovesNothing() throws {
    system.respond("openclaw devices list --json", Self.devices(pending: [Self.pendingDevice("r1", "openclaw/1", "10.0.0.6")]))
    system.respond("openclaw nodes pending --json", Self.nodesPending([Self.pendingCommands("c1", "openclaw/1", "10.0.0.6")]))

    #expect(try approve(peers: [:]).isEmpty)
    #expect(!system.commandLines.contains { $0.contains("approve") })
  }

  @Test func tokenOnlyInEnvironment() throws {
    system.respond("openclaw devices list --json", Self.devices(pending: [Self.pendingDevice("r1", "openclaw/1", "10.0.0.6")]))
    system.respond("openclaw devices approve r1", .succeeded)
    system.respond("openclaw nodes pending --json", Self.nodesPending())

    _ = try approve()

    #expect(system.calls.count == 3)
    for call in system.calls {
      #expect(!call.commandLine.contains(Self.token), "\(call.commandLine)")
      #expect(call.environment?["OPENCLAW_GATEWAY_TOKEN"] == Self.token, "\(call.commandLine)")
    }
  }

  @Test func failedListThrows() throws {
    system.respond("openclaw devices list --json", .cliError("gateway not reachable at wss://10.0.0.5:18789"))

    #expect(throws: OpenClawCLIError.self) { try approve() }
    #expect(system.commandLines == ["openclaw devices list --json"])
  }
}
