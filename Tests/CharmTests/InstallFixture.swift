import HookTools
import Testing

@testable import Charm

/// A hook-tool runner with canned output per tool, which records every call with its arguments.
///
/// Tools without canned output record a test issue. `status-set`, `juju-log` and `application-version-set` succeed by
/// default; `resource-get` fails as Juju does when no file was uploaded.
final class ScriptedTools: HookToolRunner {
  private(set) var calls: [[String]] = []
  var answers: [String: ProcessOutput] = [
    "status-set": ProcessOutput(status: 0),
    "juju-log": ProcessOutput(status: 0),
    "application-version-set": ProcessOutput(status: 0),
    "resource-get": ProcessOutput(
      status: 1, stderr: Array(#"ERROR could not download resource: resource "openclaw-package" not found"#.utf8)),
  ]

  func answer(_ tool: String, _ stdout: String) {
    answers[tool] = ProcessOutput(status: 0, stdout: Array(stdout.utf8))
  }

  func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> ProcessOutput {
    calls.append([tool] + arguments)
    guard let answer = answers[tool] else {
      Issue.record("unexpected hook tool \(tool)")
      return ProcessOutput(status: 1)
    }
    return answer
  }

  /// The calls other than juju-log, which the hook-tool budgets leave out.
  var counted: [[String]] { calls.filter { $0[0] != "juju-log" } }

  /// The messages of `status-set` calls, as `<status>: <message>`.
  var statuses: [String] {
    calls.filter { $0[0] == "status-set" }.map { "\($0[1]): \($0.last ?? "")" }
  }

  var logMessages: [String] { calls.filter { $0[0] == "juju-log" }.map { $0.last ?? "" } }
}

/// Command lines and machines for the install tests. A bare machine has no Node.js and no OpenClaw. The canned
/// apt-get and npm runs install them, as the real tools would.
enum InstallFixture {
  static let keyURL = "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"
  static let curl = "curl --fail --silent --show-error --location --max-time 120 --output "
    + "/var/lib/openclaw-charm/nodesource-repo.gpg.key \(keyURL)"
  static let gpg = "gpg --batch --yes --dearmor --output /etc/apt/keyrings/nodesource.gpg "
    + "/var/lib/openclaw-charm/nodesource-repo.gpg.key"
  static let aptUpdate = "apt-get update --error-on=any"
  static let aptInstall = "apt-get install --yes --no-install-recommends nodejs"
  static let nodeVersion = "/usr/bin/node --version"
  static let useradd = "useradd --system --user-group --home-dir /var/lib/openclaw --no-create-home --shell "
    + "/usr/sbin/nologin openclaw"

  /// Returns the command that reads the manifest of the tarball at `path` before npm installs it.
  static func manifestRead(_ path: String) -> String {
    "tar --extract --to-stdout --gzip --file \(path) package/package.json"
  }

  /// Returns a successful run of `manifestRead` that printed a manifest of package `name`.
  static func manifest(_ name: String) -> ProcessOutput {
    ProcessOutput(status: 0, stdout: Array(#"{"name": "\#(name)", "version": "2026.10.2"}"#.utf8))
  }

  static func npm(_ target: String) -> String {
    "npm install --global --no-fund --no-audit " + (target.hasPrefix("/") ? target : "openclaw@" + target)
  }

  /// The apt files a Node.js install leaves behind.
  static let aptFiles = [
    "/etc/apt/keyrings/nodesource.gpg", "/etc/apt/sources.list.d/nodesource.sources", "/etc/apt/preferences.d/nodesource",
  ]

  /// Returns a machine with the openclaw user and, if given, Node.js of `node` and OpenClaw of `openclaw`, on which
  /// every install command succeeds. `latest` on the registry is 2026.10.2.
  static func machine(node: String? = nil, openclaw: String? = nil) -> FakeSystem {
    let system = FakeSystem()
    system.simulatesHost = true
    system.users = ["openclaw"]
    if let node { installNode(system, node) }
    if let openclaw { installOpenClaw(system, openclaw) }

    system.respond(curl, .succeeded)
    system.onSuccess(curl) { $0.addFile("/var/lib/openclaw-charm/nodesource-repo.gpg.key", "-----BEGIN PGP PUBLIC KEY BLOCK-----") }
    system.respond(gpg, .succeeded)
    system.onSuccess(gpg) { $0.addFile("/etc/apt/keyrings/nodesource.gpg", "binary key") }
    system.respond(aptUpdate, .succeeded)
    system.respond(aptInstall, .succeeded)
    system.onSuccess(aptInstall) { installNode($0, "24.18.0") }
    for version in ["2026.8.21", "2026.9.3", "2026.10.2"] {
      system.respond(npm(version), ProcessOutput(status: 0, stdout: Array("added 1 package in 1s\n".utf8)))
      system.onSuccess(npm(version)) { installOpenClaw($0, version) }
    }
    system.respond(npm("latest"), ProcessOutput(status: 0, stdout: Array("added 1 package in 1s\n".utf8)))
    system.onSuccess(npm("latest")) { installOpenClaw($0, "2026.10.2") }
    return system
  }

  static func installNode(_ system: FakeSystem, _ version: String) {
    system.addFile("/usr/bin/node", "ELF", mode: 0o755)
    system.replaceResponses(nodeVersion, ProcessOutput(status: 0, stdout: Array("v\(version)\n".utf8)))
  }

  static func installOpenClaw(_ system: FakeSystem, _ version: String) {
    system.addFile(
      "/usr/lib/node_modules/openclaw/package.json",
      #"{"name": "openclaw", "version": "\#(version)", "bin": {"openclaw": "openclaw.mjs"}}"#)
  }

  /// Returns a failed run that printed `stderr`.
  static func failure(_ status: Int32, _ stderr: String) -> ProcessOutput {
    ProcessOutput(status: status, stderr: Array(stderr.utf8))
  }

  /// Returns the inputs of `hook` on the leader or on node openclaw/1, with `state` and `gatewayVersion` published.
  static func inputs(
    _ hook: String, leader: Bool = true, state: LocalState = LocalState(), gatewayVersion: String? = nil,
    options: InstallOptions = InstallOptions()
  ) -> Inputs {
    var appData = Fixture.publishedAppData
    appData["gateway-version"] = gatewayVersion
    var inputs = leader ? Fixture.leader(appData: appData) : Fixture.node(appData: appData)
    inputs.event = .hook(hook)
    inputs.state = state
    inputs.installOptions = .success(options)
    return inputs
  }

  /// Returns the state of a unit that installed `version` from the registry for `openclaw-version` `requested`.
  static func installed(_ version: String, requested: String? = nil) -> LocalState {
    var state = LocalState()
    state.requestedVersion = requested ?? version
    state.reportedVersion = version
    return state
  }

  static func installer(_ system: FakeSystem, _ tools: ScriptedTools, environment: [String: String] = [:]) -> Installer {
    let hookTools = HookTools(runner: tools)
    return Installer(
      tools: hookTools, system: system, paths: Fixture.paths, log: Log(tools: hookTools),
      proxy: Proxy(environment: environment))
  }
}
