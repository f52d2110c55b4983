/// A hook tool that failed, or printed output the charm cannot read.
public enum HookToolError: Error, CustomStringConvertible, Equatable {
  /// The tool exited non-zero; `stderr` is what it printed, without Juju's `ERROR ` prefix.
  case failed(tool: String, status: Int32, stderr: String)
  /// The relation named by `id` does not exist, or no longer does.
  case relationNotFound(id: String)
  /// The secret does not exist, or this unit may not read it.
  case secretNotFound(id: String)
  /// A leader-only tool ran on a unit that is not the leader.
  case notLeader(tool: String)
  /// The tool's output was not in the format the charm asked for.
  case unreadableOutput(tool: String, detail: String)
  /// The tool could not be started.
  case unavailable(tool: String, detail: String)

  public var description: String {
    switch self {
    case .failed(let tool, let status, let stderr):
      return "Hook tool '\(tool)' failed with exit status \(status): \(stderr)"
    case .relationNotFound(let id):
      return "Relation '\(id)' was not found; it may have been removed."
    case .secretNotFound(let id):
      return "Secret '\(id)' was not found or is not granted to this unit."
    case .notLeader(let tool):
      return "'\(tool)' needs leadership, and this unit is no longer the leader."
    case .unreadableOutput(let tool, let detail):
      return "Internal error: cannot read the output of '\(tool)': \(detail)"
    case .unavailable(let tool, let detail):
      return "Hook tool '\(tool)' cannot run: \(detail). Is this running inside a Juju hook?"
    }
  }

  /// Maps a failed tool's standard error to the most specific case.
  ///
  /// Juju prints `ERROR <message>` and exits 1 for run errors or 2 for bad arguments. The phrases below come from
  /// the Juju 3.6 hook tools: relation-*, secret-* and the leader checks of relation-set and secret-add.
  static func classify(tool: String, status: Int32, stderr: String, subject: String?) -> HookToolError {
    let message = stderr.hasPrefix("ERROR ") ? String(stderr.dropFirst(6)) : stderr
    let lowered = message.lowercased()
    if lowered.contains("relation not found") || lowered.contains("invalid relation id") {
      return .relationNotFound(id: subject ?? "")
    }
    if tool.hasPrefix("secret-") && (lowered.contains("not found") || lowered.contains("permission denied")) {
      return .secretNotFound(id: subject ?? "")
    }
    if lowered.contains("not the leader") || lowered.contains("cannot write relation settings") {
      return .notLeader(tool: tool)
    }
    return .failed(tool: tool, status: status, stderr: message)
  }
}
