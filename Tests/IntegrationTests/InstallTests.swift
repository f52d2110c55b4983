import Foundation
import Testing

/// The install step end to end in juju-sim units that start without Node.js or OpenClaw.
///
/// The cases are a fresh install behind a proxy, installs from the `openclaw-package` resource, failures that
/// recover by themselves, a version upgrade across three units, and state on the `state` storage. The install
/// commands come from the stand-ins' record in each unit, `/var/log/juju-sim/commands.jsonl`.
@Suite(.serialized) struct InstallTests {
  static let assistantConfig = [
    "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key", "--config",
    "ai-model=claude-opus-4-5",
  ]
  static let npmInstall = ["npm", "install", "--global", "--no-fund", "--no-audit"]
  static let keyring = "/etc/apt/keyrings/nodesource.gpg"
  static let source = "/etc/apt/sources.list.d/nodesource.sources"
  static let pin = "/etc/apt/preferences.d/nodesource"
  static let manifest = "/usr/lib/node_modules/openclaw/package.json"

  @Test func freshUnitInstallsBehindProxy() throws {
    let sim = Sim()
    defer { sim.destroy() }
    // Without units first, so the model's proxy settings are in place for the first unit's install hook.
    try sim.must(["deploy", "-n", "0"] + Self.assistantConfig)
    let proxy = "http://127.0.0.1:3128"
    try sim.must("model-config", "juju-http-proxy=\(proxy)", "juju-https-proxy=\(proxy)", "juju-no-proxy=localhost")
    try sim.must("add-unit")

    let calls = try sim.commands("openclaw/0")
    #expect(calls.map(\.argv) == [
      ["useradd", "--system", "--user-group", "--home-dir", "/var/lib/openclaw", "--no-create-home", "--shell",
       "/usr/sbin/nologin", "openclaw"],
      ["curl", "--fail", "--silent", "--show-error", "--location", "--max-time", "120", "--output",
       "/var/lib/openclaw-charm/nodesource-repo.gpg.key", "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"],
      ["gpg", "--batch", "--yes", "--dearmor", "--output", Self.keyring, "/var/lib/openclaw-charm/nodesource-repo.gpg.key"],
      ["apt-get", "update", "--error-on=any"],
      ["apt-get", "install", "--yes", "--no-install-recommends", "nodejs"],
      ["node", "--version"],
      Self.npmInstall + ["openclaw@2026.9.3"],
    ])
    #expect(calls.allSatisfy { $0.exit == 0 }, "\(calls)")

    // The proxies reach the downloads through the environment only, never a command line.
    let proxies = [
      "http_proxy": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy, "HTTPS_PROXY": proxy, "no_proxy": "localhost",
      "NO_PROXY": "localhost",
    ]
    for call in calls {
      let downloads = ["curl", "apt-get", "npm"].contains(call.argv[0])
      let proxyVariables = call.environment.filter { proxies[$0.key] != nil }
      #expect(proxyVariables == (downloads ? proxies : [:]), "\(call.argv)")
      #expect(!call.argv.contains { $0.contains("3128") }, "\(call.argv)")
    }
    #expect(calls.first { $0.argv[0] == "npm" }?.environment["SHARP_IGNORE_GLOBAL_LIBVIPS"] == "1")
    #expect(calls.filter { $0.argv[0] == "apt-get" }.allSatisfy { $0.environment["DEBIAN_FRONTEND"] == "noninteractive" })

    // The files the install leaves, and nothing of the downloaded key.
    let files = try sim.ssh(
      "openclaw/0",
      """
      stat -c '%a %U %F' \(Self.keyring) \(Self.source) \(Self.pin)
      cat \(Self.source) \(Self.pin)
      readlink /usr/bin/openclaw
      openclaw --version
      ls /var/lib/openclaw-charm/nodesource-repo.gpg.key 2>&1 >/dev/null | wc -l
      """)
    #expect(files.stdout == """
      644 root regular file
      644 root regular file
      644 root regular file
      Types: deb
      URIs: https://deb.nodesource.com/node_24.x
      Suites: nodistro
      Components: main
      Signed-By: /etc/apt/keyrings/nodesource.gpg
      Package: nodejs
      Pin: origin deb.nodesource.com
      Pin-Priority: 600
      ../lib/node_modules/openclaw/openclaw.mjs
      2026.9.3
      1

      """)
    #expect(try sim.manifestVersion("openclaw/0") == "2026.9.3")

    // Each step showed its maintenance status first, in order, then the version was reported.
    let install = try sim.toolCalls(unit: "openclaw/0", hook: "install")
    let maintenance = install.filter { $0.tool == "status-set" && $0.args.first == "maintenance" }.map { $0.args.last! }
    #expect(maintenance == ["Creating the system user openclaw", "Installing Node.js 24", "Installing OpenClaw 2026.9.3"])
    #expect(install.filter { $0.tool == "application-version-set" }.map(\.args) == [["--", "2026.9.3"]])
    #expect(try sim.applicationVersion() == "2026.9.3")
    #expect(try sim.units()["openclaw/0"]?.workloadCurrent == "active")

    // Later hooks find everything in place and run no install command.
    try sim.must("update-status")
    #expect(try sim.commands("openclaw/0").count == calls.count)
  }

  @Test func resourceAttachedBeforeUnits() throws {
    let sim = Sim()
    defer { sim.destroy() }
    let tarball = try Self.tarball("2026.10.2")
    defer { try? FileManager.default.removeItem(atPath: tarball) }
    try sim.must(["deploy", "-n", "0"] + Self.assistantConfig)
    try sim.must("attach-resource", "openclaw-package=\(tarball)")
    try sim.must("add-unit", "-n", "2")
    try sim.must("update-status")

    for unit in ["openclaw/0", "openclaw/1"] {
      let npm = try sim.commands(unit).filter { $0.argv[0] == "npm" }
      #expect(npm.map(\.argv) == [Self.npmInstall + [Self.resourcePath(unit, "openclaw-2026.10.2.tgz")]], "\(unit)")
      #expect(try sim.manifestVersion(unit) == "2026.10.2", "\(unit)")
    }
    let maintenance = try sim.toolCalls(unit: "openclaw/0", hook: "install").filter { $0.tool == "status-set" }
    #expect(maintenance.contains { $0.args.last == "Installing OpenClaw from the openclaw-package resource" })
    #expect(try sim.applicationVersion() == "2026.10.2")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
  }

  @Test func resourceAttachedAfterDeploy() throws {
    let sim = Sim()
    defer { sim.destroy() }
    let tarball = try Self.tarball("2026.10.2")
    defer { try? FileManager.default.removeItem(atPath: tarball) }
    try sim.must(["deploy", "-n", "1"] + Self.assistantConfig)
    #expect(try sim.applicationVersion() == "2026.9.3")
    let before = try sim.gatewayEvents("openclaw/0").count

    // attach-resource runs upgrade-charm, which installs the tarball in place of the registry's release.
    try sim.must("attach-resource", "openclaw-package=\(tarball)")
    let npm = try sim.commands("openclaw/0").filter { $0.argv[0] == "npm" }.map(\.argv)
    #expect(npm == [
      Self.npmInstall + ["openclaw@2026.9.3"], Self.npmInstall + [Self.resourcePath("openclaw/0", "openclaw-2026.10.2.tgz")],
    ])
    #expect(try sim.manifestVersion("openclaw/0") == "2026.10.2")
    #expect(try sim.applicationVersion() == "2026.10.2")
    #expect(Array(try sim.gatewayEvents("openclaw/0").dropFirst(before)) == ["stop", "start"])
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
  }

  @Test func failedDownloadRecoversWithoutResolve() throws {
    let sim = Sim()
    defer { sim.destroy() }
    // A fault needs a deployed model, so the unit comes after it.
    try sim.must(["deploy", "-n", "0"] + Self.assistantConfig)
    try sim.must("fault", "download-unreachable", "always")
    try sim.must("add-unit")

    let unit = try #require(try sim.units()["openclaw/0"])
    #expect(unit.workloadCurrent == "blocked")
    #expect(unit.workloadMessage == "Node.js install failed: downloading https://deb.nodesource.com/gpgkey/"
      + "nodesource-repo.gpg.key failed (curl: (6) Could not resolve host: deb.nodesource.com). Set juju model-config "
      + "juju-https-proxy=<url> if this network needs a proxy, or set nodesource-mirror to a reachable mirror; the next "
      + "hook retries.")
    #expect(try sim.noAptSourceLeft("openclaw/0"))
    let attempts = try sim.commands("openclaw/0").filter { $0.argv[0] == "curl" }.count

    // update-status retries the download while the network is still down, and leaves nothing behind either.
    try sim.must("update-status")
    let curl = try sim.commands("openclaw/0").filter { $0.argv[0] == "curl" }
    #expect(curl.count == attempts + 1)
    #expect(curl.allSatisfy { $0.exit == 6 }, "\(curl)")
    #expect(try sim.commands("openclaw/0").allSatisfy { !["gpg", "apt-get", "npm"].contains($0.argv[0]) })
    #expect(try sim.units()["openclaw/0"]?.workloadCurrent == "blocked")
    #expect(try sim.noAptSourceLeft("openclaw/0"))
    #expect(try sim.unitsInError() == [])

    // Once the network is back, the next hook installs everything, with no resolve.
    try sim.must("fault", "download-unreachable", "clear")
    try sim.must("update-status")
    let recovered = try #require(try sim.units()["openclaw/0"])
    #expect(recovered.workloadCurrent == "active", "\(recovered.workloadMessage)")
    #expect(try sim.manifestVersion("openclaw/0") == "2026.9.3")
    #expect(try sim.applicationVersion() == "2026.9.3")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
  }

  @Test func failedAptUpdateRemovesSource() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(["deploy", "-n", "0"] + Self.assistantConfig)
    try sim.must("fault", "apt-get update", "always")
    try sim.must("add-unit")

    // The key and the source were in place when apt-get update failed; each hook's attempt removed all of them.
    let calls = try sim.commands("openclaw/0")
    let update = try #require(calls.firstIndex { $0.argv.prefix(2) == ["apt-get", "update"] })
    #expect(calls[..<update].map { $0.argv[0] } == ["useradd", "curl", "gpg"])
    #expect(calls[update].exit == 1)
    #expect(calls.allSatisfy { !["npm", "node"].contains($0.argv[0]) })
    #expect(try sim.noAptSourceLeft("openclaw/0"))
    let unit = try #require(try sim.units()["openclaw/0"])
    #expect(unit.workloadCurrent == "blocked")
    #expect(unit.workloadMessage.hasPrefix(
      "Node.js install failed: apt-get update failed (ERROR injected fault: apt-get update). Check nodesource-mirror"))
    #expect(unit.workloadMessage.hasSuffix("; the next hook retries."))
    let log = try sim.must("debug-log", "openclaw/0")
    for path in [Self.keyring, Self.source, Self.pin] {
      #expect(log.contains("Removed \(path) after the failed Node.js install"), "\(path)")
    }

    // Without the fault, the next hook installs everything, with no resolve.
    try sim.must("fault", "apt-get update", "clear")
    try sim.must("update-status")
    #expect(try sim.units()["openclaw/0"]?.workloadCurrent == "active")
    #expect(try sim.manifestVersion("openclaw/0") == "2026.9.3")
    #expect(try sim.unitsInError() == [])
  }

  @Test func upgradeGatewayFirstThenNodes() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    // The leader runs last in each round of hooks, so the nodes see the new option before the gateway upgrades.
    try sim.must("elect", "openclaw/2")
    try sim.must("update-status")
    let leader = "openclaw/2"
    let nodes = ["openclaw/0", "openclaw/1"]
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
    let token = try #require(try UnitFiles(sim, unit: leader).token)
    let gatewayBefore = try sim.gatewayEvents(leader).count
    var nodeStartsBefore: [String: Int] = [:]
    for node in nodes { nodeStartsBefore[node] = try sim.serviceStarts(node, "openclaw-node.service") }
    let callsBefore = try sim.toolCalls().count

    try sim.must("config", "openclaw-version=2026.10.2")
    try sim.must("update-status")

    // Order: each node waited, the gateway reported the new release, and only then did a node report it.
    let calls = Array(try sim.toolCalls().dropFirst(callsBefore))
    let reported = calls.indices.filter { calls[$0].tool == "application-version-set" && calls[$0].args.last == "2026.10.2" }
    #expect(reported.map { calls[$0].unit }.first == leader)
    #expect(Set(reported.map { calls[$0].unit }) == Set([leader] + nodes))
    let gatewayReported = try #require(reported.first)
    for node in nodes {
      let waited = calls.firstIndex {
        $0.unit == node && $0.tool == "status-set" && $0.args.last == "Waiting for the gateway to run OpenClaw 2026.10.2"
      }
      #expect(waited.map { $0 < gatewayReported } == true, "\(node) did not wait for the gateway")
      let npm = try sim.commands(node).filter { $0.argv[0] == "npm" }.map(\.argv)
      #expect(npm.last == Self.npmInstall + ["openclaw@2026.10.2"], "\(node)")
      #expect(try sim.manifestVersion(node) == "2026.10.2", "\(node)")
    }

    // Every service restarted exactly once, on the new release.
    let events = try sim.gatewayEvents(leader)
    #expect(Array(events.dropFirst(gatewayBefore)) == ["stop", "start"])
    #expect(try sim.gatewayStartVersions(leader).last == "2026.10.2")
    for node in nodes {
      #expect(try sim.serviceStarts(node, "openclaw-node.service") == nodeStartsBefore[node]! + 1, "\(node)")
    }
    #expect(try sim.applicationVersion() == "2026.10.2")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort, token: token) == [])
  }

  @Test func stateOnStorageVolume() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(["deploy", "-n", "2", "--storage", "state=1G"] + Self.assistantConfig)
    try sim.must("update-status")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])

    // The storage hook ran first, and OpenClaw's state landed in each unit's volume, owned by the service user.
    for unit in ["openclaw/0", "openclaw/1"] {
      let first = try sim.toolCalls().first { $0.unit == unit }
      #expect(first?.hook == "state-storage-attached", "\(unit)")
      let owner = try sim.ssh(unit, "stat -c '%U:%G %a' /var/lib/openclaw").stdout
      #expect(owner == "openclaw:openclaw 750\n", "\(unit)")
    }
    let volumes = sim.model + "/storage"
    #expect(FileManager.default.fileExists(atPath: volumes + "/state-0/openclaw.json"))
    #expect(FileManager.default.fileExists(atPath: volumes + "/state-1/identity/device.json"))
    let storage = try sim.storage()
    #expect(Self.storageState(storage["state/0"]) == "attached")
    #expect(Self.storageState(storage["state/1"]) == "attached")

    // A removed node's volume stays in the model, detached, with the node's identity on it.
    try sim.must("remove-unit", "openclaw/1")
    let after = try sim.storage()
    #expect(Self.storageState(after["state/1"]) == "detached")
    #expect(Self.storageState(after["state/0"]) == "attached")
    #expect(FileManager.default.fileExists(atPath: volumes + "/state-1/identity/device.json"))
    try sim.must("update-status")
    #expect(try sim.convergenceProblems(port: Sim.defaultPort) == [])
  }

  // MARK: - Helpers

  /// Writes an npm pack tarball of `version` with the stand-ins' tool and returns its path.
  static func tarball(_ version: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tarball-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/openclaw-\(version).tgz"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Sim.repository.path + "/stand-ins/make-openclaw-tarball")
    process.arguments = [version, path]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    return path
  }

  /// Where `resource-get openclaw-package` puts the attached file in `unit`.
  static func resourcePath(_ unit: String, _ fileName: String) -> String {
    "/var/lib/juju/agents/unit-\(unit.replacingOccurrences(of: "/", with: "-"))/resources/openclaw-package/\(fileName)"
  }

  static func storageState(_ instance: [String: Any]?) -> String? {
    (instance?["status"] as? [String: Any])?["current"] as? String
  }
}

/// One line of a unit's `/var/log/juju-sim/commands.jsonl`.
struct RecordedCommand: CustomStringConvertible {
  var argv: [String]
  var environment: [String: String]
  var exit: Int

  var description: String { "\(argv.joined(separator: " ")) -> \(exit)" }
}

/// One line of the model's `hook-tool-calls.jsonl`.
struct HookToolCall {
  var unit: String
  var hook: String
  var tool: String
  var args: [String]
}

extension Sim {
  /// The install tools' calls in `unit`, oldest first.
  func commands(_ unit: String) throws -> [RecordedCommand] {
    let text = try ssh(unit, "cat /var/log/juju-sim/commands.jsonl 2>/dev/null").stdout
    return text.split(separator: "\n").compactMap { line in
      guard let call = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return RecordedCommand(
        argv: call["argv"] as? [String] ?? [], environment: call["env"] as? [String: String] ?? [:],
        exit: call["exit"] as? Int ?? -1)
    }
  }

  /// Every hook-tool call of the model, oldest first; juju-sim runs one hook at a time, so the order is the order
  /// the units made them in.
  func toolCalls(unit: String? = nil, hook: String? = nil) throws -> [HookToolCall] {
    let text = (try? String(contentsOfFile: model + "/hook-tool-calls.jsonl", encoding: .utf8)) ?? ""
    let calls = text.split(separator: "\n").compactMap { line -> HookToolCall? in
      guard let call = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return HookToolCall(
        unit: call["unit"] as? String ?? "", hook: call["hook"] as? String ?? "", tool: call["tool"] as? String ?? "",
        args: call["args"] as? [String] ?? [])
    }
    return calls.filter { (unit == nil || $0.unit == unit) && (hook == nil || $0.hook == hook) }
  }

  /// `applications.openclaw.version` in `status --format json`.
  func applicationVersion() throws -> String? {
    let document = try JSONSerialization.jsonObject(with: Data(try must("status", "--format", "json").utf8)) as? [String: Any]
    let application = (document?["applications"] as? [String: Any])?["openclaw"] as? [String: Any]
    return application?["version"] as? String
  }

  /// The storage instances in `status --format json`, keyed by id.
  func storage() throws -> [String: [String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(try must("status", "--format", "json").utf8)) as? [String: Any]
    return (document?["storage"] as? [String: Any])?["storage"] as? [String: [String: Any]] ?? [:]
  }

  /// The `version` in the unit's installed OpenClaw manifest.
  func manifestVersion(_ unit: String) throws -> String? {
    let text = try ssh(unit, "cat /usr/lib/node_modules/openclaw/package.json").stdout
    let manifest = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return manifest?["version"] as? String
  }

  /// Whether the unit has none of the keyring, apt source and pin a Node.js install writes.
  func noAptSourceLeft(_ unit: String) throws -> Bool {
    let paths = [InstallTests.keyring, InstallTests.source, InstallTests.pin, "/var/lib/openclaw-charm/nodesource-repo.gpg.key"]
    let result = try ssh(unit, "for path in \(paths.joined(separator: " ")); do [ -e $path ] && echo $path; done; true")
    return result.stdout.isEmpty
  }

  /// How often the systemctl stand-in started `service` on `unit`, from the service's log.
  func serviceStarts(_ unit: String, _ service: String) throws -> Int {
    let text = try ssh(unit, "cat /var/log/juju-sim/\(service).log 2>/dev/null").stdout
    return text.split(separator: "\n").filter { $0.contains(" Started \(service) ") }.count
  }

  /// The OpenClaw release of each gateway start on `unit`, oldest first.
  func gatewayStartVersions(_ unit: String) throws -> [String] {
    let text = try ssh(unit, "cat /var/lib/openclaw/sim/gateway-events.jsonl 2>/dev/null").stdout
    return text.split(separator: "\n").compactMap { line in
      let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return event?["event"] as? String == "start" ? event?["version"] as? String : nil
    }
  }
}
