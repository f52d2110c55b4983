import HookTools
import Testing

@testable import Charm

/// The install step on an in-memory machine: which commands run, in which order, what they leave behind, and
/// which status each outcome shows.
@Suite struct InstallerTests {
  typealias F = InstallFixture

  @Test func freshInstallRunsContractCommands() throws {
    let system = F.machine()
    let tools = ScriptedTools()
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, tools).run(&inputs)

    #expect(system.commandLines == [F.curl, F.gpg, F.aptUpdate, F.aptInstall, F.nodeVersion, F.npm("2026.9.3")])
    #expect(outcome == InstallOutcome(installedVersion: "2026.9.3"))
    #expect(inputs.state.requestedVersion == "2026.9.3")
    #expect(tools.statuses == ["maintenance: Installing Node.js 24", "maintenance: Installing OpenClaw 2026.9.3"])
    #expect(tools.counted.map { $0[0] } == ["status-set", "resource-get", "status-set"])

    #expect(system.directories["/etc/apt/keyrings"] == ManagedFile(path: "/etc/apt/keyrings", content: "", mode: 0o755, owner: "root"))
    #expect(system.files["/var/lib/openclaw-charm/nodesource-repo.gpg.key"] == nil)
    let source = try #require(system.files["/etc/apt/sources.list.d/nodesource.sources"])
    #expect(source.content == """
      Types: deb
      URIs: https://deb.nodesource.com/node_24.x
      Suites: nodistro
      Components: main
      Signed-By: /etc/apt/keyrings/nodesource.gpg

      """)
    #expect(source.mode == 0o644)
    #expect(source.owner == "root")
    let preferences = try #require(system.files["/etc/apt/preferences.d/nodesource"])
    #expect(preferences.content == "Package: nodejs\nPin: origin deb.nodesource.com\nPin-Priority: 600\n")
    #expect(preferences.mode == 0o644)
    #expect(preferences.owner == "root")
  }

  @Test func commandEnvironments() throws {
    let system = F.machine()
    var inputs = F.inputs("install")
    _ = try F.installer(system, ScriptedTools()).run(&inputs)

    let base = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"]
    var apt = base
    apt["DEBIAN_FRONTEND"] = "noninteractive"
    var npm = base
    npm["SHARP_IGNORE_GLOBAL_LIBVIPS"] = "1"
    let environments = Dictionary(system.calls.map { ($0.commandLine, $0.environment) }) { first, _ in first }
    #expect(environments[F.curl] == base)
    #expect(environments[F.aptUpdate] == apt)
    #expect(environments[F.aptInstall] == apt)
    #expect(environments[F.npm("2026.9.3")] == npm)
  }

  @Test func currentNodeSkipsAptSteps() throws {
    let system = F.machine(node: "24.18.0")
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(system.commandLines == [F.nodeVersion, F.npm("2026.9.3")])
    #expect(outcome.installedVersion == "2026.9.3")
    #expect(system.fileOperations.isEmpty)
  }

  @Test(arguments: ["18.19.1", "22.22.0", "24.15.9", "25.2.0", "26.0.0"])
  func oldNodeIsReplaced(version: String) throws {
    let system = F.machine(node: version)
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(system.commandLines == [F.nodeVersion, F.curl, F.gpg, F.aptUpdate, F.aptInstall, F.nodeVersion, F.npm("2026.9.3")])
    #expect(outcome.installedVersion == "2026.9.3")
  }

  @Test func aptLeavingOldNodeBlocks() throws {
    let system = F.machine()
    system.onSuccess(F.aptInstall) { F.installNode($0, "18.19.1") }
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(outcome.status?.status == .blocked)
    #expect(outcome.status?.message.contains("Node.js v18.19.1") == true)
    #expect(outcome.status?.message.contains("nodesource-mirror") == true)
    #expect(!system.commandLines.contains { $0.hasPrefix("npm") })
  }

  // MARK: - Failures

  /// Each Node.js step that fails: its command, the failure, and a word the blocked message must contain.
  static let nodeFailures: [(String, ProcessOutput, String)] = [
    (F.curl, F.failure(6, "curl: (6) Could not resolve host: deb.nodesource.com"), "juju-https-proxy"),
    (F.curl, F.failure(22, "curl: (22) The requested URL returned error: 404"), "nodesource-mirror"),
    (F.gpg, F.failure(2, "gpg: no valid OpenPGP data found."), "nodesource-mirror"),
    (F.aptUpdate, F.failure(100, "E: Failed to fetch https://deb.nodesource.com/node_24.x/dists/nodistro/InRelease"),
     "juju-http-proxy"),
    (F.aptInstall, F.failure(100, "E: Unable to locate package nodejs"), "nodesource-mirror"),
    (F.aptInstall, F.failure(100, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 812 (apt-get)"),
     "holds the package lock"),
  ]

  @Test(arguments: 0..<nodeFailures.count)
  func failedNodeStepCleansUpAndRetries(index: Int) throws {
    let (command, failure, fix) = Self.nodeFailures[index]
    let system = F.machine()
    system.replaceResponses(command, failure, .succeeded)
    var inputs = F.inputs("install")
    let tools = ScriptedTools()
    let outcome = try F.installer(system, tools).run(&inputs)

    #expect(outcome.installedVersion == nil)
    let status = try #require(outcome.status)
    #expect(status.status == .blocked)
    #expect(status.message.hasPrefix("Node.js install failed: "))
    #expect(status.message.contains(fix), "\(status.message)")
    #expect(status.message.hasSuffix("the next hook retries."))
    for path in F.aptFiles + ["/var/lib/openclaw-charm/nodesource-repo.gpg.key"] {
      #expect(system.files[path] == nil, "\(path) was left behind")
    }
    #expect(system.commandLines.last == command)
    #expect(inputs.state.requestedVersion == nil)

    // update-status retries the whole Node.js install, which now succeeds.
    inputs.event = .hook("update-status")
    let retry = try F.installer(system, tools).run(&inputs)
    #expect(retry == InstallOutcome(installedVersion: "2026.9.3"))
    for path in F.aptFiles {
      #expect(system.files[path] != nil, "\(path) is missing after the retry")
    }
  }

  static let npmFailures: [(ProcessOutput, String)] = [
    (F.failure(1, """
      npm error code ETARGET
      npm error notarget No matching version found for openclaw@2026.9.3.
      npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log
      """), "openclaw-version"),
    (F.failure(1, """
      npm error code ENOTFOUND
      npm error syscall getaddrinfo
      npm error errno ENOTFOUND
      npm error network request to https://registry.npmjs.org/openclaw failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org
      """), "juju-https-proxy"),
  ]

  @Test(arguments: 0..<npmFailures.count)
  func failedNpmBlocksAndRetries(index: Int) throws {
    let (failure, fix) = Self.npmFailures[index]
    let system = F.machine(node: "24.18.0")
    system.replaceResponses(F.npm("2026.9.3"), failure, .succeeded)
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)

    let status = try #require(outcome.status)
    #expect(status.status == .blocked)
    #expect(status.message.hasPrefix("OpenClaw install failed: npm error code "))
    #expect(status.message.contains(fix), "\(status.message)")
    #expect(!status.message.contains("complete log"))
    #expect(outcome.installedVersion == nil)

    inputs.event = .hook("update-status")
    #expect(try F.installer(system, ScriptedTools()).run(&inputs) == InstallOutcome(installedVersion: "2026.9.3"))
  }

  @Test func failedUpgradeKeepsRunningRelease() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    system.replaceResponses(F.npm("2026.10.2"), F.failure(1, "npm error code ECONNREFUSED\nnpm error connect ECONNREFUSED"))
    var inputs = F.inputs("config-changed", state: F.installed("2026.9.3"), options: InstallOptions(openclawVersion: "2026.10.2"))
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(outcome.installedVersion == "2026.9.3")
    #expect(outcome.status?.status == .blocked)
    #expect(inputs.state.requestedVersion == "2026.9.3")
  }

  @Test func failedUseraddBlocks() throws {
    let system = F.machine()
    system.users = []
    system.respond(F.useradd, F.failure(4, "useradd: UID 999 is not unique"))
    let tools = ScriptedTools()
    let status = try F.installer(system, tools).ensureUser()
    #expect(status?.status == .blocked)
    #expect(status?.message.contains("useradd: UID 999 is not unique") == true)
    #expect(tools.statuses == ["maintenance: Creating the system user openclaw"])

    system.replaceResponses(F.useradd, .succeeded)
    #expect(try F.installer(system, tools).ensureUser() == nil)
  }

  @Test func existingUserRunsNothing() throws {
    let system = F.machine()
    let tools = ScriptedTools()
    #expect(try F.installer(system, tools).ensureUser() == nil)
    #expect(system.commandLines.isEmpty)
    #expect(tools.calls.isEmpty)
  }

  // MARK: - Sources

  @Test func resourceReplacesRegistry() throws {
    let system = F.machine(node: "24.18.0")
    let path = "/var/lib/juju/agents/unit-openclaw-0/resources/openclaw-package/openclaw.tgz"
    system.addFile(path, "tarball bytes")
    system.respond(F.manifestRead(path), F.manifest("openclaw"))
    system.respond(F.npm(path), .succeeded)
    system.onSuccess(F.npm(path)) { F.installOpenClaw($0, "2026.10.2") }
    let tools = ScriptedTools()
    tools.answer("resource-get", path + "\n")
    var inputs = F.inputs("install")
    let outcome = try F.installer(system, tools).run(&inputs)

    #expect(system.commandLines == [F.nodeVersion, F.manifestRead(path), F.npm(path)])
    #expect(outcome.installedVersion == "2026.10.2")
    #expect(inputs.state.installedResourceDigest == SHA256.hex("tarball bytes"))
    #expect(tools.statuses == ["maintenance: Installing OpenClaw from the openclaw-package resource"])

    // upgrade-charm with the same tarball installs nothing.
    inputs.event = .hook("upgrade-charm")
    #expect(try F.installer(system, tools).run(&inputs) == InstallOutcome(installedVersion: "2026.10.2"))
    #expect(system.count(F.npm(path)) == 1)
  }

  @Test func resourceOfOtherPackageBlocks() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let path = "/var/lib/juju/agents/unit-openclaw-0/resources/openclaw-package/openclaw.tgz"
    system.addFile(path, "tarball bytes")
    system.respond(F.manifestRead(path), F.manifest("left-pad"))
    let tools = ScriptedTools()
    tools.answer("resource-get", path + "\n")
    var inputs = F.inputs("upgrade-charm", state: F.installed("2026.9.3"))
    let outcome = try F.installer(system, tools).run(&inputs)

    #expect(system.commandLines == [F.nodeVersion, F.manifestRead(path)])
    #expect(outcome.installedVersion == "2026.9.3")
    #expect(outcome.status?.status == .blocked)
    #expect(outcome.status?.message.contains("is the npm package 'left-pad', not openclaw") == true)
    #expect(inputs.state.installedResourceDigest == nil)
    #expect(inputs.state.installFailed == true)
  }

  @Test func failedResourceRetriedInNextHook() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let path = "/var/lib/juju/agents/unit-openclaw-0/resources/openclaw-package/openclaw.tgz"
    system.addFile(path, "not a tarball")
    system.respond(F.manifestRead(path), F.failure(2, "gzip: stdin: not in gzip format"))
    system.respond(F.npm(path), F.failure(1, "npm error code TAR_BAD_ARCHIVE\nnpm error TAR_BAD_ARCHIVE: Unrecognized archive format"))
    let tools = ScriptedTools()
    tools.answer("resource-get", path + "\n")
    var inputs = F.inputs("upgrade-charm", state: F.installed("2026.9.3"))
    let failed = try F.installer(system, tools).run(&inputs)
    #expect(failed.status?.status == .blocked)
    #expect(inputs.state.installFailed == true)

    // config-changed follows upgrade-charm with no input changed; it must try the tarball again, not report active.
    inputs.event = .hook("config-changed")
    let retried = try F.installer(system, tools).run(&inputs)
    #expect(system.count(F.npm(path)) == 2)
    #expect(retried.status?.message.contains("TAR_BAD_ARCHIVE") == true)

    system.replaceResponses(F.npm(path), .succeeded)
    system.onSuccess(F.npm(path)) { F.installOpenClaw($0, "2026.10.2") }
    inputs.event = .hook("update-status")
    #expect(try F.installer(system, tools).run(&inputs) == InstallOutcome(installedVersion: "2026.10.2"))
    #expect(inputs.state.installFailed == nil)

    // Once it succeeded, a hook with nothing changed runs no command again.
    inputs.event = .hook("update-status")
    _ = try F.installer(system, tools).run(&inputs)
    #expect(system.count(F.npm(path)) == 3)
  }

  @Test func emptyResourceUsesRegistry() throws {
    let system = F.machine(node: "24.18.0")
    system.addFile("/tmp/openclaw.tgz", "")
    let tools = ScriptedTools()
    tools.answer("resource-get", "/tmp/openclaw.tgz\n")
    var inputs = F.inputs("install")
    #expect(try F.installer(system, tools).run(&inputs).installedVersion == "2026.9.3")
    #expect(system.commandLines.last == F.npm("2026.9.3"))
  }

  @Test func latestOnLeader() throws {
    let system = F.machine(node: "24.18.0")
    var inputs = F.inputs("install", options: InstallOptions(openclawVersion: "latest"))
    let tools = ScriptedTools()
    let outcome = try F.installer(system, tools).run(&inputs)
    #expect(system.commandLines.last == F.npm("latest"))
    #expect(outcome.installedVersion == "2026.10.2")
    #expect(tools.statuses == ["maintenance: Installing OpenClaw latest"])

    // Later hooks leave it alone: latest is looked up again only in upgrade-charm.
    inputs.event = .hook("config-changed")
    _ = try F.installer(system, tools).run(&inputs)
    #expect(system.count(F.npm("latest")) == 1)
  }

  @Test func latestOnNodeInstallsGatewayVersion() throws {
    let system = F.machine(node: "24.18.0")
    var inputs = F.inputs("install", leader: false, gatewayVersion: "2026.8.21", options: InstallOptions(openclawVersion: "latest"))
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(system.commandLines.last == F.npm("2026.8.21"))
    #expect(outcome.installedVersion == "2026.8.21")
  }

  @Test(arguments: ["../../tmp/x", "git+https://127.0.0.1/x.git", "http://127.0.0.1/x.tgz", "2026.10.2 x", "v2026.10.2"])
  func nodeRejectsBadGatewayVersion(gatewayVersion: String) throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let tools = ScriptedTools()
    var inputs = F.inputs(
      "upgrade-charm", leader: false, state: F.installed("2026.9.3", requested: "latest"), gatewayVersion: gatewayVersion,
      options: InstallOptions(openclawVersion: "latest"))
    let outcome = try F.installer(system, tools).run(&inputs)

    #expect(system.commandLines.isEmpty)
    #expect(outcome.installedVersion == "2026.9.3")
    #expect(outcome.status?.status == .blocked)
    #expect(outcome.status?.message.contains("gateway-version") == true)
  }

  @Test func proxiesOnlyInEnvironment() throws {
    let environment = [
      "JUJU_CHARM_HTTP_PROXY": "http://squid.internal:3128",
      "JUJU_CHARM_HTTPS_PROXY": "http://alice:s3cret@squid.internal:3129",
      "JUJU_CHARM_NO_PROXY": "127.0.0.1,localhost,10.0.0.0/8",
    ]
    let http = "http://squid.internal:3128"
    let https = "http://alice:s3cret@squid.internal:3129"
    let noProxy = "127.0.0.1,localhost,10.0.0.0/8"
    // The command lines are the ones without proxies: curl, apt and npm read them from the environment.
    let curl = F.curl
    let npm = F.npm("2026.9.3")

    // Every install command succeeds on the fixture's machine, except npm, which fails once first, naming the proxy.
    let system = F.machine()
    system.replaceResponses(npm, F.failure(1, "npm error code ECONNREFUSED\nnpm error connect ECONNREFUSED via \(https)"), .succeeded)
    let tools = ScriptedTools()
    var inputs = F.inputs("install")
    let failed = try F.installer(system, tools, environment: environment).run(&inputs)

    #expect(system.commandLines == [curl, F.gpg, F.aptUpdate, F.aptInstall, F.nodeVersion, npm])
    let proxyVariables = [
      "http_proxy": http, "HTTP_PROXY": http, "https_proxy": https, "HTTPS_PROXY": https, "no_proxy": noProxy,
      "NO_PROXY": noProxy,
    ]
    for call in system.calls where call.commandLine != F.gpg && call.commandLine != F.nodeVersion {
      for (name, value) in proxyVariables {
        #expect(call.environment?[name] == value, "\(call.commandLine) lacks \(name)")
      }
    }
    #expect(system.calls.first { $0.commandLine == F.gpg }?.environment?["https_proxy"] == nil)
    for line in system.commandLines {
      #expect(!line.contains("squid.internal"), "\(line)")
    }

    // The proxy's password appears in no status or log line.
    let message = try #require(failed.status?.message)
    #expect(message.contains("http://***@squid.internal:3129"))
    #expect(message.contains("Check that the proxy in juju model-config juju-https-proxy and juju-http-proxy is reachable"))
    for text in tools.statuses + tools.logMessages {
      #expect(!text.contains("s3cret"), "\(text)")
    }
    inputs.event = .hook("update-status")
    #expect(try F.installer(system, tools, environment: environment).run(&inputs).installedVersion == "2026.9.3")
  }

  @Test func mirrorSetsSourceAndPin() throws {
    let mirror = "http://10.0.0.9:8080/nodesource"
    let system = F.machine()
    let curl = F.curl.replacing("https://deb.nodesource.com", with: mirror)
    system.respond(curl, .succeeded)
    var inputs = F.inputs("install", options: InstallOptions(nodesourceMirror: mirror))
    _ = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(system.commandLines.first == curl)
    #expect(system.files["/etc/apt/sources.list.d/nodesource.sources"]?.content.contains("URIs: \(mirror)/node_24.x\n") == true)
    #expect(system.files["/etc/apt/preferences.d/nodesource"]?.content.contains("Pin: origin 10.0.0.9\n") == true)
  }

  // MARK: - Steady state and upgrades

  @Test(arguments: ["config-changed", "update-status", "start", "leader-elected", "openclaw-cluster-relation-changed"])
  func steadyStateRunsNothing(hook: String) throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let tools = ScriptedTools()
    var inputs = F.inputs(hook, state: F.installed("2026.9.3"))
    #expect(try F.installer(system, tools).run(&inputs) == InstallOutcome(installedVersion: "2026.9.3"))
    #expect(system.commandLines.isEmpty)
    #expect(tools.calls.isEmpty)

    var node = F.inputs(hook, leader: false, state: F.installed("2026.9.3"), gatewayVersion: "2026.9.3")
    #expect(try F.installer(system, tools).run(&node) == InstallOutcome(installedVersion: "2026.9.3"))
    #expect(system.commandLines.isEmpty)
    #expect(tools.calls.isEmpty)
  }

  @Test func upgradeCharmChecksResourceOnly() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let tools = ScriptedTools()
    var inputs = F.inputs("upgrade-charm", state: F.installed("2026.9.3"))
    #expect(try F.installer(system, tools).run(&inputs) == InstallOutcome(installedVersion: "2026.9.3"))
    #expect(system.commandLines == [F.nodeVersion])
    #expect(tools.counted.map { $0[0] } == ["resource-get"])
  }

  @Test func nodeWaitsForGatewayThenUpgrades() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    let options = InstallOptions(openclawVersion: "2026.10.2")
    var inputs = F.inputs("config-changed", leader: false, state: F.installed("2026.9.3"), gatewayVersion: "2026.9.3",
      options: options)
    let waiting = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(waiting == InstallOutcome(
      installedVersion: "2026.9.3", status: UnitStatus(.waiting, "Waiting for the gateway to run OpenClaw 2026.10.2")))
    #expect(!system.commandLines.contains { $0.hasPrefix("npm") })

    // The leader published its new version: relation-changed installs it.
    inputs.event = .hook("openclaw-cluster-relation-changed")
    inputs.appData["gateway-version"] = "2026.10.2"
    let upgraded = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(upgraded == InstallOutcome(installedVersion: "2026.10.2"))
    #expect(system.count(F.npm("2026.10.2")) == 1)
  }

  @Test func leaderUpgradesWithoutWaiting() throws {
    let system = F.machine(node: "24.18.0", openclaw: "2026.9.3")
    var inputs = F.inputs("config-changed", state: F.installed("2026.9.3"), options: InstallOptions(openclawVersion: "2026.10.2"))
    let tools = ScriptedTools()
    #expect(try F.installer(system, tools).run(&inputs) == InstallOutcome(installedVersion: "2026.10.2"))
    #expect(tools.statuses == ["maintenance: Installing OpenClaw 2026.10.2"])
  }

  @Test func invalidOptionBlocksInstall() throws {
    let system = F.machine()
    var inputs = F.inputs("install")
    inputs.installOptions = .failure(ConfigError(option: "openclaw-version", message: "Option 'openclaw-version' is 'x'"))
    let outcome = try F.installer(system, ScriptedTools()).run(&inputs)
    #expect(outcome.status == UnitStatus(.blocked, "Option 'openclaw-version' is 'x'"))
    #expect(system.commandLines.isEmpty)
  }
}
