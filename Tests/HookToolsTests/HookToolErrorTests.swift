import HookTools
import Testing

/// Juju's error phrases map to typed errors, one case per phrase.
@Suite struct HookToolErrorTests {
  let runner = FakeRunner()
  var tools: HookTools { HookTools(runner: runner) }

  @Test func relationNotFound() throws {
    runner.answer(
      ["relation-get", "--format=json", "-r", "openclaw-cluster:9", "--app", "-", "openclaw"], status: 2,
      stderr: "ERROR invalid value \"openclaw-cluster:9\" for option -r: relation not found\n")
    #expect(throws: HookToolError.relationNotFound(id: "openclaw-cluster:9")) {
      try tools.relationGet("openclaw-cluster:9", app: "openclaw")
    }
  }

  @Test func relationSetAppByNonLeader() throws {
    runner.answer(
      ["relation-set", "-r", "openclaw-cluster:0", "--app", "--file", "-"], status: 1,
      stderr: "ERROR cannot write relation settings\n")
    #expect(throws: HookToolError.notLeader(tool: "relation-set")) {
      try tools.relationSet("openclaw-cluster:0", app: true, ["a": "b"])
    }
  }

  @Test func secretNotFound() throws {
    runner.answer(["secret-get", "--format=json", "secret:gone"], status: 1, stderr: "ERROR secret \"gone\" not found\n")
    #expect(throws: HookToolError.secretNotFound(id: "secret:gone")) { try tools.secretGet("secret:gone") }
  }

  @Test func otherFailureKeepsMessage() throws {
    runner.answer(["open-port", "0/tcp"], status: 1, stderr: "ERROR injected fault: open-port\n")
    #expect(throws: HookToolError.failed(tool: "open-port", status: 1, stderr: "injected fault: open-port")) {
      try tools.openPort("0/tcp")
    }
  }
}
