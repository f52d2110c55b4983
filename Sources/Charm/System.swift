import HookTools

/// A file the charm manages, with the owner and mode it must have.
public struct ManagedFile: Equatable, Sendable {
  public var path: String
  public var content: String
  public var mode: UInt32
  public var owner: String

  public init(path: String, content: String, mode: UInt32, owner: String) {
    self.path = path
    self.content = content
    self.mode = mode
    self.owner = owner
  }
}

/// A failure of the host: a file, user or program the charm needs. The hook fails, so Juju retries it.
public enum SystemError: Error, CustomStringConvertible, Equatable {
  case fileOperationFailed(operation: String, path: String, errno: Int32)
  case unknownUser(String)
  case commandFailed(command: String, status: Int32, stderr: String)

  public var description: String {
    switch self {
    case .fileOperationFailed(let operation, let path, let code):
      return "Cannot \(operation) '\(path)': \(Errno.message(code))."
    case .unknownUser(let name):
      return "User '\(name)' does not exist on this machine; the install hook creates it, so rerun it."
    case .commandFailed(let command, let status, let stderr):
      return "'\(command)' failed with exit status \(status): \(stderr)"
    }
  }
}

/// The host as the charm uses it: files, users and programs. Linux-only code lives behind this protocol, so the
/// charm's logic is tested with a fake.
public protocol System {
  /// Returns the file's bytes, or nil when it does not exist.
  func readFile(_ path: String) -> [UInt8]?
  /// Replaces the file atomically unless it already has this content, owner and mode; returns whether it changed.
  func writeFile(_ file: ManagedFile) throws -> Bool
  /// Returns whether a file, directory or symbolic link's target exists at `path`, without reading it.
  func fileExists(_ path: String) -> Bool
  /// Removes the file if it exists; returns whether it existed.
  func removeFile(_ path: String) throws -> Bool
  /// Creates the directory if missing and sets its owner and mode.
  func ensureDirectory(_ path: String, mode: UInt32, owner: String) throws
  /// Returns whether a user of that name exists.
  func userExists(_ name: String) -> Bool
  /// Runs a program; a non-zero exit is returned, not thrown.
  func run(_ program: String, _ arguments: [String], environment: [String: String]?, timeoutSeconds: Int) throws
    -> ProcessOutput
  /// Returns `count` bytes from the kernel's cryptographically secure generator.
  func randomBytes(_ count: Int) throws -> [UInt8]
  /// Pauses between two polls of a service's state.
  func pause(milliseconds: Int)
}
