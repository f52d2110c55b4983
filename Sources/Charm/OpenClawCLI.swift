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
  /// Whether the node's command surface (system.run and the rest) is approved; absent on older releases.
  public var commandsApproved: Bool?
}

/// A pending pairing request, from `devices list --json` (device step) or `nodes pending --json` (commands step).
public struct PairingRequest: Decodable, Equatable, Sendable {
  public var requestId: String
  public var displayName: String?
  public var remoteIp: String?
  public var role: String?
}

/// A paired device from `devices list --json`.
public struct PairedDevice: Decodable, Equatable, Sendable {
  public var deviceId: String?
  public var displayName: String?
  public var remoteIp: String?
}

/// The output of `devices list --json`.
public struct DeviceListing: Decodable, Equatable, Sendable {
  public var pending: [PairingRequest]?
  public var paired: [PairedDevice]?
}

/// A CLI call the gateway rejected or that could not reach it; `message` is what OpenClaw printed.
public struct OpenClawCLIError: Error, CustomStringConvertible, Equatable {
  public var command: String
  public var message: String

  public var description: String { "'openclaw \(command)' failed: \(message)" }

  /// Whether the gateway rejected the token, as opposed to being unreachable.
  public var isAuthFailure: Bool {
    let lowered = message.lowercased()
    return lowered.contains("unauthorized") || lowered.contains("token mismatch")
  }

  /// Whether the gateway's certificate did not match the pinned fingerprint.
  public var isFingerprintMismatch: Bool { message.lowercased().contains("fingerprint") }
}

/// The `openclaw` command line, run as the service user with the service's paths, as the services see them.
struct OpenClawCLI {
  let system: System
  let paths: Paths

  /// Returns the nodes the gateway lists (`openclaw nodes status --json`), passing the token in the environment.
  ///
  /// On a node unit the config sets `gateway.mode: remote`, so the CLI queries the gateway it points at.
  func nodesStatus(token: String) throws -> [NodeEntry] {
    struct Listing: Decodable { var nodes: [NodeEntry]? }
    return try runJSON(Listing.self, ["nodes", "status", "--json"], token: token).nodes ?? []
  }

  /// Returns whether `openclaw health --json` reports `ok: true`, and throws when the gateway cannot be reached.
  ///
  /// The CLI speaks TLS when the gateway does, so one check serves both, and needs no HTTP client in the charm.
  func health(token: String) throws -> Bool {
    struct Health: Decodable { var ok: Bool? }
    return try runJSON(Health.self, ["health", "--json"], token: token).ok == true
  }

  /// Returns pending and paired devices (`openclaw devices list --json`).
  func devicesList(token: String) throws -> DeviceListing {
    try runJSON(DeviceListing.self, ["devices", "list", "--json"], token: token)
  }

  /// Returns pending command-surface requests (`openclaw nodes pending --json`).
  func nodesPending(token: String) throws -> [PairingRequest] {
    struct Listing: Decodable { var pending: [PairingRequest]? }
    return try runJSON(Listing.self, ["nodes", "pending", "--json"], token: token).pending ?? []
  }

  /// Approves a device pairing request (`openclaw devices approve <id>`).
  func devicesApprove(_ requestId: String, token: String) throws {
    try runChecked(["devices", "approve", requestId], token: token)
  }

  /// Approves a node's command surface (`openclaw nodes approve <id>`).
  func nodesApprove(_ requestId: String, token: String) throws {
    try runChecked(["nodes", "approve", requestId], token: token)
  }

  // MARK: - Running

  private func runJSON<T: Decodable>(_ type: T.Type, _ arguments: [String], token: String) throws -> T {
    let output = try runChecked(arguments, token: token)
    // Some releases print a summary line before the JSON document, so decode from the first brace.
    let bytes = output.stdout.drop { $0 != UInt8(ascii: "{") }
    guard let value = try? JSONDecoder().decode(T.self, from: Data(bytes)) else {
      throw OpenClawCLIError(command: arguments.joined(separator: " "), message: "the output is not the expected JSON")
    }
    return value
  }

  @discardableResult
  private func runChecked(_ arguments: [String], token: String) throws -> ProcessOutput {
    let output = try runAsServiceUser(arguments, token: token)
    guard output.status == 0 else {
      throw OpenClawCLIError(command: arguments.joined(separator: " "), message: Self.errorMessage(output))
    }
    return output
  }

  /// Returns the message of a failed call: the `--json` error document's message, or the last line of stderr.
  static func errorMessage(_ output: ProcessOutput) -> String {
    struct Failure: Decodable {
      struct Detail: Decodable { var message: String? }
      var error: Detail?
    }
    let bytes = output.stdout.drop { $0 != UInt8(ascii: "{") }
    if let failure = try? JSONDecoder().decode(Failure.self, from: Data(bytes)), let message = failure.error?.message {
      return message
    }
    let lines = output.stderrText.split(separator: "\n")
    return lines.last.map(String.init) ?? "exit status \(output.status)"
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
