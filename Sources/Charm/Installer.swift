import HookTools

/// The result of the install step, which the plan takes as input.
public struct InstallOutcome: Equatable, Sendable {
  /// The OpenClaw release in npm's global prefix, or nil when none is installed.
  public var installedVersion: String?
  /// A blocked or waiting status to show in place of the plan's, or nil when nothing is pending.
  public var status: UnitStatus?

  public init(installedVersion: String?, status: UnitStatus? = nil) {
    self.installedVersion = installedVersion
    self.status = status
  }
}

/// The install step of every hook: the service user, Node.js and OpenClaw, each only when needed.
///
/// In steady state the step reads OpenClaw's manifest and nothing more: no process and no hook tool. It checks
/// Node.js and the package in install and upgrade-charm, while OpenClaw is missing, after `openclaw-version`
/// changed, and on a node while the gateway runs another version. A failed step ends in a blocked status and the
/// hook succeeds, so the next hook retries.
struct Installer {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log
  let proxy: Proxy

  static let resourceName = "openclaw-package"

  private var command: InstallCommand { InstallCommand(system: system, proxy: proxy) }
  private var openclaw: OpenClawInstaller { OpenClawInstaller(system: system, paths: paths, command: command) }

  /// Returns the installed OpenClaw release, read from its manifest.
  func installedVersion() -> String? { openclaw.installedVersion() }

  /// Creates the `openclaw` system user when it is missing; returns a blocked status when useradd fails.
  func ensureUser() throws -> UnitStatus? {
    guard !system.userExists(CharmIdentity.user) else { return nil }
    try tools.statusSet(.maintenance, "Creating the system user \(CharmIdentity.user)")
    let arguments = [
      "--system", "--user-group", "--home-dir", paths.stateDirectory, "--no-create-home", "--shell",
      "/usr/sbin/nologin", CharmIdentity.user,
    ]
    switch command.run("useradd", arguments, timeoutSeconds: 60) {
    case .failure(let error):
      return UnitStatus(.blocked, "Creating the system user \(CharmIdentity.user) failed: \(error); \(InstallError.retry).")
    case .success(let output) where output.status != 0:
      return UnitStatus(
        .blocked,
        "Creating the system user \(CharmIdentity.user) failed (\(command.summary(output))). Remove the conflicting "
          + "user or group \(CharmIdentity.user) from the machine; \(InstallError.retry).")
    case .success:
      log.info("Created system user \(CharmIdentity.user)")
      return nil
    }
  }

  /// Installs Node.js and OpenClaw as `inputs` require, recording what it installed in `inputs.state`.
  func run(_ inputs: inout Inputs) throws -> InstallOutcome {
    let installed = installedVersion()
    let hook = inputs.event.hookName ?? ""
    guard !hook.isEmpty, hook != "state-storage-attached" || installed != nil else {
      return InstallOutcome(installedVersion: installed)
    }
    let options: InstallOptions
    switch inputs.installOptions {
    case .failure(let error): return InstallOutcome(installedVersion: installed, status: UnitStatus(.blocked, error.message))
    case .success(let value): options = value
    }

    let gatewayVersion = inputs.isLeader ? nil : inputs.appData[AppDataKey.gatewayVersion].flatMap { $0.isEmpty ? nil : $0 }
    // A node passes the gateway's version to npm as openclaw@<version>, and npm reads a path, URL or git spec
    // there as a package to fetch and run as root, so only a plain version is taken from the databag.
    if let gatewayVersion, SemanticVersion(gatewayVersion)?.description != gatewayVersion {
      let message = "The leader published gateway-version '\(ConfigValues.quoted(gatewayVersion.printable))', which "
        + "is not an OpenClaw release; check the leader's juju-log. This unit keeps its installed release."
      log.error(message)
      return InstallOutcome(installedVersion: installed, status: UnitStatus(.blocked, message))
    }
    let needsCheck = ["install", "upgrade-charm"].contains(hook) || installed == nil
      || inputs.state.installFailed == true || inputs.state.requestedVersion != options.openclawVersion
      || (gatewayVersion != nil && gatewayVersion != installed)
    guard needsCheck else { return InstallOutcome(installedVersion: installed) }

    let announce = { (message: String) in try tools.statusSet(.maintenance, message) }
    do {
      try NodeInstaller(system: system, paths: paths, options: options, command: command, log: log, announce: announce)
        .ensure()
    } catch let error as InstallError {
      log.error(error.message)
      inputs.state.installFailed = true
      return InstallOutcome(installedVersion: installed, status: UnitStatus(.blocked, error.message))
    }

    let decision = PackagePolicy.decide(
      options: options, isLeader: inputs.isLeader, installed: installed, gatewayVersion: gatewayVersion,
      resource: try resource(), installedResourceDigest: inputs.state.installedResourceDigest)
    switch decision {
    case .keep:
      inputs.state.requestedVersion = options.openclawVersion
      inputs.state.installFailed = nil
      return InstallOutcome(installedVersion: installed)
    case .wait(let message):
      log.info(message)
      return InstallOutcome(installedVersion: installed, status: UnitStatus(.waiting, message))
    case .install(let source):
      try announce(Self.progress(source))
      do {
        let version = try openclaw.install(source)
        log.info("Installed OpenClaw \(version)" + (installed.map { ", replacing \($0)" } ?? ""))
        inputs.state.requestedVersion = options.openclawVersion
        inputs.state.installFailed = nil
        if case .resource(_, let digest) = source {
          inputs.state.installedResourceDigest = digest
        } else {
          inputs.state.installedResourceDigest = nil
        }
        return InstallOutcome(installedVersion: version)
      } catch let error as InstallError {
        log.error(error.message)
        inputs.state.installFailed = true
        return InstallOutcome(installedVersion: installedVersion(), status: UnitStatus(.blocked, error.message))
      }
    }
  }

  /// Returns the attached `openclaw-package` tarball and its SHA-256, or nil when none is attached or it is empty.
  private func resource() throws -> (path: String, digest: String)? {
    let path: String
    do {
      path = try tools.resourceGet(Self.resourceName)
    } catch let error as HookToolError {
      // Juju fails resource-get when no file was ever uploaded, which selects the registry.
      // NOTE: any other failure of the tool selects the registry too. Without registry access npm then fails,
      // and its blocked message names the resource.
      if case .failed = error { return nil }
      throw error
    }
    guard !path.isEmpty, let bytes = system.readFile(path), !bytes.isEmpty else { return nil }
    return (path, SHA256.hex(bytes))
  }

  /// Returns the maintenance status shown while npm runs.
  static func progress(_ source: PackageSource) -> String {
    switch source {
    case .registry(let spec): return "Installing OpenClaw \(spec)"
    case .resource: return "Installing OpenClaw from the \(resourceName) resource"
    }
  }
}
