#if canImport(Glibc)
import Glibc
#endif
import Roles
import Testing

/// Every unit the charm renders passes the real `systemd-analyze verify`, which warns (exit 0) on unknown keys
/// and bad values, so any printed line counts as a failure too.
@Suite(.serialized) struct SystemdVerifyTests {
  @Test func gatewayUnitVerifies() throws {
    try verify(name: "openclaw.service") { try SystemdUnits.gateway(template: templateText("openclaw.service"), openclawPath: $0) }
  }

  @Test func nodeUnitVerifies() throws {
    let node = NodeSettings(gatewayHost: "127.0.0.2", gatewayPort: 18789, displayName: "openclaw/1")
    try verify(name: "openclaw-node.service") {
      try SystemdUnits.node(template: templateText("openclaw-node.service"), node, openclawPath: $0)
    }
  }

  /// Renders a unit whose ExecStart points at a stand-in executable, since verify checks that it exists.
  private func verify(name: String, render: (String) throws -> String) throws {
    var template = Array("/tmp/verify-unit-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    defer { _ = system("rm -rf '\(directory)'") }
    let program = directory + "/openclaw"
    write(program, "#!/bin/sh\nexit 0\n")
    chmod(program, 0o755)
    let unitPath = directory + "/" + name
    write(unitPath, try render(program))

    let outputPath = directory + "/verify.out"
    let status = system("systemd-analyze verify '\(unitPath)' >'\(outputPath)' 2>&1")
    let output = readText(outputPath) ?? ""
    #expect(status == 0, "systemd-analyze verify failed:\n\(output)")
    #expect(output.isEmpty, "systemd-analyze verify printed:\n\(output)")
  }

  private func write(_ path: String, _ text: String) {
    let file = fopen(path, "w")
    fputs(text, file)
    fclose(file)
  }
}
