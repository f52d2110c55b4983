import Charm
import HookTools
import Testing

/// A `System` that returns canned outputs for command lines and records every call.
///
/// `openclaw` calls arrive as `setpriv --reuid=openclaw --regid=openclaw --init-groups -- /usr/bin/openclaw <args>`
/// and are keyed as `openclaw <args>`. Other programs are keyed as `<program> <args>`. Each key has a queue of
/// outputs: a call takes the first one, and the last one repeats. A call with no canned output, and any file or
/// user operation, records a test issue, so no command of the code under test goes unnoticed.
///
/// With `simulatesHost` on, file, directory and user operations work on an in-memory machine instead, and a
/// command may change it when it succeeds (`onSuccess`), as apt-get and npm do.
final class FakeSystem: System {
  struct Call: Equatable {
    var commandLine: String
    var environment: [String: String]?
  }

  static let openclawPrefix = ["--reuid=openclaw", "--regid=openclaw", "--init-groups", "--", "/usr/bin/openclaw"]

  private var outputs: [String: [ProcessOutput]] = [:]
  private var effects: [String: (FakeSystem) -> Void] = [:]
  private(set) var calls: [Call] = []
  private(set) var pauses = 0

  /// Whether file, directory and user operations use the in-memory machine below.
  var simulatesHost = false
  /// The machine's files by path.
  var files: [String: ManagedFile] = [:]
  /// The machine's directories by path, with their mode and owner.
  var directories: [String: ManagedFile] = [:]
  var users: Set<String> = []
  /// Every path written or removed, in order, as `write <path>` or `remove <path>`.
  private(set) var fileOperations: [String] = []

  /// Runs `effect` after each successful (exit 0) call of `commandLine`.
  func onSuccess(_ commandLine: String, _ effect: @escaping (FakeSystem) -> Void) {
    effects[commandLine] = effect
  }

  /// Adds a text file to the machine.
  func addFile(_ path: String, _ content: String, mode: UInt32 = 0o644, owner: String = "root") {
    files[path] = ManagedFile(path: path, content: content, mode: mode, owner: owner)
  }

  /// Queues `answers` for `commandLine`, for example `openclaw nodes status --json`.
  func respond(_ commandLine: String, _ answers: ProcessOutput...) {
    outputs[commandLine, default: []] += answers
  }

  /// Replaces the queued outputs of `commandLine` with `answers`.
  func replaceResponses(_ commandLine: String, _ answers: ProcessOutput...) {
    outputs[commandLine] = answers
  }

  /// The recorded command lines in call order.
  var commandLines: [String] { calls.map(\.commandLine) }

  func count(_ commandLine: String) -> Int {
    commandLines.filter { $0 == commandLine }.count
  }

  func run(_ program: String, _ arguments: [String], environment: [String: String]?, timeoutSeconds: Int) throws
    -> ProcessOutput
  {
    let commandLine: String
    if program == "setpriv" {
      guard arguments.starts(with: Self.openclawPrefix) else {
        Issue.record("setpriv does not run /usr/bin/openclaw as openclaw: \(arguments)")
        return ProcessOutput(status: 1)
      }
      commandLine = (["openclaw"] + arguments.dropFirst(Self.openclawPrefix.count)).joined(separator: " ")
    } else {
      commandLine = ([program] + arguments).joined(separator: " ")
    }
    calls.append(Call(commandLine: commandLine, environment: environment))

    guard var queue = outputs[commandLine], let answer = queue.first else {
      Issue.record("unexpected command: \(commandLine)")
      return ProcessOutput(status: 127, stderr: Array("unexpected command".utf8))
    }
    if queue.count > 1 {
      queue.removeFirst()
      outputs[commandLine] = queue
    }
    if answer.status == 0, let effect = effects[commandLine] { effect(self) }
    return answer
  }

  func pause(milliseconds: Int) { pauses += 1 }

  func readFile(_ path: String) -> [UInt8]? {
    guard simulatesHost else {
      Issue.record("unexpected read of \(path)")
      return nil
    }
    return files[path].map { Array($0.content.utf8) }
  }

  func fileExists(_ path: String) -> Bool {
    guard simulatesHost else {
      Issue.record("unexpected existence check of \(path)")
      return false
    }
    return files[path] != nil || directories[path] != nil
  }

  func writeFile(_ file: ManagedFile) throws -> Bool {
    guard simulatesHost else {
      Issue.record("unexpected write of \(file.path)")
      return false
    }
    if files[file.path] == file { return false }
    files[file.path] = file
    fileOperations.append("write \(file.path)")
    return true
  }

  func removeFile(_ path: String) throws -> Bool {
    guard simulatesHost else {
      Issue.record("unexpected removal of \(path)")
      return false
    }
    guard files.removeValue(forKey: path) != nil else { return false }
    fileOperations.append("remove \(path)")
    return true
  }

  func ensureDirectory(_ path: String, mode: UInt32, owner: String) throws {
    guard simulatesHost else {
      Issue.record("unexpected directory \(path)")
      return
    }
    directories[path] = ManagedFile(path: path, content: "", mode: mode, owner: owner)
  }

  func userExists(_ name: String) -> Bool {
    guard simulatesHost else {
      Issue.record("unexpected user lookup of \(name)")
      return false
    }
    return users.contains(name)
  }

  func randomBytes(_ count: Int) throws -> [UInt8] {
    if simulatesHost { return Array(repeating: 7, count: count) }
    Issue.record("unexpected request for \(count) random bytes")
    return Array(repeating: 0, count: count)
  }
}

extension ProcessOutput {
  /// Returns a successful run that printed `json` on standard output.
  static func json(_ json: String) -> ProcessOutput {
    ProcessOutput(status: 0, stdout: Array(json.utf8))
  }

  /// Returns a failed `--json` run: exit status 1 and OpenClaw's `cli_error` document with `message`.
  static func cliError(_ message: String) -> ProcessOutput {
    ProcessOutput(
      status: 1, stdout: Array(#"{"ok": false, "error": {"type": "cli_error", "message": "\#(message)"}}"#.utf8))
  }

  static let succeeded = ProcessOutput(status: 0)
}

/// A hook-tool runner that accepts `juju-log` and records the messages. Any other tool records a test issue.
final class LogRecorder: HookToolRunner {
  private(set) var messages: [String] = []

  func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> ProcessOutput {
    guard tool == "juju-log" else {
      Issue.record("unexpected hook tool \(tool)")
      return ProcessOutput(status: 1)
    }
    messages.append(arguments.last ?? "")
    return ProcessOutput(status: 0)
  }
}
