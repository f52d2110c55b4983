#if canImport(Glibc)
import Glibc
#endif

/// The output and exit status of a finished child process.
public struct ProcessOutput: Sendable, Equatable {
  /// The exit status, or 128 plus the signal number when a signal ended the process.
  public var status: Int32
  public var stdout: [UInt8]
  public var stderr: [UInt8]

  public init(status: Int32, stdout: [UInt8] = [], stderr: [UInt8] = []) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }

  /// The standard output as UTF-8 text.
  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

  /// The standard error as UTF-8 text, without the trailing newline.
  public var stderrText: String {
    var text = String(decoding: stderr, as: UTF8.self)
    while text.hasSuffix("\n") { text.removeLast() }
    return text
  }
}

/// A failure to start or watch a child process; a non-zero exit status is not one of these.
public enum SubprocessError: Error, CustomStringConvertible, Equatable {
  case spawnFailed(program: String, errno: Int32)
  case timedOut(program: String, seconds: Int)

  public var description: String {
    switch self {
    case .spawnFailed(let program, let code):
      return "Cannot start '\(program)': \(String(cString: strerror(code))). Check that it is installed."
    case .timedOut(let program, let seconds):
      return "'\(program)' did not finish within \(seconds) seconds and was killed."
    }
  }
}

/// Runs programs with `posix_spawnp`: the charm's only way to start a process.
///
/// Full Foundation's `Process` would add about 40 MB to the shipped binary, so this stays on Glibc.
public enum Subprocess {
  /// Runs `program` with `arguments`, writes `input` to its standard input, and collects both outputs.
  ///
  /// A program name without a slash is looked up in this process's `PATH`, as a shell would.
  /// A non-zero exit status is returned in the result, not thrown.
  /// - Parameters:
  ///   - environment: the child's whole environment; `nil` passes this process's own.
  ///   - timeoutSeconds: kills the child with SIGKILL when it runs longer; `nil` waits for ever.
  /// - Throws: `SubprocessError.spawnFailed` when the program cannot start,
  ///   `SubprocessError.timedOut` when it was killed after `timeoutSeconds`.
  public static func run(
    _ program: String, _ arguments: [String], environment: [String: String]? = nil,
    input: [UInt8] = [], timeoutSeconds: Int? = nil
  ) throws -> ProcessOutput {
    let stdinPipe = try makePipe(program)
    let stdoutPipe = try makePipe(program)
    let stderrPipe = try makePipe(program)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)

    let argv = [program] + arguments
    let envp = (environment ?? currentEnvironment()).map { "\($0.key)=\($0.value)" }.sorted()
    var pid = pid_t()
    let spawnStatus = withCStrings(argv) { argvPointers in
      withCStrings(envp) { envPointers in
        posix_spawnp(&pid, program, &actions, nil, argvPointers, envPointers)
      }
    }
    close(stdinPipe.read)
    close(stdoutPipe.write)
    close(stderrPipe.write)
    guard spawnStatus == 0 else {
      close(stdinPipe.write)
      close(stdoutPipe.read)
      close(stderrPipe.read)
      throw SubprocessError.spawnFailed(program: program, errno: spawnStatus)
    }

    writeAll(input, to: stdinPipe.write)
    close(stdinPipe.write)

    let deadline = timeoutSeconds.map { monotonicSeconds() + Double($0) }
    let (stdout, stderr, timedOut) = readBoth(stdoutPipe.read, stderrPipe.read, deadline: deadline)
    if timedOut { kill(pid, SIGKILL) }
    let status = waitForExit(pid)
    if timedOut, let seconds = timeoutSeconds {
      throw SubprocessError.timedOut(program: program, seconds: seconds)
    }
    return ProcessOutput(status: status, stdout: stdout, stderr: stderr)
  }

  /// Returns the environment of this process as a dictionary.
  public static func currentEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var cursor = environ
    while let entry = cursor.pointee {
      let pair = String(cString: entry)
      if let equals = pair.firstIndex(of: "=") {
        result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
      }
      cursor += 1
    }
    return result
  }

  // MARK: - Plumbing

  private static func makePipe(_ program: String) throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else {
      throw SubprocessError.spawnFailed(program: program, errno: errno)
    }
    // Close-on-exec keeps the child from inheriting the other ends; dup2 clears it on 0, 1 and 2.
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    return (fds[0], fds[1])
  }

  private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
    // A child that exits without reading its input must not kill this process with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return
      }
      offset += written
    }
  }

  /// Reads both pipes until each reaches end of file, or until `deadline` passes.
  private static func readBoth(_ outFD: Int32, _ errFD: Int32, deadline: Double?) -> ([UInt8], [UInt8], Bool) {
    var out: [UInt8] = []
    var err: [UInt8] = []
    var open: [Int32] = [outFD, errFD]
    var buffer = [UInt8](repeating: 0, count: 65536)
    var timedOut = false

    while !open.isEmpty {
      var pollFDs = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      var waitMillis: Int32 = -1
      if let deadline {
        let left = deadline - monotonicSeconds()
        if left <= 0 {
          timedOut = true
          break
        }
        waitMillis = Int32(min(left * 1000, 60_000)) + 1
      }
      let ready = poll(&pollFDs, nfds_t(pollFDs.count), waitMillis)
      if ready < 0 && errno == EINTR { continue }
      if ready <= 0 { continue }

      for entry in pollFDs where entry.revents != 0 {
        let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
        if count > 0 {
          if entry.fd == outFD { out += buffer[0..<count] } else { err += buffer[0..<count] }
        } else if count == 0 || errno != EINTR {
          open.removeAll { $0 == entry.fd }
        }
      }
    }
    close(outFD)
    close(errFD)
    return (out, err, timedOut)
  }

  private static func waitForExit(_ pid: pid_t) -> Int32 {
    var rawStatus: Int32 = 0
    while waitpid(pid, &rawStatus, 0) < 0 && errno == EINTR {}
    let signalNumber = rawStatus & 0x7f
    if signalNumber == 0 { return (rawStatus >> 8) & 0xff }
    return 128 + signalNumber
  }

  private static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  private static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
  ) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
