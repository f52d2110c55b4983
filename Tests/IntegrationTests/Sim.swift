import Foundation
import Testing

/// Drives the `juju-sim` binary built next to the test bundle, against a model directory of its own.
struct Sim {
  /// The repository root: deployments from the source tree run with it as working directory.
  static let repository: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The built `juju-sim`: `$JUJU_SIM_BIN`, else the one beside this test bundle.
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["JUJU_SIM_BIN"] { return path }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // The test bundle is a directory (xctest) on some toolchains, a file on others.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("juju-sim").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("juju-sim").path
  }

  let model: String

  init() {
    model = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)").path
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `juju-sim --model <model> <arguments>` from the repository root.
  @discardableResult
  func run(_ arguments: String...) throws -> Result {
    try run(arguments)
  }

  @discardableResult
  func run(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["--model", model] + arguments
    process.currentDirectoryURL = Self.repository
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read before waiting, so a large output cannot fill the pipe and stall the child.
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }

  /// Runs a juju-sim command that must succeed, recording its output as a test issue otherwise.
  @discardableResult
  func must(_ arguments: String...) throws -> String {
    let result = try run(arguments)
    #expect(result.status == 0, "juju-sim \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout
  }

  /// The `juju status --format=json` document's units, keyed by unit name.
  func units() throws -> [String: [String: Any]] {
    let text = try must("status", "--format", "json")
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let applications = document?["applications"] as? [String: Any]
    let application = applications?["openclaw"] as? [String: Any]
    return application?["units"] as? [String: [String: Any]] ?? [:]
  }

  /// Stops every process of the model and removes it; tests call it whatever happened.
  func destroy() {
    _ = try? run("destroy")
  }
}

extension Dictionary where Key == String, Value == Any {
  /// `workload-status.message` of a unit in status JSON.
  var workloadMessage: String {
    ((self["workload-status"] as? [String: Any])?["message"] as? String) ?? ""
  }

  var workloadCurrent: String {
    ((self["workload-status"] as? [String: Any])?["current"] as? String) ?? ""
  }

  var isLeader: Bool { (self["leader"] as? Bool) ?? false }

  var address: String { (self["public-address"] as? String) ?? "" }

  var openPorts: [String] { (self["open-ports"] as? [String]) ?? [] }
}
