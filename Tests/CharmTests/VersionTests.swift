import HookTools
import Testing

@testable import Charm

/// Version parsing and ordering, the Node.js floor, the install options and the upgrade order.
@Suite struct VersionTests {
  @Test(arguments: [
    ("v24.18.0", "24.18.0"), ("24.16.0", "24.16.0"), ("2026.9.3", "2026.9.3"), ("2026.9.3-beta.1", "2026.9.3-beta.1"),
    ("v26.1.0+build.5", "26.1.0"), (" v24.18.0\n", "24.18.0"),
  ])
  func parses(text: String, expected: String) {
    #expect(SemanticVersion(text)?.description == expected)
  }

  @Test(arguments: ["", "v", "24", "24.18", "24.18.0.1", "a.b.c", "24..0", "-1.0.0", "24.18.0-", "24.18.0-a..b", "24.18.x"])
  func rejects(text: String) {
    #expect(SemanticVersion(text) == nil)
  }

  @Test(arguments: [
    ("2026.9.3", "2026.10.2"), ("2026.8.21", "2026.9.3"), ("2026.9.3-beta.1", "2026.9.3"),
    ("2026.9.3-beta.1", "2026.9.3-beta.2"), ("2026.9.3-beta.2", "2026.9.3-beta.10"), ("2026.9.3-1", "2026.9.3-beta"),
    ("2026.9.3-beta", "2026.9.3-beta.1"), ("2025.12.31", "2026.1.1"), ("24.16.0", "24.16.1"),
  ])
  func orders(older: String, newer: String) throws {
    let old = try #require(SemanticVersion(older))
    let new = try #require(SemanticVersion(newer))
    #expect(old < new)
    #expect(!(new < old))
    #expect(old != new)
  }

  @Test(arguments: [
    ("24.16.0", true), ("24.18.0", true), ("24.99.1", true), ("26.1.0", true), ("27.0.0", true),
    ("24.15.9", false), ("25.9.0", false), ("26.0.9", false), ("22.22.3", false), ("18.19.1", false),
    ("24.18.0-rc.1", false),
  ])
  func nodeFloor(version: String, met: Bool) throws {
    #expect(NodeFloor.isMet(by: try #require(SemanticVersion(version))) == met)
  }

  // MARK: - Options

  @Test func optionDefaults() throws {
    let options = try InstallOptions.parse([:])
    #expect(options == InstallOptions(openclawVersion: "2026.9.3", nodesourceMirror: "https://deb.nodesource.com"))
    #expect(options.keyURL == "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key")
    #expect(options.repositoryURL == "https://deb.nodesource.com/node_24.x")
    #expect(options.mirrorHost == "deb.nodesource.com")
    #expect(try InstallOptions.parse(["openclaw-version": .string(""), "nodesource-mirror": .string("")]) == options)
  }

  @Test(arguments: ["latest", "2026.9.3", "2026.10.2", "2026.1.1-beta.1", "2026.12.31-rc1"])
  func validVersions(version: String) throws {
    #expect(try InstallOptions.parse(["openclaw-version": .string(version)]).openclawVersion == version)
  }

  @Test(arguments: ["LATEST", "v2026.9.3", "2026.9", "26.9.3", "2026.100.1", "2026.9.3-", "2026.9.3-be ta",
    "2026.9.3;rm", "openclaw@2026.9.3", "next"])
  func invalidVersionBlocks(version: String) {
    #expect {
      try InstallOptions.parse(["openclaw-version": .string(version)])
    } throws: { error in
      let error = error as? ConfigError
      return error?.option == "openclaw-version"
        && error?.message.contains("juju config openclaw openclaw-version=2026.9.3") == true
    }
  }

  @Test func nonStringVersionBlocks() {
    #expect(throws: ConfigError.self) { try InstallOptions.parse(["openclaw-version": .int(2026)]) }
  }

  @Test(arguments: [
    ("http://10.0.0.9/nodesource/", "http://10.0.0.9/nodesource", "10.0.0.9"),
    ("https://mirror.example.com:8443/ns", "https://mirror.example.com:8443/ns", "mirror.example.com"),
    ("https://user:pw@mirror.example.com", "https://user:pw@mirror.example.com", "mirror.example.com"),
  ])
  func validMirrors(value: String, mirror: String, host: String) throws {
    let options = try InstallOptions.parse(["nodesource-mirror": .string(value)])
    #expect(options.nodesourceMirror == mirror)
    #expect(options.mirrorHost == host)
  }

  @Test(arguments: ["ftp://mirror", "mirror.example.com", "http://", "http://mirror/ path", "http://mirror/\"x\"",
    "http://mirror/'x'", "https://user:secret@", "http://mirror/ns?a=b", "http://mirror/ns#top"])
  func invalidMirrorBlocks(value: String) {
    #expect {
      try InstallOptions.parse(["nodesource-mirror": .string(value)])
    } throws: { error in
      let error = error as? ConfigError
      return error?.option == "nodesource-mirror" && error?.message.contains("nodesource-mirror=") == true
        && error?.message.contains("secret") == false
    }
  }

  @Test func proxyRedaction() {
    let proxy = Proxy(environment: [
      "JUJU_CHARM_HTTP_PROXY": "http://squid:3128", "JUJU_CHARM_HTTPS_PROXY": "http://bob:hunter2@squid:3129",
    ])
    #expect(proxy.redact("via http://bob:hunter2@squid:3129 failed") == "via http://***@squid:3129 failed")
    #expect(proxy.redact("user bob:hunter2 rejected") == "user *** rejected")
    #expect(proxy.redact("via http://squid:3128") == "via http://squid:3128")
    #expect(proxy.variables["NO_PROXY"] == nil)
    #expect(Proxy.redact("https://a:b@mirror/x") == "https://***@mirror/x")
  }

  // MARK: - Upgrade order

  static let pinned = InstallOptions(openclawVersion: "2026.10.2")
  static let latest = InstallOptions(openclawVersion: "latest")
  static let tarball = (path: "/r/openclaw.tgz", digest: "new")

  @Test func leaderInstallsWantedRelease() {
    let decide = { (installed: String?) in
      PackagePolicy.decide(options: Self.pinned, isLeader: true, installed: installed, gatewayVersion: nil, resource: nil,
        installedResourceDigest: nil)
    }
    #expect(decide(nil) == .install(.registry("2026.10.2")))
    #expect(decide("2026.9.3") == .install(.registry("2026.10.2")))
    #expect(decide("2026.10.2") == .keep)
  }

  @Test func nodeNeverRunsAheadOfGateway() {
    let decide = { (installed: String?, gateway: String?) in
      PackagePolicy.decide(options: Self.pinned, isLeader: false, installed: installed, gatewayVersion: gateway,
        resource: nil, installedResourceDigest: nil)
    }
    let waiting = PackageDecision.wait("Waiting for the gateway to run OpenClaw 2026.10.2")
    #expect(decide("2026.9.3", nil) == waiting)
    #expect(decide("2026.9.3", "2026.9.3") == waiting)
    #expect(decide(nil, "2026.8.21") == waiting)
    #expect(decide("2026.9.3", "2026.10.2") == .install(.registry("2026.10.2")))
    #expect(decide("2026.9.3", "2026.11.1") == .install(.registry("2026.10.2")))
    #expect(decide("2026.10.2", "2026.9.3") == .keep)
  }

  @Test func nodeFollowsGatewayWithLatest() {
    let decide = { (installed: String?, gateway: String?) in
      PackagePolicy.decide(options: Self.latest, isLeader: false, installed: installed, gatewayVersion: gateway,
        resource: nil, installedResourceDigest: nil)
    }
    #expect(decide(nil, nil) == .wait("Waiting for the gateway to publish its OpenClaw version"))
    #expect(decide(nil, "2026.10.2") == .install(.registry("2026.10.2")))
    #expect(decide("2026.9.3", "2026.10.2") == .install(.registry("2026.10.2")))
    #expect(decide("2026.10.2", "2026.10.2") == .keep)
  }

  @Test func resourceInstallsOncePerTarball() {
    let decide = { (leader: Bool, installed: String?, gateway: String?, digest: String?) in
      PackagePolicy.decide(options: InstallOptions(), isLeader: leader, installed: installed, gatewayVersion: gateway,
        resource: Self.tarball, installedResourceDigest: digest)
    }
    let install = PackageDecision.install(.resource(path: "/r/openclaw.tgz", digest: "new"))
    #expect(decide(true, nil, nil, nil) == install)
    #expect(decide(true, "2026.9.3", nil, "old") == install)
    #expect(decide(true, "2026.10.2", nil, "new") == .keep)
    #expect(decide(false, "2026.9.3", "2026.9.3", "old") == .keep)
    #expect(decide(false, "2026.9.3", "2026.10.2", "old") == install)
    #expect(decide(false, "2026.10.2", "2026.11.1", "new") == .keep)
    #expect(decide(false, nil, nil, nil) == .wait("Waiting for the gateway to publish its OpenClaw version"))
  }
}
