#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookTools

/// One node as `openclaw nodes status --json` lists it.
public struct NodeEntry: Decodable, Equatable, Sendable {
  public var nodeId: String?
  public var displayName: String?
  public var remoteIp: String?
  public var paired: Bool?
  public var connected: Bool?
}

/// The `openclaw` command line, run as the service user with the service's paths, as the services see them.
struct OpenClawCLI {
  let system: System
  let paths: Paths

  /// Returns the installed version (`openclaw --version`), or nil when it cannot run.
  func version() -> String? {
    guard let output = try? system.run(paths.openclaw, ["--version"], environment: environment(token: nil), timeoutSeconds: 30),
      output.status == 0
    else { return nil }
    let text = output.stdoutText.trimmed
    // Releases print either the bare version or `openclaw <version>`.
    return text.split(separator: " ").last.map(String.init)
  }

  /// Returns the nodes the gateway lists (`openclaw nodes status --json`), passing the token in the environment.
  ///
  /// On a node unit the config says `gateway.mode: remote`, so the CLI asks the gateway it points at.
  func nodesStatus(token: String) throws -> [NodeEntry] {
    struct Listing: Decodable { var nodes: [NodeEntry]? }
    let output = try runAsServiceUser(["nodes", "status", "--json"], token: token)
    guard output.status == 0 else {
      throw SystemError.commandFailed(command: "openclaw nodes status --json", status: output.status, stderr: output.stderrText)
    }
    // Some releases print a summary line before the JSON document, so decode from the first brace.
    let bytes = output.stdout.drop { $0 != UInt8(ascii: "{") }
    guard let listing = try? JSONDecoder().decode(Listing.self, from: Data(bytes)) else {
      throw SystemError.commandFailed(
        command: "openclaw nodes status --json", status: 0, stderr: "the output is not the expected JSON")
    }
    return listing.nodes ?? []
  }

  private func runAsServiceUser(_ arguments: [String], token: String?) throws -> ProcessOutput {
    // setpriv (util-linux) keeps the environment, unlike su and runuser -l, so the token never needs an argument.
    let command = [
      "--reuid=\(CharmIdentity.user)", "--regid=\(CharmIdentity.user)", "--init-groups", "--", paths.openclaw,
    ] + arguments
    return try system.run("setpriv", command, environment: environment(token: token), timeoutSeconds: 30)
  }

  private func environment(token: String?) -> [String: String] {
    var environment = [
      "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME": paths.stateDirectory,
      "OPENCLAW_STATE_DIR": paths.stateDirectory,
      "OPENCLAW_CONFIG_PATH": paths.configFile,
      "LANG": "C.UTF-8",
    ]
    if let token { environment["OPENCLAW_GATEWAY_TOKEN"] = token }
    return environment
  }
}
