#if canImport(Glibc)
import Glibc
#endif
import HookTools

/// The charm's log: lines go to `juju-log`, or to standard error when juju-log itself fails.
///
/// Callers pass messages that never contain a secret; tokens and keys are referred to by name only.
struct Log {
  let tools: HookTools

  func info(_ message: String) { write(.info, message) }
  func warning(_ message: String) { write(.warning, message) }
  func error(_ message: String) { write(.error, message) }

  private func write(_ level: LogLevel, _ message: String) {
    do {
      try tools.jujuLog(level, message)
    } catch {
      // Logging the failure through juju-log again could loop, so it goes to standard error only.
      StandardError.write("\(level.rawValue): \(message)\n")
    }
  }
}

/// Writes to file descriptor 2 directly; Glibc's `stderr` global is not safe to touch under Swift 6.
enum StandardError {
  static func write(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  }
}
