/// Juju's workload status values that a charm may set.
public enum WorkloadStatus: String, Sendable, Equatable {
  case maintenance, blocked, waiting, active
}

/// Juju's log levels, as `juju-log --log-level` takes them.
public enum LogLevel: String, Sendable {
  case debug = "DEBUG", info = "INFO", warning = "WARNING", error = "ERROR"
}

extension HookTools {
  /// Returns whether this unit holds leadership now (`is-leader`).
  ///
  /// A `true` answer is guaranteed to stay true for 30 seconds; once `false` in a hook it stays false.
  public func isLeader() throws -> Bool {
    try decode(Bool.self, "is-leader", [])
  }

  /// Returns every option that is set or has a default (`config-get`).
  public func configGet() throws -> [String: JSONValue] {
    try decode([String: JSONValue].self, "config-get", [])
  }

  /// Sets this unit's workload status and message (`status-set`); takes effect at once, even if the hook fails.
  public func statusSet(_ status: WorkloadStatus, _ message: String) throws {
    // `--` keeps a message that starts with a dash from being read as a flag.
    try run("status-set", [status.rawValue, "--", message])
  }

  /// Reports the workload version shown by `juju status` (`application-version-set`).
  public func applicationVersionSet(_ version: String) throws {
    try run("application-version-set", ["--", version])
  }

  /// Writes one line to the unit's Juju log (`juju-log`). Callers must never pass a secret.
  public func jujuLog(_ level: LogLevel, _ message: String) throws {
    try run("juju-log", ["--log-level", level.rawValue, "--", message])
  }

  /// Returns the unit's ingress addresses for `binding` (`network-get`), the addresses peers should dial.
  public func networkGet(_ binding: String) throws -> [String] {
    struct NetworkInfo: Decodable {
      var ingressAddresses: [String]?
      enum CodingKeys: String, CodingKey { case ingressAddresses = "ingress-addresses" }
    }
    return try decode(NetworkInfo.self, "network-get", [binding]).ingressAddresses ?? []
  }

  /// Opens `port` (`open-port`, for example `18789/tcp`); committed when the hook succeeds.
  public func openPort(_ port: String) throws {
    try run("open-port", [port])
  }

  /// Closes `port` (`close-port`); committed when the hook succeeds.
  public func closePort(_ port: String) throws {
    try run("close-port", [port])
  }

  /// Returns the ports this unit has open (`opened-ports`), such as `18789/tcp`.
  public func openedPorts() throws -> [String] {
    try decode([String]?.self, "opened-ports", []) ?? []
  }
}
