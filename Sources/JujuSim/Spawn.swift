import Foundation
import Glibc

/// Errors starting or talking to child processes.
enum SpawnError: Error, CustomStringConvertible {
  case startFailed(path: String, errno: Int32)
  case openFailed(path: String, errno: Int32)

  var description: String {
    switch self {
    case .startFailed(let path, let code):
      return "cannot start \(path): \(String(cString: strerror(code)))"
    case .openFailed(let path, let code):
      return "cannot open \(path): \(String(cString: strerror(code)))"
    }
  }
}

/// Process spawning through `posix_spawn`, so the simulator decides exactly which descriptors, environment and
/// session a child gets. Every descriptor above 2 is closed in the child, so a service a hook starts can never
/// hold the model lock or a pipe of the simulator.
enum Spawn {
  struct Result {
    let status: Int32
    let output: String
  }

  /// glibc's `POSIX_SPAWN_SETSID` (since glibc 2.26), which Swift's Glibc module does not export.
  private static let setSessionFlag: Int16 = 0x80

  /// Starts `path` with `arguments`; returns the child's pid. `environment` nil inherits this process's.
  static func start(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil,
    stdin: Int32, stdout: Int32, stderr: Int32, newSession: Bool = false
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    addCloseFrom(&actions, 3)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var signals = sigset_t()
    sigemptyset(&signals)
    posix_spawnattr_setsigmask(&attributes, &signals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    if newSession { flags |= setSessionFlag }
    posix_spawnattr_setflags(&attributes, flags)

    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let environmentList = environment.map { values in values.keys.sorted().map { "\($0)=\(values[$0]!)" } }
      ?? ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    let envp = environmentList.map { strdup($0) } + [nil]
    defer { envp.forEach { free($0) } }

    var pid: pid_t = 0
    let code = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard code == 0 else { throw SpawnError.startFailed(path: path, errno: code) }
    return pid
  }

  /// Adds glibc's `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later), looked up at run time
  /// because Swift's Glibc module does not export it.
  private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
    else { return }
    let function = unsafeBitCast(symbol, to: CloseFrom.self)
    _ = function(&actions, lowest)
  }

  /// Waits for `pid` and returns its exit code, or 128 plus the signal number when a signal ended it.
  static func wait(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return decode(status)
  }

  /// Returns the exit code when `pid` has ended, nil while it runs.
  static func poll(_ pid: pid_t) -> Int32? {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == 0 { return nil }
    if result < 0 { return errno == EINTR ? nil : 255 }
    return decode(status)
  }

  private static func decode(_ status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }

  /// Runs a short command to completion and returns its exit code with stdout and stderr combined.
  static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil)
    throws -> Result
  {
    let outputPath = NSTemporaryDirectory() + "juju-sim-output-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let outputFd = try openFile(outputPath, flags: O_RDWR | O_CREAT | O_TRUNC, mode: 0o600)
    unlink(outputPath)
    defer { close(outputFd) }
    var inputFd = try openFile("/dev/null", flags: O_RDONLY)
    if let input {
      let inputPath = outputPath + ".in"
      close(inputFd)
      _ = FileManager.default.createFile(atPath: inputPath, contents: input, attributes: [.posixPermissions: 0o600])
      inputFd = try openFile(inputPath, flags: O_RDONLY)
      unlink(inputPath)
    }
    defer { close(inputFd) }
    let pid = try start(path, arguments, environment: environment, stdin: inputFd, stdout: outputFd, stderr: outputFd)
    let status = wait(pid)
    return Result(status: status, output: readAll(outputFd))
  }

  /// Opens a file with `O_CLOEXEC`, so no child inherits it by accident.
  static func openFile(_ path: String, flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
    let fd = open(path, flags | O_CLOEXEC, mode)
    guard fd >= 0 else { throw SpawnError.openFailed(path: path, errno: errno) }
    return fd
  }

  /// Reads a whole file from its start through an open descriptor.
  static func readAll(_ fd: Int32) -> String {
    lseek(fd, 0, SEEK_SET)
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(fd, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      data.append(buffer, count: count)
    }
    return String(decoding: data, as: UTF8.self)
  }
}
