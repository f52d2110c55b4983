#if canImport(Glibc)
import Glibc
#endif

/// A root-only temporary file that carries secret content to a hook tool's `--file` option.
enum PrivateFile {
  /// Writes `bytes` to a new mode-0600 file, passes its path to `body`, and removes the file afterwards.
  static func with<R>(_ bytes: [UInt8], _ body: (String) throws -> R) throws -> R {
    var template = Array("/tmp/openclaw-charm-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw HookToolError.unavailable(tool: "secret file", detail: String(cString: strerror(errno)))
    }
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    defer { unlink(path) }

    // mkstemp creates the file 0600 already; fchmod guards against an unusual umask-ignoring libc.
    fchmod(fd, 0o600)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { break }
      offset += written
    }
    close(fd)
    return try body(path)
  }
}
