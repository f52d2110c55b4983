import HookTools

/// The charm's directories, which every step after the service user needs.
struct HostSetup {
  let system: System
  let paths: Paths
  let log: Log

  /// Creates the charm's directories and sets their owner and mode.
  ///
  /// Setting them in every hook also gives a freshly mounted `state` storage volume, which the mount leaves owned
  /// by root, to the service user.
  /// - Parameter ownStateVolume: whether the `state` storage has just been mounted, so every file on it is given to
  ///   the service user: a volume used by another unit before carries that machine's user ids.
  func run(ownStateVolume: Bool = false) throws {
    try system.ensureDirectory(paths.stateDirectory, mode: 0o750, owner: CharmIdentity.user)
    if ownStateVolume {
      // GNU chown -R neither follows symbolic links nor changes their targets, so a link on the volume cannot
      // give a file elsewhere on the machine to the service user.
      let owner = CharmIdentity.user + ":" + CharmIdentity.user
      let output = try system.run("chown", ["-R", owner, paths.stateDirectory], environment: nil, timeoutSeconds: 300)
      guard output.status == 0 else {
        throw SystemError.commandFailed(
          command: "chown -R \(owner) \(paths.stateDirectory)", status: output.status, stderr: output.stderrText)
      }
      log.info("Gave the files of the state storage at \(paths.stateDirectory) to \(CharmIdentity.user)")
    }
    try system.ensureDirectory(paths.secretsDirectory, mode: 0o700, owner: "root")
    try system.ensureDirectory(paths.charmStateDirectory, mode: 0o700, owner: "root")
  }
}
