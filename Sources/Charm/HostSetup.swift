import HookTools

/// The service user and the charm's directories, which every other step needs.
struct HostSetup {
  let system: System
  let paths: Paths
  let log: Log

  /// Creates the service user and the charm's directories; a no-op once they exist.
  func run() throws {
    if !system.userExists(CharmIdentity.user) {
      let output = try system.run(
        "useradd",
        ["--system", "--user-group", "--home-dir", paths.stateDirectory, "--no-create-home", "--shell", "/usr/sbin/nologin",
         CharmIdentity.user],
        environment: nil, timeoutSeconds: 60)
      guard output.status == 0 else {
        throw SystemError.commandFailed(command: "useradd \(CharmIdentity.user)", status: output.status, stderr: output.stderrText)
      }
      log.info("Created system user \(CharmIdentity.user)")
    }
    try system.ensureDirectory(paths.stateDirectory, mode: 0o750, owner: CharmIdentity.user)
    try system.ensureDirectory(paths.secretsDirectory, mode: 0o700, owner: "root")
    try system.ensureDirectory(paths.charmStateDirectory, mode: 0o700, owner: "root")
  }
}
