extension HookTools {
  /// Returns the running action's parameters, defaults included (`action-get`).
  public func actionGet() throws -> [String: JSONValue] {
    try decode([String: JSONValue]?.self, "action-get", []) ?? [:]
  }

  /// Sets the action's results (`action-set`).
  ///
  /// action-set has no `--file` option, so values are arguments; only actions whose result is itself a
  /// secret may pass one.
  public func actionSet(_ results: [String: String]) throws {
    let arguments = results.keys.sorted().map { "\($0)=\(results[$0]!)" }
    try run("action-set", arguments)
  }

  /// Marks the running action as failed with `message` (`action-fail`); the action still runs to its end.
  public func actionFail(_ message: String) throws {
    try run("action-fail", ["--", message])
  }

  /// Reports progress of the running action (`action-log`).
  public func actionLog(_ message: String) throws {
    try run("action-log", ["--", message])
  }
}
