import Foundation
import Glibc

/// One hook-tool call sent from a unit to the simulator, as jujuc sends it to the unit agent.
struct ToolRequest: Codable {
  var contextId: String
  var tool: String
  var arguments: [String]
  /// Standard input, read only when an argument names `-` as the input file.
  var stdin: Data?
  /// Contents of files named by `--file` or `key#file=` arguments, read inside the unit by the client.
  var files: [String: Data] = [:]
}

struct ToolResponse: Codable {
  var code: Int32
  var stdout: Data
  var stderr: String
  /// Set when the tool was given `-o FILE`: the client writes stdout there instead.
  var outputFile: String?
}

/// The hook-tool side inside a unit: `juju-sim` started under a tool's name sends its arguments over the agent
/// socket and prints what the simulator returns.
enum ToolClient {
  static let defaultSocket = UnitPaths.agentMount + "/hooks.sock"
  private static let stdinTools: Set<String> = ["relation-set", "state-set", "secret-add", "secret-set"]

  static func run(tool: String, arguments: [String]) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    var request = ToolRequest(contextId: environment["JUJU_CONTEXT_ID"] ?? "", tool: tool, arguments: arguments)
    collectInputs(into: &request)
    let socketPath = environment["JUJU_AGENT_SOCKET_ADDRESS"] ?? defaultSocket
    guard let response = exchange(request, socketPath: socketPath) else {
      FileHandle.standardError.write(Data("ERROR cannot reach the juju-sim agent at \(socketPath): no hook is running\n".utf8))
      return 1
    }
    if let outputFile = response.outputFile {
      guard FileManager.default.createFile(atPath: outputFile, contents: response.stdout) else {
        FileHandle.standardError.write(Data("ERROR cannot write \(outputFile)\n".utf8))
        return 1
      }
    } else {
      FileHandle.standardOutput.write(response.stdout)
    }
    FileHandle.standardError.write(Data(response.stderr.utf8))
    return response.code
  }

  /// Reads the inputs the simulator cannot see from the host: stdin and files named on the command line.
  private static func collectInputs(into request: inout ToolRequest) {
    let arguments = request.arguments
    for (index, argument) in arguments.enumerated() {
      var path: String?
      if argument == "--file", index + 1 < arguments.count {
        path = arguments[index + 1]
      } else if argument.hasPrefix("--file=") {
        path = String(argument.dropFirst("--file=".count))
      } else if let range = argument.range(of: "#file=") {
        path = String(argument[range.upperBound...])
      }
      guard let path else { continue }
      if path == "-" {
        if stdinTools.contains(request.tool), request.stdin == nil {
          request.stdin = FileHandle.standardInput.readDataToEndOfFile()
        }
      } else if let data = FileManager.default.contents(atPath: path) {
        request.files[path] = data
      }
    }
  }

  private static func exchange(_ request: ToolRequest, socketPath: String) -> ToolResponse? {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard SocketAddress.connect(fd, path: socketPath) else { return nil }
    guard let payload = try? JSONEncoder().encode(request), SocketIO.writeAll(fd, payload) else { return nil }
    shutdown(fd, Int32(SHUT_WR))
    return try? JSONDecoder().decode(ToolResponse.self, from: SocketIO.readAll(fd))
  }
}

/// Unix socket address handling. Paths longer than `sun_path` are reached through their directory.
enum SocketAddress {
  static func withAddress<T>(_ name: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(name.utf8.prefix(107))
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (offset, byte) in bytes.enumerated() { buffer[offset] = byte }
    }
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
  }

  static func connect(_ fd: Int32, path: String) -> Bool {
    withAddress(path) { Glibc.connect(fd, $0, $1) } == 0
  }
}

enum SocketIO {
  static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
    var offset = 0
    let bytes = [UInt8](data)
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { return false }
      offset += written
    }
    return true
  }

  static func readAll(_ fd: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(fd, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      data.append(buffer, count: count)
    }
    return data
  }
}

/// The simulator side: listens on `<model>/agent/hooks.sock` while one hook runs and handles each tool call
/// in turn, until the hook process exits. Waiting ends on the hook's exit status, never on pipe EOF, so a
/// service the hook leaves running cannot stall the simulator.
final class ToolServer {
  private let fd: Int32
  private let path: String

  init(path: String) throws {
    self.path = path
    unlink(path)
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw SpawnError.openFailed(path: path, errno: errno) }
    // Bind by a name relative to the socket's directory, so long model paths fit in sun_path.
    let directory = (path as NSString).deletingLastPathComponent
    let previous = FileManager.default.currentDirectoryPath
    guard chdir(directory) == 0 else { throw SpawnError.openFailed(path: directory, errno: errno) }
    let bound = SocketAddress.withAddress((path as NSString).lastPathComponent) { bind(fd, $0, $1) }
    let bindErrno = errno
    _ = chdir(previous)
    guard bound == 0, listen(fd, 16) == 0 else {
      close(fd)
      throw SpawnError.openFailed(path: path, errno: bindErrno)
    }
  }

  deinit {
    close(fd)
    unlink(path)
  }

  /// Handles tool calls until `pid` exits, then returns its exit code.
  func serve(until pid: pid_t, handler: (ToolRequest) -> ToolResponse) -> Int32 {
    while true {
      var pollEntry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = Glibc.poll(&pollEntry, 1, 20)
      if ready > 0 {
        handleConnection(handler)
        continue
      }
      if let status = Spawn.poll(pid) {
        while acceptPending(handler) {}
        return status
      }
    }
  }

  private func acceptPending(_ handler: (ToolRequest) -> ToolResponse) -> Bool {
    var pollEntry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard Glibc.poll(&pollEntry, 1, 0) > 0 else { return false }
    handleConnection(handler)
    return true
  }

  private func handleConnection(_ handler: (ToolRequest) -> ToolResponse) {
    let client = accept(fd, nil, nil)
    guard client >= 0 else { return }
    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
    defer { close(client) }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let response: ToolResponse
    if let request = try? JSONDecoder().decode(ToolRequest.self, from: SocketIO.readAll(client)) {
      response = handler(request)
    } else {
      response = ToolResponse(code: 1, stdout: Data(), stderr: "ERROR bad request: cannot decode the tool call\n")
    }
    if let payload = try? JSONEncoder().encode(response) { _ = SocketIO.writeAll(client, payload) }
  }
}
