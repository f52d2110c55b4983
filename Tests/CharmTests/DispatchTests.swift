import Foundation
import Testing

/// The built `charm-hook` picks its event from JUJU_DISPATCH_PATH or, without it, from the name it was started as.
///
/// The action used here fails early on a non-leader, so the binary touches nothing on the host. Fake hook tools
/// on PATH return canned output for is-leader and record the action-fail call.
@Suite struct DispatchTests {
  /// The `charm-hook` built beside this test bundle.
  static var binary: URL {
    var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("charm-hook").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("charm-hook")
  }

  /// A temporary charm directory with fake hook tools that log their arguments to `calls.log`.
  struct FakeCharm {
    let root: URL

    init() throws {
      root = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-\(UUID().uuidString)")
      let tools = root.appendingPathComponent("tools")
      try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
      let answers = ["is-leader": "false", "action-get": #"{"format":"text"}"#]
      for tool in ["is-leader", "action-get", "action-fail", "juju-log", "status-set"] {
        let script = "#!/bin/sh\necho \"\(tool) $*\" >> '\(root.path)/calls.log'\necho '\(answers[tool] ?? "")'\n"
        let path = tools.appendingPathComponent(tool)
        try script.write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
      }
    }

    /// Runs `executable` with the fake tools first on PATH; returns the exit status.
    func run(_ executable: URL, dispatchPath: String?) throws -> Int32 {
      let process = Process()
      process.executableURL = executable
      var environment = [
        "PATH": root.appendingPathComponent("tools").path + ":/usr/bin:/bin", "JUJU_UNIT_NAME": "openclaw/1",
        "JUJU_CHARM_DIR": root.path,
      ]
      environment["JUJU_DISPATCH_PATH"] = dispatchPath
      process.environment = environment
      process.currentDirectoryURL = root
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      return process.terminationStatus
    }

    /// Adds `relativePath` as a symbolic link to the binary, as `hooks/<name>` links are in the source tree.
    func link(_ relativePath: String) throws -> URL {
      let link = root.appendingPathComponent(relativePath)
      try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(at: link, withDestinationURL: DispatchTests.binary)
      return link
    }

    var calls: [String] {
      ((try? String(contentsOf: root.appendingPathComponent("calls.log"), encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
  }

  @Test func dispatchPathSelectsAction() throws {
    let charm = try FakeCharm()
    defer { charm.remove() }
    #expect(try charm.run(Self.binary, dispatchPath: "actions/get-gateway-token") == 0)
    let failure = charm.calls.first { $0.hasPrefix("action-fail") }
    #expect(failure?.contains("openclaw/leader") == true)
  }

  @Test func linkNameSelectsAction() throws {
    let charm = try FakeCharm()
    defer { charm.remove() }
    let link = try charm.link("actions/get-gateway-token")
    #expect(try charm.run(link, dispatchPath: nil) == 0)
    let failure = charm.calls.first { $0.hasPrefix("action-fail") }
    #expect(failure?.contains("openclaw/leader") == true)
  }

  @Test func unknownHookExitsQuietly() throws {
    let charm = try FakeCharm()
    defer { charm.remove() }
    let link = try charm.link("hooks/data-storage-attached")
    #expect(try charm.run(link, dispatchPath: nil) == 0)
    #expect(charm.calls.isEmpty)
  }

  @Test func dispatchPathWinsOverLinkName() throws {
    let charm = try FakeCharm()
    defer { charm.remove() }
    let link = try charm.link("hooks/data-storage-attached")
    #expect(try charm.run(link, dispatchPath: "actions/get-gateway-token") == 0)
    #expect(charm.calls.contains { $0.hasPrefix("action-fail") })
  }
}
