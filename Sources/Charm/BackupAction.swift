#if canImport(Glibc)
import Glibc
#endif
import HookTools

/// The `backup` action: a timestamped `tar.gz` of the OpenClaw state directory, root-only, in
/// `/var/lib/openclaw-charm/backups`. The unit's service stops only while tar copies the directory.
struct BackupAction {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log
  let unitName: String

  func run() throws {
    guard system.fileExists(paths.stateDirectory) else {
      return try tools.actionFail(
        "The state directory \(paths.stateDirectory) does not exist, so there is nothing to back up. If the state "
          + "storage was detached, attach it again; otherwise let the next hook create the directory. Nothing was "
          + "written.")
    }

    let directory = paths.charmStateDirectory + "/backups"
    try system.ensureDirectory(directory, mode: 0o700, owner: "root")
    let name = "\(String(unitName.map { $0 == "/" ? "-" : $0 }))-state-\(Self.timestamp()).tar.gz"
    let path = directory + "/" + name
    // tar truncates the existing file, which keeps the mode, so the archive is never readable by others.
    _ = try system.writeFile(ManagedFile(path: path, content: "", mode: 0o600, owner: "root"))

    let workload = WorkloadServices(services: Services(system: system), log: log)
    let stopped = try workload.stop()
    let output: ProcessOutput
    do {
      output = try StateArchive(system: system, paths: paths).create(at: path)
    } catch {
      try workload.start(stopped)
      _ = try? system.removeFile(path)
      throw error
    }
    try workload.start(stopped)
    guard output.status == 0 else {
      _ = try? system.removeFile(path)
      // tar ends with "Exiting with failure status due to previous errors", so the line before it names the cause.
      let lines = output.stderrText.split(separator: "\n").filter { !$0.contains("Exiting with failure status") }
      let reason = lines.last.map(String.init) ?? "exit status \(output.status)"
      return try tools.actionFail("tar could not archive \(paths.stateDirectory): \(reason); check the disk space in \(directory).")
    }

    let bytes = system.readFile(path) ?? []
    try tools.actionSet(["path": path, "size": String(bytes.count), "sha256": SHA256.hex(bytes)])
    log.info("Backed up \(paths.stateDirectory) to \(path)")
  }

  /// Returns the current UTC time as `20261204T231500Z`, which sorts in time order.
  static func timestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var buffer = [Int8](repeating: 0, count: 32)
    let count = strftime(&buffer, buffer.count, "%Y%m%dT%H%M%SZ", &parts)
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// Stops the unit's running OpenClaw service for a copy and starts it again.
struct WorkloadServices {
  let services: Services
  let log: Log

  /// Stops whichever OpenClaw service runs; returns the stopped ones.
  func stop() throws -> [String] {
    var stopped: [String] = []
    for name in [CharmIdentity.gatewayService, CharmIdentity.nodeService] where try services.isActive(name) {
      try services.stop(name)
      stopped.append(name)
      log.info("Stopped \(name) for the copy of its state")
    }
    return stopped
  }

  func start(_ names: [String]) throws {
    for name in names {
      try services.start(name)
      log.info("Started \(name) again")
    }
  }
}
