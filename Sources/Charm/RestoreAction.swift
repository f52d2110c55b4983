import HookTools

/// The `restore` action: replaces the OpenClaw state directory with the contents of a `backup` archive.
///
/// The archive is validated before anything changes. Then the service stops, the current state moves aside to
/// `/var/lib/openclaw-charm/previous-state`, the archive is extracted and given to the service user, and the
/// reconcile pass rewrites the charm's own files and starts the service. A failed step puts the old state back.
struct RestoreAction {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log
  let reconcile: () throws -> Void

  func run() throws {
    let path = try tools.actionGet()["path"]?.description ?? ""
    guard path.hasPrefix("/"), !path.contains("\n") else {
      return try tools.actionFail(
        "Parameter 'path' is '\(path)'; pass the absolute path of an archive on the unit, as the backup action returns it.")
    }
    let archive = StateArchive(system: system, paths: paths)
    do {
      try archive.validate(path)
    } catch let problem as ArchiveProblem {
      return try tools.actionFail("Parameter 'path': \(problem); nothing was changed.")
    }

    let staging = paths.charmStateDirectory + "/restore"
    let previous = paths.charmStateDirectory + "/previous-state"
    try remove(staging)
    try system.ensureDirectory(staging, mode: 0o700, owner: "root")
    let extracted = try archive.extract(path, into: staging)
    guard extracted.status == 0 else {
      try remove(staging)
      return try tools.actionFail("tar could not extract \(path): \(Self.lastLine(extracted)); nothing was changed.")
    }

    let workload = WorkloadServices(services: Services(system: system), log: log)
    let stopped = try workload.stop()
    try remove(previous)
    try move(paths.stateDirectory, to: previous)
    do {
      try move(staging + "/" + StateArchive.root, to: paths.stateDirectory)
      try command("chown", ["-R", "--no-dereference", "\(CharmIdentity.user):\(CharmIdentity.user)", paths.stateDirectory])
      try command("chmod", ["0750", paths.stateDirectory])
      try command("chmod", ["0600", paths.configFile])
    } catch {
      log.error("Restore from \(path) failed, putting the previous state back: \(error)")
      try remove(paths.stateDirectory)
      try move(previous, to: paths.stateDirectory)
      try workload.start(stopped)
      try remove(staging)
      return try tools.actionFail("Restoring \(path) failed: \(error); the previous state is back in place.")
    }
    try remove(staging)

    // The charm's own files (openclaw.json from the options) are rewritten, and the stopped service starts.
    try reconcile()
    try tools.actionSet(["restored": path, "previous-state": previous])
    log.info("Restored \(paths.stateDirectory) from \(path); the previous state is in \(previous)")
  }

  private func move(_ source: String, to destination: String) throws {
    try command("mv", ["--no-target-directory", source, destination])
  }

  private func remove(_ path: String) throws {
    try command("rm", ["-rf", "--one-file-system", "--", path])
  }

  private func command(_ program: String, _ arguments: [String]) throws {
    let output = try system.run(program, arguments, environment: nil, timeoutSeconds: 600)
    guard output.status == 0 else {
      throw SystemError.commandFailed(
        command: ([program] + arguments).joined(separator: " "), status: output.status, stderr: output.stderrText)
    }
  }

  static func lastLine(_ output: ProcessOutput) -> String {
    output.stderrText.split(separator: "\n").last.map(String.init) ?? "exit status \(output.status)"
  }
}
