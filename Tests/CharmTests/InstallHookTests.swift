import HookTools
import Testing

@testable import Charm

/// Whole hooks through `Charm.handle` on an in-memory machine, before the peer relation exists: the install hook
/// installs, and later hooks make no calls beyond those they made before the install step existed.
@Suite struct InstallHookTests {
  typealias F = InstallFixture

  /// A unit's hook tools: no peer relation yet, no ingress address, no opened ports.
  static func tools(leader: Bool) -> ScriptedTools {
    let tools = ScriptedTools()
    tools.answer("is-leader", leader ? "true" : "false")
    tools.answer("config-get", "{}")
    tools.answer("relation-ids", "[]")
    tools.answer("network-get", #"{"ingress-addresses": []}"#)
    tools.answer("opened-ports", "[]")
    return tools
  }

  static func machine() -> FakeSystem {
    let system = F.machine()
    system.users = []
    system.respond(F.useradd, .succeeded)
    system.onSuccess(F.useradd) { $0.users.insert("openclaw") }
    system.addFile(Fixture.paths.templates + "/openclaw.service", Fixture.templates.gatewayUnit)
    system.addFile(Fixture.paths.templates + "/openclaw-node.service", Fixture.templates.nodeUnit)
    return system
  }

  static func handle(_ hook: String, _ system: FakeSystem, _ tools: ScriptedTools) -> Int32 {
    Charm(tools: HookTools(runner: tools), system: system, environment: ["JUJU_UNIT_NAME": "openclaw/0"], paths: Fixture.paths)
      .handle(.hook(hook))
  }

  @Test func installReportsVersionOnce() throws {
    let system = Self.machine()
    let install = Self.tools(leader: true)
    #expect(Self.handle("install", system, install) == 0)

    #expect(system.commandLines == [
      F.useradd, F.curl, F.gpg, F.aptUpdate, F.aptInstall, F.nodeVersion, F.npm("2026.9.3"),
    ])
    #expect(install.statuses == [
      "maintenance: Creating the system user openclaw", "maintenance: Installing Node.js 24",
      "maintenance: Installing OpenClaw 2026.9.3", "waiting: Waiting for the openclaw-cluster peer relation",
    ])
    #expect(install.calls.filter { $0[0] == "application-version-set" } == [["application-version-set", "--", "2026.9.3"]])
    #expect(system.directories["/var/lib/openclaw"]?.owner == "openclaw")
    #expect(system.directories["/var/lib/openclaw"]?.mode == 0o750)

    // config-changed, start and update-status: no command, no install call, no second version report.
    for hook in ["config-changed", "start", "update-status"] {
      let before = system.calls.count
      let tools = Self.tools(leader: true)
      #expect(Self.handle(hook, system, tools) == 0)
      #expect(system.calls.count == before, "\(hook) ran \(system.commandLines.dropFirst(before))")
      #expect(tools.counted.map { $0[0] } == ["is-leader", "config-get", "relation-ids", "network-get", "opened-ports", "status-set"])
    }
  }

  @Test func nodeInstallsNodeJsAndWaitsForGateway() throws {
    let system = Self.machine()
    let tools = Self.tools(leader: false)
    #expect(Self.handle("install", system, tools) == 0)
    #expect(system.commandLines == [F.useradd, F.curl, F.gpg, F.aptUpdate, F.aptInstall, F.nodeVersion])
    #expect(tools.statuses.last == "waiting: Waiting for the gateway to run OpenClaw 2026.9.3")
    #expect(!tools.calls.contains { $0[0] == "application-version-set" })
  }

  @Test func failedDownloadExitsZeroAndRecovers() throws {
    let system = Self.machine()
    system.replaceResponses(F.curl, F.failure(6, "curl: (6) Could not resolve host: deb.nodesource.com"), .succeeded)
    let install = Self.tools(leader: true)
    #expect(Self.handle("install", system, install) == 0)
    #expect(install.statuses.last?.hasPrefix("blocked: Node.js install failed: downloading") == true)

    let retry = Self.tools(leader: true)
    #expect(Self.handle("update-status", system, retry) == 0)
    #expect(retry.statuses.last == "waiting: Waiting for the openclaw-cluster peer relation")
    #expect(system.count(F.npm("2026.9.3")) == 1)
  }

  @Test func storageAttachedBeforeInstallOnlyOwnsVolume() throws {
    let system = Self.machine()
    system.respond("chown -R openclaw:openclaw /var/lib/openclaw", .succeeded)
    let tools = ScriptedTools()
    #expect(Self.handle("state-storage-attached", system, tools) == 0)
    #expect(system.commandLines == [F.useradd, "chown -R openclaw:openclaw /var/lib/openclaw"])
    #expect(system.directories["/var/lib/openclaw"]?.owner == "openclaw")
    #expect(tools.counted.map { $0[0] } == ["status-set"])
  }

  @Test func storageDetachingStopsServices() throws {
    let system = Self.machine()
    system.addFile("/etc/systemd/system/openclaw.service", "[Unit]\n")
    system.respond("systemctl disable --now openclaw.service", .succeeded)
    let tools = ScriptedTools()
    #expect(Self.handle("state-storage-detaching", system, tools) == 0)
    #expect(system.commandLines == ["systemctl disable --now openclaw.service"])
  }
}
