import Foundation
import Testing

/// Output of one juju-sim command.
struct CommandResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

/// A throwaway model for one test: a temporary directory holding a fake charm and the model directory, and a
/// private address registry, so tests never see other models' addresses. `destroy()` must run at the end.
final class SimHarness {
  let directory: String
  let charmDir: String
  let modelDir: String
  let runDir: String

  /// The juju-sim binary: `$JUJU_SIM_BIN`, else the one built next to this test bundle.
  static var binary: String {
    if let configured = ProcessInfo.processInfo.environment["JUJU_SIM_BIN"] { return configured }
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
    var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
    // The test bundle may sit inside `<name>.xctest/`; the products are one level up then.
    while !FileManager.default.fileExists(atPath: directory.path + "/juju-sim"), directory.path != "/" {
      directory.deleteLastPathComponent()
    }
    return directory.path + "/juju-sim"
  }

  /// The source tree's `stand-ins/` directory.
  static let standInsSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path + "/stand-ins"

  /// With `standIns`, units get the stand-ins of the source tree (apt-get, curl, gpg, useradd, systemctl).
  init(
    dispatch: String = FakeCharm.defaultDispatch, runDir: String? = nil, metadata: String = FakeCharm.metadata,
    standIns: Bool = false
  ) throws {
    directory = FileManager.default.temporaryDirectory.path + "/juju-sim-test-" + UUID().uuidString.prefix(8)
    charmDir = directory + "/charm"
    modelDir = directory + "/model"
    self.runDir = runDir ?? directory + "/run"
    self.standIns = standIns ? SimHarness.standInsSource : directory + "/no-stand-ins"
    try FakeCharm.write(to: charmDir, dispatch: dispatch, metadata: metadata)
  }

  private let standIns: String

  /// Runs juju-sim with `arguments` against this model and waits for it.
  @discardableResult
  func sim(_ arguments: String...) throws -> CommandResult {
    try simArguments(arguments)
  }

  func simArguments(_ arguments: [String], input: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: SimHarness.binary)
    process.arguments = ["--model", modelDir] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["JUJU_SIM_RUN_DIR"] = runDir
    environment["JUJU_SIM_STAND_INS"] = standIns
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let stdoutPath = directory + "/.stdout-\(UUID().uuidString)"
    let stderrPath = directory + "/.stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: stdoutPath)
      try? FileManager.default.removeItem(atPath: stderrPath)
    }
    process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
    process.standardError = FileHandle(forWritingAtPath: stderrPath)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus,
      stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
  }

  /// Deploys the fake charm and fails the test when the command fails.
  func deploy(units: Int, config: [String] = []) throws {
    let result = try simArguments(["deploy", charmDir, "-n", String(units)] + config.flatMap { ["--config", $0] })
    #expect(result.status == 0, "deploy failed: \(result.stderr)")
  }

  /// Hook lines `<dispatch path> <remote unit> <departing unit>` the unit ran, oldest first.
  func hooks(_ unit: String) throws -> [String] {
    let result = try sim("ssh", unit, "cat /var/log/fake-hooks.log 2>/dev/null")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  /// Clears the hook logs of the given units, so a test checks only what its next command causes.
  func clearHooks(_ units: [String]) throws {
    for unit in units { try sim("ssh", unit, "rm -f /var/log/fake-hooks.log") }
  }

  /// Runs the `probe` action: `cmd` runs in the unit inside an action context; returns its output and status.
  func probe(_ unit: String, _ command: String) throws -> (status: Int32, stdout: String, stderr: String) {
    let run = try simArguments(["run", unit, "probe", "cmd=" + command])
    #expect(run.status == 0, "probe failed to run: \(run.stderr)")
    let out = try sim("ssh", unit, "cat /tmp/probe.out").stdout
    let err = try sim("ssh", unit, "cat /tmp/probe.err").stdout
    let code = try sim("ssh", unit, "cat /tmp/probe.code").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return (Int32(code) ?? -1, out, err)
  }

  func modelState() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: modelDir + "/model.json"))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  func statusJSON() throws -> [String: Any] {
    let result = try sim("status", "--format", "json")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
  }

  /// Destroys the model and removes the temporary directory.
  func destroy() {
    _ = try? sim("destroy")
    try? FileManager.default.removeItem(atPath: directory)
  }
}

/// A small charm written by the tests: `metadata.yaml` with peer endpoint `cluster`, three options, two actions,
/// and a `dispatch` script that logs every hook to `/var/log/fake-hooks.log` in the unit.
enum FakeCharm {
  static let metadata = """
    name: fake
    peers:
      cluster:
        interface: fake-cluster
    """

  static let config = """
    options:
      port:
        type: int
        default: 8080
        description: Port.
      name:
        type: string
        default: ""
      ratio:
        type: float
        default: 0.5
      flag:
        type: boolean
        default: false
      token:
        type: secret
    """

  static let actions = """
    probe:
      description: Run a command in an action context and keep its output in /tmp/probe.*.
      params:
        cmd:
          type: string
      required: [cmd]
      additionalProperties: false
    greet:
      description: Report a greeting.
      params:
        format:
          type: string
          enum: [text, json]
          default: text
        count:
          type: integer
      additionalProperties: false
    """

  /// Logs the hook, then runs the hook-specific part.
  static func dispatch(body: String) -> String {
    """
    #!/bin/sh
    echo "$JUJU_DISPATCH_PATH $JUJU_REMOTE_UNIT $JUJU_DEPARTING_UNIT" >> /var/log/fake-hooks.log
    env > /var/log/fake-env-$(basename "$JUJU_DISPATCH_PATH").log
    case "$JUJU_DISPATCH_PATH" in
      actions/probe)
        cmd=$(action-get cmd)
        sh -c "$cmd" > /tmp/probe.out 2> /tmp/probe.err < /dev/null
        echo $? > /tmp/probe.code
        exit 0
        ;;
      actions/greet)
        action-set greeting="hello $(action-get format)" nested.value=$(action-get count)
        [ "$(action-get format)" = json ] && action-fail "json is not ready"
        exit 0
        ;;
    esac
    \(body)
    exit 0
    """
  }

  static let defaultDispatch = dispatch(body: """
    case "$JUJU_DISPATCH_PATH" in
      hooks/leader-elected) relation-set -r "$(relation-ids cluster)" --app leader="$JUJU_UNIT_NAME" ;;
      hooks/start) open-port 8080; status-set active ready ;;
    esac
    """)

  static func write(to directory: String, dispatch: String, metadata: String = metadata) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try metadata.write(toFile: directory + "/metadata.yaml", atomically: true, encoding: .utf8)
    try config.write(toFile: directory + "/config.yaml", atomically: true, encoding: .utf8)
    try actions.write(toFile: directory + "/actions.yaml", atomically: true, encoding: .utf8)
    try dispatch.write(toFile: directory + "/dispatch", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/dispatch")
  }
}
