import Foundation
import Testing

/// The charm's security guarantees on juju-sim models: pairing approves only peer units at their own address,
/// token rotation and certificate replacement reach every node, and secrets stay readable by root and the
/// openclaw user only.
@Suite(.serialized) struct SecurityTests {
  static let port = Sim.defaultPort
  static let apiKey = "sk-ant-test-key"

  /// Records one issue per way the model differs from a converged one.
  private func expectConverged(_ sim: Sim, after step: String, token: String? = nil) throws {
    for problem in try sim.convergenceProblems(port: Self.port, token: token) {
      Issue.record("after \(step): \(problem)")
    }
  }

  // MARK: - Pairing

  @Test func rogueDevicesStayPending() throws {
    let sim = Sim()
    var rogues: [Sim.UnitProcess] = []
    // Processes a test starts in a unit are stopped before the model is destroyed.
    defer {
      rogues.forEach(sim.stop)
      sim.destroy()
    }
    try sim.deployThree()
    let (leader, nodes) = try sim.leaderAndNodes()
    try #require(nodes.count == 2)
    let units = try sim.units()
    let gatewayAddress = units[leader]!.address
    let fingerprint = try #require(try sim.applicationData(via: leader)["gateway-tls-fingerprint"])

    // One device names a unit that does not exist. The other claims the first node's name from the second node.
    let strangerUnit = nodes[0]
    let impostorUnit = nodes[1]
    let claimed = nodes[0]
    rogues.append(
      try sim.startNode(
        on: strangerUnit, name: "rogue-stranger", displayName: "openclaw/9", host: gatewayAddress, port: Self.port,
        fingerprint: fingerprint))
    rogues.append(
      try sim.startNode(
        on: impostorUnit, name: "rogue-impostor", displayName: claimed, host: gatewayAddress, port: Self.port,
        fingerprint: fingerprint))
    let expectedRequests = [
      ("openclaw/9", units[strangerUnit]!.address), (claimed, units[impostorUnit]!.address),
    ]
    func isPending(_ pending: [[String: Any]], _ name: String, _ address: String) -> Bool {
      pending.contains { $0["displayName"] as? String == name && $0["remoteIp"] as? String == address }
    }
    let requested = try sim.poll {
      let pending = try sim.deviceListing(gateway: leader).pending
      return expectedRequests.allSatisfy { isPending(pending, $0.0, $0.1) }
    }
    try #require(requested, "the rogue devices' pairing requests never reached the gateway")

    // update-status runs the leader's pairing pass.
    try sim.must("update-status")

    let listing = try sim.deviceListing(gateway: leader)
    for (name, address) in expectedRequests {
      #expect(isPending(listing.pending, name, address), "the request of \(name) from \(address) is no longer pending")
    }
    let paired = listing.paired.map { "\($0["displayName"] as? String ?? "?") \($0["remoteIp"] as? String ?? "?")" }
    #expect(paired.sorted() == nodes.map { "\($0) \(units[$0]!.address)" }.sorted())

    let listed = try sim.listNodes()
    for (name, address) in expectedRequests {
      let entry = listed.first { $0["unit"] as? String == name && $0["address"] as? String == address }
      #expect(entry != nil, "list-nodes does not show the request of \(name) from \(address)")
      #expect(entry?["paired"] as? Bool == false)
      #expect(entry?["connected"] as? Bool == false)
    }
    for node in nodes {
      let entry = listed.first { $0["unit"] as? String == node && $0["address"] as? String == units[node]!.address }
      #expect(entry?["paired"] as? Bool == true, "\(node) is not paired in list-nodes")
      #expect(entry?["connected"] as? Bool == true, "\(node) is not connected in list-nodes")
    }

    // The rogues still wait for approval, and the real nodes stay connected.
    for rogue in rogues {
      #expect(try sim.isRunning(rogue), "\(rogue.name) on \(rogue.unit) exited")
      let log = try sim.ssh(rogue.unit, "cat \(rogue.logFile)").stdout
      #expect(log.contains("pairing required"), "\(rogue.name): \(log)")
      #expect(!log.contains("pairing approved"), "\(rogue.name): \(log)")
    }
    try expectConverged(sim, after: "rogue pairing requests and update-status")
  }

  // MARK: - Token rotation

  @Test func rotationReachesThreeNodes() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "4", "--config", "ai-provider=anthropic", "--config", "ai-api-key=\(Self.apiKey)",
      "--config", "ai-model=claude-opus-4-5")
    let (leader, nodes) = try sim.leaderAndNodes()
    try #require(nodes.count == 3)
    let oldToken = try #require(try UnitFiles(sim, unit: leader).token)

    try sim.must("run", "openclaw/leader", "rotate-gateway-token")

    let newToken = try #require(try UnitFiles(sim, unit: leader).token)
    #expect(newToken != oldToken)
    for node in nodes {
      #expect(try UnitFiles(sim, unit: node).token == newToken, "\(node) does not have the new token in node.env")
    }
    // Every node reconnected in the hooks the rotation caused, before any update-status.
    try expectConverged(sim, after: "rotate-gateway-token", token: newToken)

    let rejected = try sim.openclaw(leader, "nodes status --json", token: oldToken)
    #expect(rejected.status != 0)
    #expect(rejected.stdout.contains("unauthorized"), "nodes status with the old token: \(rejected.stdout)")
    let accepted = try sim.openclaw(leader, "nodes status --json")
    #expect(accepted.status == 0, "nodes status with the new token: \(accepted.stdout) \(accepted.stderr)")

    let action = try sim.must("run", "openclaw/leader", "get-gateway-token")
    #expect(action.contains("token: \(newToken)"))
  }

  // MARK: - TLS

  @Test func replacedCertificateRepublished() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (leader, nodes) = try sim.leaderAndNodes()
    let oldFingerprint = try #require(try sim.applicationData(via: leader)["gateway-tls-fingerprint"])
    let address = try sim.units()[leader]!.address

    // An operator replaces the gateway's certificate and key behind the charm's back.
    let replaced = try sim.ssh(
      leader,
      "set -e; cd /var/lib/openclaw/tls; umask 077; "
        + "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=replaced "
        + "-addext subjectAltName=IP:\(address) -keyout replaced.key -out replaced.crt 2>/dev/null; "
        + "chown openclaw:openclaw replaced.key replaced.crt; chmod 0644 replaced.crt; "
        + "mv replaced.key gateway.key; mv replaced.crt gateway.crt; systemctl restart openclaw.service; "
        + "openssl x509 -in gateway.crt -outform DER | sha256sum | cut -d' ' -f1")
    try #require(replaced.status == 0, "replacing the certificate failed: \(replaced.stderr)")
    let newFingerprint = replaced.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(newFingerprint.count == 64 && newFingerprint != oldFingerprint)

    // The nodes pin the old certificate: their processes and the CLI refuse the new one.
    for node in nodes {
      let mismatchLogged = try sim.poll {
        try sim.ssh(node, "grep -q 'fingerprint mismatch' /var/log/juju-sim/openclaw-node.service.log").status == 0
      }
      #expect(mismatchLogged, "\(node)'s log shows no fingerprint mismatch")
      let status = try sim.openclaw(node, "nodes status --json")
      #expect(status.status != 0)
      #expect(status.stdout.contains("fingerprint"), "nodes status on \(node): \(status.stdout)")
    }

    // The leader's next hook publishes the new fingerprint, and the nodes pin it and reconnect.
    try sim.must("update-status")

    #expect(try sim.applicationData(via: leader)["gateway-tls-fingerprint"] == newFingerprint)
    for node in nodes {
      let unitFile = try UnitFiles(sim, unit: node).content("/etc/systemd/system/openclaw-node.service") ?? ""
      #expect(unitFile.contains("--tls --tls-fingerprint \(newFingerprint)"), "\(node) does not pin the new certificate")
    }
    // The leader counted the nodes before they pinned the new certificate; its next update-status counts them.
    try sim.must("update-status")
    try expectConverged(sim, after: "a replaced certificate and update-status")
  }

  // MARK: - Scaling and restarts

  @Test func lateNodeAndGatewayRestart() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.must(
      "deploy", "-n", "2", "--config", "ai-provider=anthropic", "--config", "ai-api-key=\(Self.apiKey)",
      "--config", "ai-model=claude-opus-4-5")
    let (leader, _) = try sim.leaderAndNodes()

    try sim.must("add-unit")
    let (_, nodes) = try sim.leaderAndNodes()
    #expect(nodes.count == 2)
    try expectConverged(sim, after: "add-unit")

    let mainPID = "systemctl show -p MainPID --value openclaw.service"
    let before = try sim.ssh(leader, mainPID).stdout
    let restart = try sim.ssh(leader, "systemctl restart openclaw.service")
    #expect(restart.status == 0, "restarting the gateway failed: \(restart.stderr)")
    #expect(try sim.ssh(leader, mainPID).stdout != before, "the gateway kept its process")
    try sim.must("update-status")
    try expectConverged(sim, after: "a gateway restart and update-status")
  }

  // MARK: - File modes

  /// Paths and `mode owner:group` of every file the charm writes that contains a secret.
  static let secretFiles: [String: String] = [
    "/etc/openclaw/gateway.env": "600 root:root", "/etc/openclaw/node.env": "600 root:root",
    "/var/lib/openclaw/openclaw.json": "600 openclaw:openclaw", "/var/lib/openclaw/tls/gateway.key": "600 openclaw:openclaw",
    "/var/lib/openclaw-charm/state.json": "600 root:root",
  ]

  @Test func secretsOnlyForRootAndOpenclaw() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()
    let (leader, nodes) = try sim.leaderAndNodes()
    let token = try #require(try UnitFiles(sim, unit: leader).token)
    let keyText = try #require(try sim.ssh(leader, "cat /var/lib/openclaw/tls/gateway.key").stdout.nilIfEmpty)
    // The base64 lines of the PEM key are its secret part.
    let keyLines = keyText.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") && !$0.isEmpty }
    try #require(!keyLines.isEmpty)

    for unit in [leader] + nodes {
      let stat = try sim.ssh(
        unit, "for path in \(Self.secretFiles.keys.sorted().joined(separator: " ")); do "
          + "[ -e $path ] && echo \"$path $(stat -c '%a %U:%G' $path)\"; done")
      var modes: [String: String] = [:]
      for line in stat.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
        if fields.count == 2 { modes[fields[0]] = fields[1] }
      }
      let expected = unit == leader
        ? ["/etc/openclaw/gateway.env", "/var/lib/openclaw/openclaw.json", "/var/lib/openclaw/tls/gateway.key",
           "/var/lib/openclaw-charm/state.json"]
        : ["/etc/openclaw/node.env", "/var/lib/openclaw/openclaw.json", "/var/lib/openclaw-charm/state.json"]
      #expect(modes.keys.sorted() == expected.sorted(), "\(unit) has \(modes.keys.sorted())")
      for (path, mode) in modes {
        #expect(mode == Self.secretFiles[path], "\(unit): \(path) is \(mode)")
      }

      // Every file under /etc, the charm's state and OpenClaw's and the charm's own /tmp entries that contains the
      // token, the API key or the TLS key. The rest of a unit's /tmp is the host's /tmp seen through the overlay,
      // where clones of this repository hold the test key in their sources.
      // The patterns go through a root-only file, so no secret appears on a command line in the unit.
      let patterns = [token, Self.apiKey] + keyLines
      let patternFile = try writeSecretFile(patterns.joined(separator: "\n") + "\n")
      let copied = try sim.run("scp", patternFile, "\(unit):/root/secret-patterns")
      try? FileManager.default.removeItem(atPath: patternFile)
      try #require(copied.status == 0, "copying the search patterns to \(unit) failed: \(copied.stderr)")
      let search = try sim.ssh(
        unit,
        "chmod 0600 /root/secret-patterns; grep -rlF -f /root/secret-patterns --exclude-dir=\(sim.modelName) "
          + "/etc /var/lib/openclaw /var/lib/openclaw-charm $(ls -d /tmp/openclaw* 2>/dev/null) 2>/dev/null | sort | "
          + "while read -r path; do echo \"$path $(stat -c '%a %U' \"$path\")\"; done; rm -f /root/secret-patterns")
      var hits: [String: String] = [:]
      for line in search.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
        if fields.count == 2 { hits[fields[0]] = fields[1] }
      }
      let required = unit == leader
        ? ["/etc/openclaw/gateway.env", "/var/lib/openclaw/tls/gateway.key"] : ["/etc/openclaw/node.env"]
      for path in required {
        #expect(hits[path] != nil, "\(unit): the search did not find \(path)")
      }
      for (path, found) in hits {
        let fields = found.split(separator: " ").map(String.init)
        let mode = Int(fields.first ?? "", radix: 8) ?? 0o777
        #expect(mode & 0o077 == 0, "\(unit): \(path) contains a secret and has mode \(fields.first ?? "?")")
        #expect(["root", "openclaw"].contains(fields.last ?? ""), "\(unit): \(path) contains a secret and is owned by \(found)")
      }
    }

    let uid = try sim.ssh(leader, "id -u openclaw").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let openclawUID = try #require(Int(uid), "the openclaw user has no uid on \(leader)")
    try expectModelDirectoryPrivate(sim, secrets: [token, Self.apiKey], key: keyLines, openclawUID: openclawUID)
  }

  /// Checks that the model directory is 0700 and that every file in it containing `secrets` is root-owned with
  /// mode 0600. A file containing the TLS key's lines lies in a unit's overlay (`units/<unit>/upper/`), which is
  /// the unit's own file system, so it may belong to that unit's openclaw user (`openclawUID`), with mode 0600.
  /// No log contains a secret at all.
  private func expectModelDirectoryPrivate(_ sim: Sim, secrets: [String], key: [String], openclawUID: Int) throws {
    let files = FileManager.default
    let attributes = try files.attributesOfItem(atPath: sim.model)
    #expect((attributes[.posixPermissions] as? Int) == 0o700, "the model directory's mode is not 0700")

    let enumerator = try #require(files.enumerator(atPath: sim.model))
    var found = 0
    while let relative = enumerator.nextObject() as? String {
      let path = sim.model + "/" + relative
      let item = try files.attributesOfItem(atPath: path)
      guard item[.type] as? FileAttributeType == .typeRegular, let data = files.contents(atPath: path) else { continue }
      let text = String(decoding: data, as: UTF8.self)
      let containsSecret = secrets.contains { text.contains($0) }
      let containsKey = key.contains { text.contains($0) }
      guard containsSecret || containsKey else { continue }
      found += 1

      let mode = (item[.posixPermissions] as? Int) ?? 0o777
      let owner = (item[.ownerAccountID] as? Int) ?? -1
      #expect(mode == 0o600, "\(relative) contains a secret and has mode \(String(mode, radix: 8))")
      let owners = containsSecret || !relative.contains("/upper/") ? [0] : [0, openclawUID]
      #expect(owners.contains(owner), "\(relative) contains a secret and is owned by uid \(owner)")
      #expect(!relative.hasPrefix("logs/"), "the log \(relative) contains a secret")
      #expect(relative != "hook-tool-calls.jsonl", "the hook-tool call log contains a secret")
    }
    // The secret store, the model state and the units' environment files at least.
    #expect(found >= 3, "only \(found) files in the model directory contain a secret, so the search may be broken")
  }

  /// Writes `content` to a new root-only file on the host and returns its path. The caller removes the file.
  private func writeSecretFile(_ content: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
    guard FileManager.default.createFile(atPath: path, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600])
    else {
      throw CocoaError(.fileWriteUnknown)
    }
    return path
  }

  // MARK: - Demo

  @Test func demoEndState() throws {
    let sim = Sim()
    defer { sim.destroy() }
    try sim.deployThree()

    // Right after deploy, with no operator step, and again after update-status as `make demo` runs it.
    for step in ["deploy", "update-status"] {
      if step == "update-status" { try sim.must("update-status") }
      let (leader, nodes) = try sim.leaderAndNodes()
      let units = try sim.units()
      let target = "\(units[leader]!.address):\(Self.port)"
      let table = try sim.must("status")
      let lines = table.split(separator: "\n").map(String.init)
      func line(_ unit: String) -> String { lines.first { $0.hasPrefix(unit + " ") || $0.hasPrefix(unit + "* ") } ?? "" }
      #expect(line(leader).contains(" active "), "after \(step): \(line(leader))")
      #expect(line(leader).hasSuffix("Gateway: https://\(target) (2/2 nodes connected)"), "after \(step): \(line(leader))")
      for node in nodes {
        #expect(line(node).contains(" active "), "after \(step): \(line(node))")
        #expect(line(node).hasSuffix("Node connected to \(target)"), "after \(step): \(line(node))")
      }

      let fingerprint = try #require(try sim.applicationData(via: leader)["gateway-tls-fingerprint"])
      let served = try sim.ssh(
        leader, "openssl x509 -in /var/lib/openclaw/tls/gateway.crt -outform DER | sha256sum | cut -d' ' -f1").stdout
      #expect(served.trimmingCharacters(in: .whitespacesAndNewlines) == fingerprint)
      for node in nodes {
        let unitFile = try UnitFiles(sim, unit: node).content("/etc/systemd/system/openclaw-node.service") ?? ""
        #expect(unitFile.contains("--tls --tls-fingerprint \(fingerprint)"), "after \(step): \(node)'s unit file")
      }

      let status = try sim.openclaw(leader, "nodes status --json")
      let listing = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
      let entries = listing?["nodes"] as? [[String: Any]] ?? []
      #expect(entries.count == nodes.count, "after \(step): the gateway lists \(entries.count) nodes")
      for entry in entries {
        let name = entry["displayName"] as? String ?? "?"
        #expect(entry["paired"] as? Bool == true, "after \(step): \(name) is not paired")
        #expect(entry["connected"] as? Bool == true, "after \(step): \(name) is not connected")
        #expect(entry["commandsApproved"] as? Bool == true, "after \(step): \(name)'s commands are not approved")
      }
      try expectConverged(sim, after: step)
    }
  }
}

extension Sim {
  /// The model directory's last path component, as `grep --exclude-dir` takes it.
  var modelName: String { URL(fileURLWithPath: model).lastPathComponent }
}

extension String {
  fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
