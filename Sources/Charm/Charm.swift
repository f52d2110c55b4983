import HookTools

/// The charm: handles one hook or action per process, as Juju runs it.
public struct Charm {
  let tools: HookTools
  let system: System
  let environment: [String: String]
  let paths: Paths
  let log: Log

  public init(tools: HookTools, system: System, environment: [String: String], paths: Paths) {
    self.tools = tools
    self.system = system
    self.environment = environment
    self.paths = paths
    self.log = Log(tools: tools)
  }

  /// Handles `event` and returns the process exit status: 0 unless the hook must fail so Juju retries it.
  ///
  /// Bad config and bad relation data end in a blocked status, not a failure. A failing hook tool or host
  /// command fails the hook, so Juju rolls back its relation data and ports and runs it again.
  public func handle(_ event: Event) -> Int32 {
    do {
      switch event {
      case .action(let name):
        try Actions(
          tools: tools, system: system, paths: paths, log: log, unitName: environment["JUJU_UNIT_NAME"] ?? "",
          reconcile: { token in try reconcile(event, token: token) }
        ).run(name)
      case .hook(let name) where !KnownHooks.names.contains(name):
        return 0
      case .hook:
        if event.isTeardown {
          try Teardown(tools: tools, system: system, paths: paths, log: log).run(event)
        } else {
          try reconcile(event)
        }
      }
      return 0
    } catch {
      log.error("\(event) failed: \(error)")
      StandardError.write("ERROR \(error)\n")
      return 1
    }
  }

  /// Reads every input once, plans the desired state, converges, and sets the status.
  /// - Parameter token: a token to use in place of the secret's, for the action that has just rotated it.
  private func reconcile(_ event: Event, token: String? = nil) throws {
    let installer = Installer(tools: tools, system: system, paths: paths, log: log, proxy: Proxy(environment: environment))
    if let blocked = try installer.ensureUser() {
      log.error(blocked.message)
      try tools.statusSet(blocked.status, blocked.message)
      return
    }
    try HostSetup(system: system, paths: paths, log: log).run(ownStateVolume: event.hookName == "state-storage-attached")
    // Storage attaches before install on a new unit: owning the mounted state directory is all there is to do.
    if event.hookName == "state-storage-attached" && installer.installedVersion() == nil { return }

    var inputs = try InputReader(tools: tools, system: system, environment: environment, paths: paths).read(event)
    if let token {
      inputs.token = token
      inputs.tokenIsNew = false
    }
    if event.hookName == "state-storage-attached" {
      // The volume now hides the state a running service used, so each running service restarts on it.
      inputs.state.runningInputDigests = [:]
    }
    let install = try installer.run(&inputs)
    inputs.installedVersion = install.installedVersion
    inputs.openclawInstalled = install.installedVersion != nil
    inputs.installStatus = install.status
    try reportVersion(&inputs)

    let plan = Planner.plan(inputs, paths: paths)
    var status = try Converger(tools: tools, system: system, paths: paths, log: log).converge(plan, inputs)
    // A pending install outranks the workload's own status, unless the workload is blocked too.
    if let pending = install.status, status.status != .blocked, plan.changesWorkload || pending.status == .blocked {
      status = pending
    }
    try tools.statusSet(status.status, status.message)
  }

  /// Reports the installed OpenClaw version to Juju when it differs from the one reported last.
  private func reportVersion(_ inputs: inout Inputs) throws {
    guard let version = inputs.installedVersion, version != inputs.state.reportedVersion else { return }
    try tools.applicationVersionSet(version)
    inputs.state.reportedVersion = version
  }
}
