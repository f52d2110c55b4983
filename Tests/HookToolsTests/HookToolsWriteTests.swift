#if canImport(Glibc)
import Glibc
#endif
import HookTools
import Testing

/// Writes send their data on standard input or through a private file, with the exact arguments Juju takes.
@Suite struct HookToolsWriteTests {
  let runner = FakeRunner()
  var tools: HookTools { HookTools(runner: runner) }

  @Test func relationSetAppSendsJSONOnStdin() throws {
    runner.answer(["relation-set", "-r", "openclaw-cluster:0", "--app", "--file", "-"])
    try tools.relationSet("openclaw-cluster:0", app: true, ["gateway-host": "127.0.0.2", "gateway-port": "18789"])
    #expect(runner.calls.first?.input == #"{"gateway-host":"127.0.0.2","gateway-port":"18789"}"#)
  }

  @Test func relationSetUnitBag() throws {
    runner.answer(["relation-set", "-r", "openclaw-cluster:0", "--file", "-"])
    try tools.relationSet("openclaw-cluster:0", ["stale": ""])
    #expect(runner.calls.first?.input == #"{"stale":""}"#)
  }

  @Test func statusSetPutsMessageAfterDashes() throws {
    runner.answer(["status-set", "active", "--", "Gateway: http://127.0.0.2:18789"])
    try tools.statusSet(.active, "Gateway: http://127.0.0.2:18789")
    #expect(runner.calls.count == 1)
  }

  @Test func portsOpenAndClose() throws {
    runner.answer(["open-port", "18790/tcp"])
    runner.answer(["close-port", "18789/tcp"])
    try tools.openPort("18790/tcp")
    try tools.closePort("18789/tcp")
    #expect(runner.calls.map(\.argv.first) == ["open-port", "close-port"])
  }

  @Test func secretAddUsesPrivateFile() throws {
    runner.answer(
      ["secret-add", "--owner", "application", "--label", "gateway-token", "--description", "token", "--file", "*"],
      stdout: "secret:d4ctnf5e0000000000aa\n")
    var seen: (content: String, mode: UInt32)?
    runner.onCall = { argv in
      guard let path = argv.last else { return }
      var info = stat()
      stat(path, &info)
      let content = (try? String(contentsOfPath: path)) ?? ""
      seen = (content, UInt32(info.st_mode) & 0o777)
    }
    let uri = try tools.secretAdd(["token": "s3cret"], label: "gateway-token", description: "token")
    #expect(uri == "secret:d4ctnf5e0000000000aa")
    #expect(seen?.content == #"{"token":"s3cret"}"#)
    #expect(seen?.mode == 0o600)
    #expect(!runner.calls[0].argv.contains { $0.contains("s3cret") })
    #expect(access(runner.calls[0].argv.last!, F_OK) != 0, "the temporary file must be removed")
  }

  @Test func secretGrantToRelation() throws {
    runner.answer(["secret-grant", "secret:abc", "--relation", "openclaw-cluster:0"])
    try tools.secretGrant("secret:abc", relationId: "openclaw-cluster:0")
    #expect(runner.calls.count == 1)
  }

  @Test func actionSetSortsKeys() throws {
    runner.answer(["action-set", "dashboard-url=http://h:1/#token=t", "token=t"])
    try tools.actionSet(["token": "t", "dashboard-url": "http://h:1/#token=t"])
    #expect(runner.calls.count == 1)
  }

  @Test func jujuLogLevelAndMessage() throws {
    runner.answer(["juju-log", "--log-level", "WARNING", "--", "-starts with a dash"])
    try tools.jujuLog(.warning, "-starts with a dash")
    #expect(runner.calls.count == 1)
  }
}

extension String {
  init(contentsOfPath path: String) throws {
    guard let file = fopen(path, "r") else { throw HookToolError.unavailable(tool: "test", detail: path) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count == 0 { break }
      bytes += buffer[0..<count]
    }
    self = String(decoding: bytes, as: UTF8.self)
  }
}
