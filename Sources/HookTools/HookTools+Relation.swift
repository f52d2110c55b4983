extension HookTools {
  /// Returns the ids (`endpoint:n`) of the relations on `endpoint` (`relation-ids`).
  public func relationIds(_ endpoint: String) throws -> [String] {
    try decode([String]?.self, "relation-ids", [endpoint]) ?? []
  }

  /// Returns the remote units in relation `id` (`relation-list`); never this unit itself.
  public func relationList(_ id: String) throws -> [String] {
    // `endpoint:n` rather than a bare number, so Juju checks the relation belongs to that endpoint.
    try decode([String]?.self, "relation-list", ["-r", id], subject: id) ?? []
  }

  /// Returns one unit's databag in relation `id` (`relation-get`).
  public func relationGet(_ id: String, unit: String) throws -> [String: String] {
    try decode([String: String]?.self, "relation-get", ["-r", id, "-", unit], subject: id) ?? [:]
  }

  /// Returns an application's databag in relation `id` (`relation-get --app`).
  ///
  /// In a peer relation every unit may read its own application's bag; only the leader may write it.
  public func relationGet(_ id: String, app: String) throws -> [String: String] {
    try decode([String: String]?.self, "relation-get", ["-r", id, "--app", "-", app], subject: id) ?? [:]
  }

  /// Writes `data` into this unit's databag, or the application's with `app` (`relation-set`).
  ///
  /// An empty value deletes its key. The data goes as JSON on standard input (`--file -`), so values never
  /// appear in a process list. Juju commits it only when the hook succeeds.
  /// - Throws: `HookToolError.notLeader` when `app` is set and this unit is not the leader.
  public func relationSet(_ id: String, app: Bool = false, _ data: [String: String]) throws {
    let arguments = ["-r", id] + (app ? ["--app"] : []) + ["--file", "-"]
    try run("relation-set", arguments, input: Self.encode(data), subject: id)
  }
}
