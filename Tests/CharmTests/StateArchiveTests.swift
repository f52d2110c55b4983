import HookTools
import Roles
import Testing

@testable import Charm

/// The restore action's check of `tar --list --verbose` output, and the models list-models reads.
@Suite struct StateArchiveTests {
  static let good = """
    drwxr-x--- 999/995           0 2026-12-04 23:10 openclaw/
    -rw------- 999/995        1001 2026-12-04 23:10 openclaw/openclaw.json
    drwxr-x--- 999/995           0 2026-12-04 23:10 openclaw/tls/
    -rw------- 999/995         241 2026-12-04 23:10 openclaw/tls/gateway key.pem
    lrwxrwxrwx 999/995           0 2026-12-04 23:10 openclaw/tls/current -> ../openclaw.json
    hrw------- 999/995           0 2026-12-04 23:10 openclaw/copy.json link to openclaw/openclaw.json
    """

  static func problem(_ listing: String) -> String? {
    do {
      try StateArchive.check(listing: listing)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func backupListingPasses() {
    #expect(Self.problem(Self.good) == nil)
  }

  @Test(arguments: [
    ("-rw-r--r-- 0/0 3 2026-12-04 23:10 openclaw/../../etc/cron.d/x", "outside the archive's openclaw/ directory"),
    ("-rw-r--r-- 0/0 3 2026-12-04 23:10 /etc/passwd", "outside the archive's openclaw/ directory"),
    ("-rw-r--r-- 0/0 3 2026-12-04 23:10 other/openclaw.json", "outside the archive's openclaw/ directory"),
    ("lrwxrwxrwx 0/0 0 2026-12-04 23:10 openclaw/link -> /etc/passwd", "links to /etc/passwd"),
    ("lrwxrwxrwx 0/0 0 2026-12-04 23:10 openclaw/tls/up -> ../../etc", "links to ../../etc"),
    ("hrw-r--r-- 0/0 0 2026-12-04 23:10 openclaw/h link to etc/passwd", "links to etc/passwd"),
    ("crw-r--r-- 0/0 1,3 2026-12-04 23:10 openclaw/null", "device, pipe or socket"),
    ("prw-r--r-- 0/0 0 2026-12-04 23:10 openclaw/fifo", "device, pipe or socket"),
  ])
  func badMemberIsRejected(line: String, reason: String) throws {
    let problem = try #require(Self.problem(Self.good + "\n" + line))
    #expect(problem.contains(reason), "\(problem)")
  }

  @Test func archiveWithoutConfigIsRejected() throws {
    let listing = "drwxr-x--- 999/995 0 2026-12-04 23:10 openclaw/\n-rw------- 999/995 3 2026-12-04 23:10 openclaw/x"
    let problem = try #require(Self.problem(listing))
    #expect(problem.contains("contains no openclaw/openclaw.json"))
  }

  @Test func backupWithoutStateDirectoryFails() throws {
    let system = FakeSystem()
    system.simulatesHost = true
    let tools = ScriptedTools()
    tools.answers["action-fail"] = ProcessOutput(status: 0)
    let hookTools = HookTools(runner: tools)
    try BackupAction(tools: hookTools, system: system, paths: Fixture.paths, log: Log(tools: hookTools), unitName: "openclaw/1")
      .run()

    let failure = try #require(tools.calls.first { $0[0] == "action-fail" })
    #expect(failure.last?.contains("\(Fixture.paths.stateDirectory) does not exist") == true, "\(failure)")
    #expect(system.commandLines.isEmpty)
    #expect(system.files.isEmpty)
    #expect(system.directories.isEmpty)
  }

  @Test func modelsFromObjectOrString() {
    let object: [String: JSONNode] = [
      "agents": .object([
        "defaults": .object([
          "model": .object([
            "primary": .string("anthropic/claude-opus-4-5"), "fallbacks": .array([.string("openai/gpt-5")]),
          ])
        ])
      ])
    ]
    #expect(
      ListModelsAction.models(object)
        == ListModelsAction.Models(primary: "anthropic/claude-opus-4-5", fallbacks: ["openai/gpt-5"]))
    let plain: [String: JSONNode] = ["agents": .object(["defaults": .object(["model": .string("ollama/llama3")])])]
    #expect(ListModelsAction.models(plain) == ListModelsAction.Models(primary: "ollama/llama3", fallbacks: []))
    #expect(ListModelsAction.models(["agents": .object(["defaults": .object([:])])]) == nil)
  }
}
