import HookTools

/// A failed install step, shown as the unit's blocked status: what failed, why, and what the operator can do.
///
/// The hook still succeeds, so the next hook, update-status included, retries the step without `juju resolve`.
public struct InstallError: Error, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }

  /// The closing words of every message, which tell the operator that no `juju resolve` is needed.
  static let retry = "the next hook retries"
}

/// Runs the install commands as root with a fixed PATH and, for downloads, the model's proxies.
struct InstallCommand {
  let system: System
  let proxy: Proxy

  static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

  /// An apt-get, curl or npm run may download hundreds of megabytes, so the limit is generous. It still ends a
  /// run stalled on a mirror that stopped responding.
  static let downloadTimeoutSeconds = 600

  /// Returns the base environment, plus the proxy variables when `proxied`, plus `extra`.
  func environment(proxied: Bool, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = ["PATH": Self.path, "HOME": "/root", "LANG": "C.UTF-8"]
    if proxied { environment.merge(proxy.variables) { _, new in new } }
    environment.merge(extra) { _, new in new }
    return environment
  }

  /// Runs `program` and returns its output, or an `InstallError` when it could not start.
  func run(
    _ program: String, _ arguments: [String], proxied: Bool = false, extra: [String: String] = [:],
    timeoutSeconds: Int = downloadTimeoutSeconds
  ) -> Result<ProcessOutput, InstallError> {
    do {
      let output = try system.run(
        program, arguments, environment: environment(proxied: proxied, extra), timeoutSeconds: timeoutSeconds)
      return .success(output)
    } catch {
      return .failure(InstallError("'\(program)' could not run: \(proxy.redact("\(error)"))"))
    }
  }

  /// The operator's fix for a download that did not reach its server: set a proxy when the model has none, else
  /// check the one it has, since the tools used it.
  var proxyFix: String {
    proxy.http.isEmpty && proxy.https.isEmpty
      ? "Set juju model-config juju-https-proxy=<url> if this network needs a proxy"
      : "Check that the proxy in juju model-config juju-https-proxy and juju-http-proxy is reachable"
  }

  /// Returns the lines of a failed command's standard error worth showing, without credentials, at most 200
  /// characters. npm's pointer to its debug log is left out because it names a file on the unit only.
  func summary(_ output: ProcessOutput) -> String {
    let lines = output.stderrText.split(separator: "\n").map { String($0).trimmed }.filter {
      !$0.isEmpty && !$0.contains("A complete log of this run")
    }
    var chosen: [String]
    if let code = lines.firstIndex(where: { $0.hasPrefix("npm error code ") }) {
      // npm prints the code, then detail lines; the first one that is not syscall or errno bookkeeping carries the message.
      let detail = lines[(code + 1)...].first {
        !$0.hasPrefix("npm error syscall") && !$0.hasPrefix("npm error errno")
      }
      chosen = [lines[code]] + (detail.map { [$0] } ?? [])
    } else {
      chosen = lines.suffix(1)
    }
    if chosen.isEmpty { chosen = ["exit status \(output.status)"] }
    let text = proxy.redact(chosen.joined(separator: " "))
    return text.count <= 200 ? text : String(text.prefix(197)) + "..."
  }

  /// Returns the npm error code of a failed run (`ETARGET`, `ENOTFOUND`, ...), or nil when npm printed none.
  static func npmErrorCode(_ output: ProcessOutput) -> String? {
    for line in output.stderrText.split(separator: "\n") where line.hasPrefix("npm error code ") {
      return String(line.dropFirst("npm error code ".count)).trimmed
    }
    return nil
  }
}
