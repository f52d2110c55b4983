#if canImport(Glibc)
import Glibc
#endif
import HookTools

/// The real host, through Glibc.
public struct HostSystem: System {
  public init() {}

  public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      bytes += buffer[0..<count]
    }
    return bytes
  }

  public func writeFile(_ file: ManagedFile) throws -> Bool {
    let (uid, gid) = try ids(of: file.owner)
    let bytes = Array(file.content.utf8)
    if readFile(file.path) == bytes, hasOwnerAndMode(file.path, uid: uid, gid: gid, mode: file.mode) {
      return false
    }

    // Write a sibling temporary file and rename it over the target, so readers never see half a file.
    let temporary = file.path + ".charm-new"
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
    guard fd >= 0 else { throw SystemError.fileOperationFailed(operation: "create", path: temporary, errno: errno) }
    var failure: Int32 = 0
    var offset = 0
    while offset < bytes.count && failure == 0 {
      let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written < 0 && errno != EINTR { failure = errno }
      if written > 0 { offset += written }
    }
    if failure == 0 && fchown(fd, uid, gid) != 0 { failure = errno }
    if failure == 0 && fchmod(fd, mode_t(file.mode)) != 0 { failure = errno }
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0 && rename(temporary, file.path) != 0 { failure = errno }
    guard failure == 0 else {
      unlink(temporary)
      throw SystemError.fileOperationFailed(operation: "write", path: file.path, errno: failure)
    }
    return true
  }

  public func fileExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  public func removeFile(_ path: String) throws -> Bool {
    if unlink(path) == 0 { return true }
    if errno == ENOENT { return false }
    throw SystemError.fileOperationFailed(operation: "remove", path: path, errno: errno)
  }

  public func ensureDirectory(_ path: String, mode: UInt32, owner: String) throws {
    let (uid, gid) = try ids(of: owner)
    if mkdir(path, mode_t(mode)) != 0 && errno != EEXIST {
      throw SystemError.fileOperationFailed(operation: "create directory", path: path, errno: errno)
    }
    guard chown(path, uid, gid) == 0, chmod(path, mode_t(mode)) == 0 else {
      throw SystemError.fileOperationFailed(operation: "set owner and mode of", path: path, errno: errno)
    }
  }

  public func userExists(_ name: String) -> Bool {
    getpwnam(name) != nil
  }

  public func run(
    _ program: String, _ arguments: [String], environment: [String: String]?, timeoutSeconds: Int
  ) throws -> ProcessOutput {
    try Subprocess.run(program, arguments, environment: environment, timeoutSeconds: timeoutSeconds)
  }

  public func randomBytes(_ count: Int) throws -> [UInt8] {
    // /dev/urandom is the kernel's CSPRNG; Glibc's getrandom() is not visible to Swift without _GNU_SOURCE.
    let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError.fileOperationFailed(operation: "open", path: "/dev/urandom", errno: errno) }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else {
        throw SystemError.fileOperationFailed(operation: "read", path: "/dev/urandom", errno: errno)
      }
      filled += got
    }
    return bytes
  }

  public func pause(milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1000))
  }

  // MARK: - Owners

  private func ids(of owner: String) throws -> (uid_t, gid_t) {
    guard let entry = getpwnam(owner) else { throw SystemError.unknownUser(owner) }
    return (entry.pointee.pw_uid, entry.pointee.pw_gid)
  }

  private func hasOwnerAndMode(_ path: String, uid: uid_t, gid: gid_t, mode: UInt32) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    return info.st_uid == uid && info.st_gid == gid && UInt32(info.st_mode) & 0o7777 == mode
  }
}

/// Text for an errno value.
enum Errno {
  static func message(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
