import HookTools

/// The options that choose what the charm installs: the OpenClaw release and where Node.js comes from.
///
/// They are parsed apart from the rest of the config, so an invalid assistant option never stops Node.js and
/// OpenClaw from being installed.
public struct InstallOptions: Equatable, Sendable {
  /// The release pinned when `openclaw-version` is unset, named in README.md.
  public static let defaultVersion = "2026.9.3"
  public static let defaultMirror = "https://deb.nodesource.com"

  /// A release such as `2026.9.3`, or `latest` for the registry's current release.
  public var openclawVersion: String
  /// The base URL of NodeSource's repository or a mirror of it, without a trailing slash.
  public var nodesourceMirror: String

  public init(openclawVersion: String = defaultVersion, nodesourceMirror: String = defaultMirror) {
    self.openclawVersion = openclawVersion
    self.nodesourceMirror = nodesourceMirror
  }

  /// Whether `openclawVersion` follows the registry's current release rather than naming one.
  public var followsLatest: Bool { openclawVersion == "latest" }

  /// The URL of NodeSource's signing key.
  public var keyURL: String { nodesourceMirror + "/gpgkey/nodesource-repo.gpg.key" }

  /// The apt repository of Node.js 24.
  public var repositoryURL: String { nodesourceMirror + "/node_24.x" }

  /// The mirror's host name, which apt matches in `Pin: origin`.
  public var mirrorHost: String {
    var rest = Substring(nodesourceMirror)
    if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
    if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
    if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
    if !rest.hasPrefix("["), let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
    return String(rest)
  }

  /// Validates `openclaw-version` and `nodesource-mirror` from `config-get` output.
  /// - Throws: `ConfigError` naming the first invalid option and how to fix it.
  public static func parse(_ values: [String: JSONValue]) throws -> InstallOptions {
    let reader = ConfigValues(values: values)
    var version = try reader.text(Option.openclawVersion, example: defaultVersion)
    if version.isEmpty { version = defaultVersion }
    guard version == "latest" || isRelease(version) else {
      throw ConfigError(
        option: Option.openclawVersion,
        message: "Option 'openclaw-version' is '\(ConfigValues.quoted(version))'; set it to a release such as "
          + "\(defaultVersion) or to latest, for example juju config openclaw openclaw-version=\(defaultVersion).")
    }

    var mirror = try reader.text(Option.nodesourceMirror, example: defaultMirror)
    while mirror.hasSuffix("/") { mirror.removeLast() }
    if mirror.isEmpty { mirror = defaultMirror }
    var options = InstallOptions(openclawVersion: version, nodesourceMirror: mirror)
    // The charm appends paths to the mirror, which a query or fragment would swallow.
    let forbidden = mirror.contains {
      $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" || $0 == "?" || $0 == "#" || !$0.isASCII
    }
    guard mirror.hasPrefix("http://") || mirror.hasPrefix("https://"), !forbidden, !options.mirrorHost.isEmpty else {
      throw ConfigError(
        option: Option.nodesourceMirror,
        message: "Option 'nodesource-mirror' is '\(ConfigValues.quoted(Proxy.redact(mirror)))'; set it to the http or "
          + "https URL of a NodeSource mirror without spaces, quotes, a query or a fragment, for example juju config openclaw "
          + "nodesource-mirror=http://10.0.0.9/nodesource, or reset it to use \(defaultMirror).")
    }
    options.nodesourceMirror = mirror
    return options
  }

  /// Returns whether `text` is `YYYY.M.D` with an optional `-suffix` of letters, digits and dots.
  static func isRelease(_ text: String) -> Bool {
    let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    let numbers = parts[0].split(separator: ".", omittingEmptySubsequences: false)
    let digits = { (part: Substring, lengths: ClosedRange<Int>) in
      lengths.contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber }
    }
    guard numbers.count == 3, digits(numbers[0], 4...4), digits(numbers[1], 1...2), digits(numbers[2], 1...2) else {
      return false
    }
    guard parts.count == 2 else { return true }
    return !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }
  }
}

/// The model's proxy settings, which Juju passes to every hook as `JUJU_CHARM_*_PROXY`.
public struct Proxy: Equatable, Sendable {
  public var http: String
  public var https: String
  public var noProxy: String

  public init(environment: [String: String]) {
    http = environment["JUJU_CHARM_HTTP_PROXY"]?.trimmed ?? ""
    https = environment["JUJU_CHARM_HTTPS_PROXY"]?.trimmed ?? ""
    noProxy = environment["JUJU_CHARM_NO_PROXY"]?.trimmed ?? ""
  }

  /// The variables curl, apt and npm read: each proxy in lower and upper case, when set.
  public var variables: [String: String] {
    var variables: [String: String] = [:]
    for (name, value) in [("http_proxy", http), ("https_proxy", https), ("no_proxy", noProxy)] where !value.isEmpty {
      variables[name] = value
      variables[name.uppercased()] = value
    }
    return variables
  }

  /// Returns `text` with the credentials of every proxy URL in it replaced by `***`, for logs and status messages.
  public func redact(_ text: String) -> String {
    var result = text
    for url in [http, https] where !url.isEmpty {
      result = result.replacing(url, with: Self.redact(url))
      if let credentials = Self.credentials(url) { result = result.replacing(credentials, with: "***") }
    }
    return result
  }

  /// Returns `url` with its `user:password@` part, if any, replaced by `***@`.
  public static func redact(_ url: String) -> String {
    guard let credentials = credentials(url) else { return url }
    return url.replacing(credentials + "@", with: "***@")
  }

  /// Returns the `user:password` part of a URL's authority, or nil when it has none.
  private static func credentials(_ url: String) -> String? {
    guard let scheme = url.firstRange(of: "://") else { return nil }
    let rest = url[scheme.upperBound...]
    let authority = rest.prefix { $0 != "/" }
    guard let at = authority.lastIndex(of: "@"), at > authority.startIndex else { return nil }
    return String(authority[..<at])
  }
}
