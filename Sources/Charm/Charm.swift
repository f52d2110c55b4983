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
    try HostSetup(system: system, paths: paths, log: log).run()
    var inputs = try InputReader(tools: tools, system: system, environment: environment, paths: paths).read(event)
    if let token {
      inputs.token = token
      inputs.tokenIsNew = false
    }
    let plan = Planner.plan(inputs, paths: paths)
    let status = try Converger(tools: tools, system: system, paths: paths, log: log).converge(plan, inputs)
    try reportVersion(event)
    try tools.statusSet(status.status, status.message)
  }

  /// Reports the installed OpenClaw version after install and upgrades, the hooks where it can change.
  private func reportVersion(_ event: Event) throws {
    guard ["install", "upgrade-charm", "start"].contains(event.hookName ?? "") else { return }
    if let version = OpenClawCLI(system: system, paths: paths).version() {
      try tools.applicationVersionSet(version)
    }
  }
}
