import HookTools

/// The unit's system services, through `systemctl`.
struct Services {
  let system: System

  /// Returns whether `name` is running (`systemctl is-active`).
  func isActive(_ name: String) throws -> Bool {
    try run(["is-active", "--quiet", name], allowFailure: true).status == 0
  }

  /// Returns the unit's properties `names` (`systemctl show`), for the reason a service is down.
  func show(_ name: String, _ names: [String]) throws -> [String: String] {
    let output = try run(["show", "--property=" + names.joined(separator: ","), name])
    var properties: [String: String] = [:]
    for line in output.stdoutText.split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      properties[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return properties
  }

  func daemonReload() throws { try run(["daemon-reload"]) }

  /// Enables `name` at boot and starts it now.
  func enableAndStart(_ name: String) throws { try run(["enable", "--now", name]) }

  func restart(_ name: String) throws { try run(["restart", name]) }

  /// Stops `name` for a moment, leaving it enabled.
  func stop(_ name: String) throws { try run(["stop", name]) }

  func start(_ name: String) throws { try run(["start", name]) }

  /// Stops `name` and keeps it from starting at boot; a unit systemd does not know is already stopped.
  func disableAndStop(_ name: String) throws {
    let output = try run(["disable", "--now", name], allowFailure: true)
    let message = output.stderrText.lowercased()
    guard output.status == 0 || message.contains("not found") || message.contains("does not exist")
      || message.contains("not loaded")
    else {
      throw SystemError.commandFailed(command: "systemctl disable --now \(name)", status: output.status, stderr: output.stderrText)
    }
  }

  @discardableResult
  private func run(_ arguments: [String], allowFailure: Bool = false) throws -> ProcessOutput {
    let output = try system.run("systemctl", arguments, environment: nil, timeoutSeconds: 120)
    guard allowFailure || output.status == 0 else {
      throw SystemError.commandFailed(
        command: "systemctl " + arguments.joined(separator: " "), status: output.status, stderr: output.stderrText)
    }
    return output
  }
}
