import HookTools

/// Installs Node.js 24 from NodeSource's signed apt repository, or a mirror of it, when the installed Node.js does
/// not meet OpenClaw's floor.
///
/// A failed step removes the keyring, the apt source and the pin this attempt wrote, so apt on the machine never
/// keeps a source it cannot verify or reach.
struct NodeInstaller {
  let system: System
  let paths: Paths
  let options: InstallOptions
  let command: InstallCommand
  let log: Log
  /// Shows a maintenance status before a step that runs.
  let announce: (String) throws -> Void

  /// Returns the version of `/usr/bin/node`, or nil when it is missing or prints no version.
  func installedVersion() -> SemanticVersion? {
    guard system.fileExists(paths.node),
      case .success(let output) = command.run(paths.node, ["--version"], timeoutSeconds: 30), output.status == 0
    else { return nil }
    return SemanticVersion(output.stdoutText)
  }

  /// Installs Node.js unless the installed one meets the floor.
  /// - Throws: `InstallError` after cleaning up when a step fails; other errors when the status cannot be set.
  func ensure() throws {
    let before = installedVersion()
    if let before, NodeFloor.isMet(by: before) { return }

    try announce("Installing Node.js 24")
    log.info("Node.js \(before.map { "v\($0)" } ?? "is missing"); installing Node.js 24 from \(Proxy.redact(options.nodesourceMirror))")
    do {
      try addRepository()
      try installPackage()
    } catch let error as InstallError {
      removeRepository()
      throw error
    } catch {
      removeRepository()
      throw InstallError("Node.js install failed: \(command.proxy.redact("\(error)")); \(InstallError.retry).")
    }

    let after = installedVersion()
    guard let after, NodeFloor.isMet(by: after) else {
      let found = after.map { "Node.js v\($0)" } ?? "no Node.js"
      throw InstallError(
        "Node.js install failed: apt-get installed \(found), below OpenClaw's floor \(NodeFloor.range). Set "
          + "nodesource-mirror to a mirror of NodeSource's node_24.x; \(InstallError.retry).")
    }
    log.info("Installed Node.js v\(after)")
  }

  // MARK: - Steps

  /// Downloads and converts the signing key, then writes the apt source and the pin.
  private func addRepository() throws {
    try system.ensureDirectory(paths.aptKeyrings, mode: 0o755, owner: "root")

    // curl reads the proxies from https_proxy and no_proxy in its environment, so a proxy password stays off
    // the command line, which every user of the machine can read.
    let curl = [
      "--fail", "--silent", "--show-error", "--location", "--max-time", "120", "--output",
      paths.nodesourceKeyDownload, options.keyURL,
    ]
    let download = try command.run("curl", curl, proxied: true).get()
    guard download.status == 0 else {
      _ = try? system.removeFile(paths.nodesourceKeyDownload)
      // With --fail, curl exits 22 when the server returns an HTTP error status. Most other codes mean the server
      // was not reached: 5 or 6 (proxy or host not resolved), 7 (connection failed), 28 (timed out).
      let fix = download.status == 22
        ? "Set nodesource-mirror to a NodeSource mirror that serves /gpgkey/nodesource-repo.gpg.key"
        : "Set juju model-config juju-https-proxy=<url> if this network needs a proxy, or nodesource-mirror to a "
          + "reachable mirror"
      throw InstallError(
        "Node.js install failed: downloading \(Proxy.redact(options.keyURL)) failed (\(command.summary(download))). "
          + "\(fix); \(InstallError.retry).")
    }

    let dearmor = try command.run(
      "gpg", ["--batch", "--yes", "--dearmor", "--output", paths.nodesourceKeyring, paths.nodesourceKeyDownload],
      timeoutSeconds: 60
    ).get()
    _ = try? system.removeFile(paths.nodesourceKeyDownload)
    guard dearmor.status == 0 else {
      throw InstallError(
        "Node.js install failed: \(Proxy.redact(options.keyURL)) is not an OpenPGP key (\(command.summary(dearmor))). "
          + "Set nodesource-mirror to a NodeSource mirror; \(InstallError.retry).")
    }

    let source = """
      Types: deb
      URIs: \(options.repositoryURL)
      Suites: nodistro
      Components: main
      Signed-By: \(paths.nodesourceKeyring)

      """
    let preferences = """
      Package: nodejs
      Pin: origin \(options.mirrorHost)
      Pin-Priority: 600

      """
    _ = try system.writeFile(ManagedFile(path: paths.nodesourceSource, content: source, mode: 0o644, owner: "root"))
    _ = try system.writeFile(
      ManagedFile(path: paths.nodesourcePreferences, content: preferences, mode: 0o644, owner: "root"))
  }

  /// Updates the package lists and installs `nodejs`.
  private func installPackage() throws {
    // apt's http and https methods read http_proxy and https_proxy from the environment, which keeps a proxy
    // password off the command line.
    let apt = ["DEBIAN_FRONTEND": "noninteractive"]
    let fix = "Check nodesource-mirror, or set juju model-config juju-http-proxy=<url> juju-https-proxy=<url> if this "
      + "network needs a proxy"

    // Without --error-on=any, apt-get update exits 0 when a source fails, and the install would then pick Ubuntu's
    // older nodejs.
    let update = try command.run("apt-get", ["update", "--error-on=any"], proxied: true, extra: apt).get()
    guard update.status == 0 else {
      throw InstallError(
        "Node.js install failed: apt-get update failed (\(command.summary(update))). \(Self.fix(update, fix)); "
          + "\(InstallError.retry).")
    }

    let install = try command.run(
      "apt-get", ["install", "--yes", "--no-install-recommends", "nodejs"], proxied: true, extra: apt
    ).get()
    guard install.status == 0 else {
      throw InstallError(
        "Node.js install failed: apt-get install nodejs failed (\(command.summary(install))). \(Self.fix(install, fix)); "
          + "\(InstallError.retry).")
    }
  }

  /// Returns `fix`, or the cause when another apt or dpkg process held the lock, which no setting fixes.
  private static func fix(_ output: ProcessOutput, _ fix: String) -> String {
    guard output.stderrText.contains("Could not get lock") else { return fix }
    return "Another apt or dpkg process, such as unattended-upgrades, holds the package lock"
  }

  /// Removes the files `addRepository` writes, skipping any that is already gone.
  private func removeRepository() {
    for path in [paths.nodesourceKeyDownload, paths.nodesourceKeyring, paths.nodesourceSource, paths.nodesourcePreferences] {
      do {
        if try system.removeFile(path) { log.info("Removed \(path) after the failed Node.js install") }
      } catch {
        log.error("Cannot remove \(path) after the failed Node.js install: \(error)")
      }
    }
  }
}
