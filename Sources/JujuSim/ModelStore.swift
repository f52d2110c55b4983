import Foundation
import Glibc

/// Errors about the model directory and its state.
enum ModelError: Error, CustomStringConvertible {
  case notDeployed(String)
  case alreadyDeployed(String)
  case unitNotFound(String)
  case invalidState(path: String, reason: String)
  case lockFailed(String)

  var description: String {
    switch self {
    case .notDeployed(let path):
      return "no application deployed in model \(path); run `juju-sim deploy` first"
    case .alreadyDeployed(let name):
      return "application \"\(name)\" is already deployed; use `juju-sim refresh` or `juju-sim destroy` first"
    case .unitNotFound(let name):
      return "unit \"\(name)\" not found; `juju-sim status` lists the units"
    case .invalidState(let path, let reason):
      return "cannot read model state \(path): \(reason); remove the model with `juju-sim destroy`"
    case .lockFailed(let path):
      return "cannot lock model \(path): \(String(cString: strerror(errno)))"
    }
  }
}

/// The layout of a model directory. Only `agent/` and each unit's `sim/` are bound into units; the rest stays
/// on the host, root-only.
struct ModelPaths: Sendable {
  let root: String

  var stateFile: String { root + "/model.json" }
  var lockFile: String { root + "/lock" }
  var toolCallsFile: String { root + "/hook-tool-calls.jsonl" }
  var secretsDir: String { root + "/secrets" }
  var logsDir: String { root + "/logs" }
  var unitsDir: String { root + "/units" }
  /// Storage instances, one directory each (`state-0`), kept after their unit is removed.
  var storageDir: String { root + "/storage" }
  /// Bound into every unit at `UnitPaths.agentMount`: the binary, the hook-tool socket, charms and resources.
  var agentDir: String { root + "/agent" }
  var agentBinary: String { agentDir + "/bin/juju-sim" }
  var socket: String { agentDir + "/hooks.sock" }
  var standInsDir: String { agentDir + "/stand-ins" }
  func charmDir(revision: Int) -> String { agentDir + "/charms/\(revision)" }
  func resourceDir(name: String) -> String { agentDir + "/resources/" + name }
  func unitDir(tag: String) -> String { unitsDir + "/" + tag }
  /// Bound into the unit at `/var/lib/juju-sim`.
  func unitSimDir(tag: String) -> String { unitDir(tag: tag) + "/sim" }
  func unitRoot(tag: String) -> String { unitDir(tag: tag) + "/root" }
  func unitLog(tag: String) -> String { logsDir + "/" + tag + ".log" }

  /// Resolves the model directory: `--model`, else `$JUJU_SIM_MODEL`, else `.juju-sim` in the current directory.
  static func resolve(option: String?) -> ModelPaths {
    let chosen = option ?? ProcessInfo.processInfo.environment["JUJU_SIM_MODEL"] ?? ".juju-sim"
    let absolute = chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
    return ModelPaths(root: URL(fileURLWithPath: absolute).standardizedFileURL.path)
  }
}

/// Paths inside a unit's filesystem.
enum UnitPaths {
  static let agentMount = "/opt/juju-sim/agent"
  static let simMount = "/var/lib/juju-sim"
  static let standIns = "/opt/juju-sim/stand-ins"
  static func agentDir(_ unit: UnitState) -> String { "/var/lib/juju/agents/unit-" + unit.tag }
  static func charmDir(_ unit: UnitState) -> String { agentDir(unit) + "/charm" }
  static func toolsDir(_ unit: UnitState) -> String { "/var/lib/juju/tools/unit-" + unit.tag }
  static func socketLink(_ unit: UnitState) -> String { agentDir(unit) + "/agent.socket" }
}

/// Loads and saves `model.json` and holds the model lock for the length of one command.
final class ModelStore {
  let paths: ModelPaths
  private var lockFd: Int32 = -1

  init(paths: ModelPaths) {
    self.paths = paths
  }

  deinit {
    if lockFd >= 0 { close(lockFd) }
  }

  var exists: Bool { FileManager.default.fileExists(atPath: paths.stateFile) }

  /// Creates the model directory (0700) and takes the lock that serializes commands on this model.
  func lock(create: Bool) throws {
    if create {
      for directory in [paths.root, paths.secretsDir, paths.logsDir, paths.unitsDir] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o700)
      }
      for directory in [paths.agentDir, paths.agentDir + "/bin", paths.agentDir + "/charms", paths.agentDir + "/resources"] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
      }
    }
    guard FileManager.default.fileExists(atPath: paths.root) else { throw ModelError.notDeployed(paths.root) }
    lockFd = try Spawn.openFile(paths.lockFile, flags: O_RDWR | O_CREAT)
    guard flock(lockFd, LOCK_EX) == 0 else { throw ModelError.lockFailed(paths.lockFile) }
  }

  /// Releases the model lock early, for commands such as `ssh` that may run for long.
  func unlock() {
    if lockFd >= 0 { close(lockFd) }
    lockFd = -1
  }

  func load() throws -> ModelState {
    guard let data = FileManager.default.contents(atPath: paths.stateFile) else {
      throw ModelError.notDeployed(paths.root)
    }
    do {
      return try JSONDecoder().decode(ModelState.self, from: data)
    } catch {
      throw ModelError.invalidState(path: paths.stateFile, reason: "\(error)")
    }
  }

  func save(_ state: ModelState) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try Files.writeAtomically(paths.stateFile, data: try encoder.encode(state), mode: 0o600)
  }
}

/// Small file helpers with explicit modes.
enum Files {
  /// Writes through a temporary file and a rename, so readers never see half a file.
  static func writeAtomically(_ path: String, data: Data, mode: mode_t) throws {
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: mode])
    else { throw SpawnError.openFailed(path: temporary, errno: errno) }
    chmod(temporary, mode)
    guard rename(temporary, path) == 0 else { throw SpawnError.openFailed(path: path, errno: errno) }
  }

  static func write(_ path: String, text: String, mode: mode_t) throws {
    try writeAtomically(path, data: Data(text.utf8), mode: mode)
  }

  /// Appends one line to a file opened with `O_APPEND`, creating it with `mode`.
  static func appendLine(_ path: String, _ line: String, mode: mode_t = 0o600) {
    guard let fd = try? Spawn.openFile(path, flags: O_WRONLY | O_CREAT | O_APPEND, mode: mode) else { return }
    defer { close(fd) }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
  }

  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
