/// A `major.minor.patch` version with an optional `-prerelease` suffix, ordered as semantic versioning orders them.
///
/// Node.js prints `v24.18.0`; OpenClaw's CalVer releases (`2026.9.3`, `2026.9.3-beta.1`) have the same shape, so
/// one type compares both.
public struct SemanticVersion: Comparable, Equatable, Sendable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int
  /// The dot-separated identifiers after `-`; empty for a release.
  public var prerelease: [String]

  public init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = []) {
    self.major = major
    self.minor = minor
    self.patch = patch
    self.prerelease = prerelease
  }

  /// Parses `1.2.3`, `v1.2.3` or `1.2.3-rc.1`; build metadata after `+` is ignored. Returns nil for anything else.
  public init?(_ text: String) {
    var body = Substring(text.trimmed)
    if body.first == "v" { body = body.dropFirst() }
    if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
    var suffix: [String] = []
    if let dash = body.firstIndex(of: "-") {
      suffix = body[body.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard !suffix.isEmpty, suffix.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
      else { return nil }
      body = body[..<dash]
    }
    let numbers = body.split(separator: ".", omittingEmptySubsequences: false)
    guard numbers.count == 3 else { return nil }
    var parsed: [Int] = []
    for number in numbers {
      guard !number.isEmpty, number.count <= 9, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number)
      else { return nil }
      parsed.append(value)
    }
    self.init(parsed[0], parsed[1], parsed[2], prerelease: suffix)
  }

  public var description: String {
    "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
  }

  public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
    let left = (lhs.major, lhs.minor, lhs.patch)
    let right = (rhs.major, rhs.minor, rhs.patch)
    if left != right { return left < right }
    // A prerelease comes before its release; two prereleases compare identifier by identifier.
    switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
    case (true, true), (true, false): return false
    case (false, true): return true
    case (false, false): return precedes(lhs.prerelease, rhs.prerelease)
    }
  }

  /// Orders prerelease identifiers: numeric ones by value and below alphanumeric ones, which compare in ASCII
  /// order; a shorter list that is a prefix of the longer one comes first.
  private static func precedes(_ left: [String], _ right: [String]) -> Bool {
    for (a, b) in zip(left, right) where a != b {
      switch (Int(a), Int(b)) {
      case (let x?, let y?): return x < y
      case (_?, nil): return true
      case (nil, _?): return false
      case (nil, nil): return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
      }
    }
    return left.count < right.count
  }
}

/// The Node.js releases OpenClaw runs on.
public enum NodeFloor {
  /// OpenClaw's supported Node.js range (`engines.node`) for release 2026.9.3 and later, shown in messages.
  public static let range = ">=24.16.0 <25 || >=26.1.0"

  /// Returns whether `version` is in `range`. Node.js 25 is an odd, short-lived release line that OpenClaw does not
  /// support, so it is excluded.
  public static func isMet(by version: SemanticVersion) -> Bool {
    let release = SemanticVersion(version.major, version.minor, version.patch)
    if release.major == 24 { return release >= SemanticVersion(24, 16, 0) && version.prerelease.isEmpty }
    return release >= SemanticVersion(26, 1, 0) && version.prerelease.isEmpty
  }
}
