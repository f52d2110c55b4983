#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HookTools

/// The origin of an OpenClaw install.
public enum PackageSource: Equatable, Sendable {
  /// The npm registry, with the version or dist-tag after `openclaw@`.
  case registry(String)
  /// The `openclaw-package` resource: a tarball at `path` whose SHA-256 is `digest`.
  case resource(path: String, digest: String)
}

/// The action a unit takes about OpenClaw in one hook.
public enum PackageDecision: Equatable, Sendable {
  case keep
  case install(PackageSource)
  /// A node waits for the gateway, with this status message.
  case wait(String)
}

/// Chooses what to install. Pure, so the upgrade order is tested with plain values.
///
/// The gateway accepts nodes one protocol version behind it, never ahead, so the leader installs first and
/// publishes its version as `gateway-version`. A node then installs a pinned release only when it is not newer
/// than the gateway's. With `latest` or the resource, whose version a node cannot know before installing, a node
/// installs exactly the gateway's version: from the registry for `latest`, from the resource once the gateway runs
/// a version other than the node's.
public enum PackagePolicy {
  public static func decide(
    options: InstallOptions, isLeader: Bool, installed: String?, gatewayVersion: String?,
    resource: (path: String, digest: String)?, installedResourceDigest: String?
  ) -> PackageDecision {
    if isLeader {
      if let resource {
        return installed == nil || resource.digest != installedResourceDigest
          ? .install(.resource(path: resource.path, digest: resource.digest)) : .keep
      }
      if options.followsLatest { return .install(.registry("latest")) }
      return installed == options.openclawVersion ? .keep : .install(.registry(options.openclawVersion))
    }

    if !options.followsLatest && resource == nil && installed == options.openclawVersion { return .keep }
    guard let gatewayVersion else {
      if options.followsLatest || resource != nil { return .wait("Waiting for the gateway to publish its OpenClaw version") }
      return .wait("Waiting for the gateway to run OpenClaw \(options.openclawVersion)")
    }
    if let resource {
      let differs = installed != gatewayVersion && resource.digest != installedResourceDigest
      return installed == nil || differs ? .install(.resource(path: resource.path, digest: resource.digest)) : .keep
    }
    if options.followsLatest {
      return installed == gatewayVersion ? .keep : .install(.registry(gatewayVersion))
    }
    guard let wanted = SemanticVersion(options.openclawVersion), let running = SemanticVersion(gatewayVersion),
      wanted <= running
    else { return .wait("Waiting for the gateway to run OpenClaw \(options.openclawVersion)") }
    return .install(.registry(options.openclawVersion))
  }
}

/// Installs OpenClaw with npm and reads the installed version from its manifest.
struct OpenClawInstaller {
  let system: System
  let paths: Paths
  let command: InstallCommand

  /// Returns the `version` in `/usr/lib/node_modules/openclaw/package.json`, or nil when OpenClaw is not installed.
  func installedVersion() -> String? {
    struct Manifest: Decodable { var version: String? }
    guard let bytes = system.readFile(paths.openclawPackageManifest),
      let version = try? JSONDecoder().decode(Manifest.self, from: Data(bytes)).version?.trimmed,
      !version.isEmpty, version.count <= 64, version.allSatisfy({ $0.isASCII && !$0.isWhitespace })
    else { return nil }
    return version
  }

  /// Runs `npm install --global` for `source` and returns the version it installed.
  /// - Throws: `InstallError` naming the cause and the option, resource or proxy setting that fixes it.
  func install(_ source: PackageSource) throws -> String {
    // npm reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the environment, so the proxies' credentials stay off
    // its command line.
    if case .resource(let path, _) = source { try checkPackageName(source, path) }
    var arguments = ["install", "--global", "--no-fund", "--no-audit"]
    switch source {
    case .registry(let spec): arguments.append("openclaw@" + spec)
    case .resource(let path, _): arguments.append(path)
    }

    // sharp, an image library OpenClaw depends on, fails to build against a system libvips; its prebuilt binary
    // is what OpenClaw expects.
    let output = try command.run("npm", arguments, proxied: true, extra: ["SHARP_IGNORE_GLOBAL_LIBVIPS": "1"]).get()
    guard output.status == 0 else {
      throw InstallError(
        "OpenClaw install failed: \(Self.sentence(command.summary(output))) \(Self.fix(source, InstallCommand.npmErrorCode(output), proxyFix: command.proxyFix)); "
          + "\(InstallError.retry).")
    }
    guard let version = installedVersion() else {
      throw InstallError(
        "OpenClaw install failed: npm succeeded but left no version in \(paths.openclawPackageManifest). "
          + "\(Self.fix(source, nil, proxyFix: command.proxyFix)); \(InstallError.retry).")
    }
    return version
  }

  /// Reads the tarball's `package/package.json` and throws when it names a package other than openclaw. npm would
  /// install such a package beside OpenClaw and succeed, and the unit would go on running its old release. A
  /// tarball tar cannot read is left to npm, whose error names the problem.
  private func checkPackageName(_ source: PackageSource, _ path: String) throws {
    let arguments = ["--extract", "--to-stdout", "--gzip", "--file", path, "package/package.json"]
    let output = try command.run("tar", arguments, timeoutSeconds: 120).get()
    struct Manifest: Decodable { var name: String? }
    guard output.status == 0, let name = try? JSONDecoder().decode(Manifest.self, from: Data(output.stdout)).name,
      name != "openclaw"
    else { return }

    throw InstallError(
      "OpenClaw install failed: the \(Installer.resourceName) resource is the npm package "
        + "'\(ConfigValues.quoted(name.printable))', not openclaw. \(Self.fix(source, nil, proxyFix: command.proxyFix)); \(InstallError.retry).")
  }

  /// Returns `text` ending in one full stop, because npm's detail lines often end in one already.
  static func sentence(_ text: String) -> String {
    text.hasSuffix(".") ? text : text + "."
  }

  /// Returns the operator's fix for a failed npm run with error `code`; `proxyFix` is the one for network errors.
  static func fix(_ source: PackageSource, _ code: String?, proxyFix: String) -> String {
    if case .resource = source {
      return "Attach an npm package tarball of OpenClaw: juju attach-resource openclaw openclaw-package=<file>"
    }
    switch code {
    case "ETARGET", "E404":
      return "Set openclaw-version to a published release or latest, for example juju config openclaw "
        + "openclaw-version=\(InstallOptions.defaultVersion)"
    case "ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH",
      "ECONNABORTED":
      return "\(proxyFix), or attach the package: juju attach-resource openclaw openclaw-package=<file>"
    default:
      return "Check the unit's juju debug-log, or attach the package: juju attach-resource openclaw "
        + "openclaw-package=<file>"
    }
  }
}
