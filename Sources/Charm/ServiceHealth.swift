import HookTools

/// The health of the unit's running service, checked in update-status: the gateway through its health check, a
/// node through the gateway's view of it (`NodeConnection`).
///
/// A service that is down or unhealthy is restarted once and polled. When it stays down, the unit reports the
/// service, the reason and the fix. `LocalState.serviceFailures` then keeps later hooks from restarting it again
/// until its inputs change or it runs again, for example after an operator restarted it by hand.
struct ServiceHealth {
  let system: System
  let paths: Paths
  let services: Services
  let log: Log

  /// 30 polls 500 ms apart: a restarted gateway that fails its health check for 15 seconds is reported down.
  static let pollAttempts = 30
  static let pollIntervalMilliseconds = 500

  /// Returns the remembered failure of `service` for its current inputs, if any.
  static func failure(_ service: ServicePlan, _ state: LocalState) -> ServiceFailure? {
    guard let failure = state.serviceFailures?[service.name], failure.inputDigest == service.inputDigest else {
      return nil
    }
    return failure
  }

  /// Checks that the gateway runs and passes `openclaw health --json`. Restarts it once when it does not,
  /// unless this hook has just started it or it already stayed down after a restart with the same inputs.
  /// Returns whether it restarted the gateway.
  @discardableResult
  func checkGateway(_ service: ServicePlan, token: String, justStarted: Bool, _ state: inout LocalState) throws -> Bool {
    let remembered = Self.failure(service, state) != nil
    var problem = probeGateway(token: token, attempts: justStarted ? Self.pollAttempts : 1)
    let restarts = problem != nil && !justStarted && !remembered
    if restarts {
      log.warning("\(service.name) is down or unhealthy (\(problem!)); restarting it once")
      problem = try restart(service.name) ?? probeGateway(token: token, attempts: Self.pollAttempts)
    }
    record(problem, service, &state)
    return restarts
  }

  /// Records whether a node service that the gateway does not list as connected is still down after the
  /// restart this hook or `NodeConnection` made. A node that systemd had to restart since then crashed again,
  /// even if it is active at this moment.
  func checkNode(_ service: ServicePlan, connected: Bool, _ state: inout LocalState) throws {
    var problem: String?
    if !connected {
      let properties = try services.show(service.name, Self.properties)
      if properties["ActiveState"] != "active" || (properties["NRestarts"] ?? "0") != "0" {
        problem = Self.reason(properties)
      }
    }
    record(problem, service, &state)
  }

  /// Returns the status of a remembered failure: the service, the reason, and where to look.
  static func status(_ service: String, _ failure: ServiceFailure) -> UnitStatus {
    UnitStatus(
      .blocked,
      "\(service) stays down after a restart: \(failure.message); see journalctl -u \(service), "
        + "fix the cause, then run systemctl restart \(service)")
  }

  // MARK: - Steps

  private func record(_ problem: String?, _ service: ServicePlan, _ state: inout LocalState) {
    var failures = state.serviceFailures ?? [:]
    if let problem {
      if failures[service.name]?.message != problem { log.error("\(service.name) stays down: \(problem)") }
      failures[service.name] = ServiceFailure(inputDigest: service.inputDigest, message: problem)
    } else if failures[service.name] != nil {
      log.info("\(service.name) runs again")
      failures[service.name] = nil
    }
    state.serviceFailures = failures.isEmpty ? nil : failures
  }

  /// Restarts `name`; returns the reason when systemd refuses, else nil.
  private func restart(_ name: String) throws -> String? {
    do {
      try services.restart(name)
      return nil
    } catch SystemError.commandFailed(_, let status, let stderr) {
      let line = stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(status)"
      return "systemctl restart failed: \(line)"
    }
  }

  /// Polls the gateway; returns nil once it is active and healthy, else the last problem seen.
  private func probeGateway(token: String, attempts: Int) -> String? {
    var problem: String?
    for attempt in 0..<attempts {
      if attempt > 0 { system.pause(milliseconds: Self.pollIntervalMilliseconds) }
      problem = gatewayProblem(token: token)
      if problem == nil { return nil }
    }
    return problem
  }

  private func gatewayProblem(token: String) -> String? {
    do {
      guard try services.isActive(CharmIdentity.gatewayService) else {
        return try stoppedReason(CharmIdentity.gatewayService)
      }
      return try OpenClawCLI(system: system, paths: paths).health(token: token)
        ? nil : "the gateway reports itself unhealthy"
    } catch let error as OpenClawCLIError {
      return "the health check failed: \(error.message)"
    } catch {
      return "the health check failed: \(error)"
    }
  }

  static let properties = ["ActiveState", "SubState", "Result", "ExecMainStatus", "NRestarts"]

  /// Says why systemd does not run `name`, from its state, result and exit status.
  private func stoppedReason(_ name: String) throws -> String {
    Self.reason(try services.show(name, Self.properties))
  }

  static func reason(_ properties: [String: String]) -> String {
    let state = [properties["ActiveState"], properties["SubState"]].compactMap { $0 }.joined(separator: "/")
    var reason = "systemd reports it \(state.isEmpty ? "unknown" : state)"
    if let result = properties["Result"], result != "success" { reason += ", result \(result)" }
    if let status = properties["ExecMainStatus"], status != "0" { reason += ", exit status \(status)" }
    if let restarts = properties["NRestarts"], restarts != "0" { reason += ", restarted \(restarts) times by systemd" }
    return reason
  }
}
