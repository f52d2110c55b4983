import Foundation
import Testing

extension JujuSimTests {
  @Suite struct Model {
    @Test func statusTableAndJSON() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      _ = try sim.probe("fake/0", "application-version-set 1.2.3")

      let table = try sim.sim("status").stdout
      let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let header = try #require(lines.firstIndex { $0.hasPrefix("Unit ") })
      #expect(lines[header] == "Unit     Workload  Agent  Address    Ports     Message")
      #expect(lines[header + 1] == "fake/0*  active    idle   127.0.0.2  8080/tcp  ready")
      #expect(lines[header + 2] == "fake/1   active    idle   127.0.0.3  8080/tcp  ready")
      #expect(table.contains("fake  1.2.3"))

      let units = try unitsOf(sim)
      let leader = try #require(units["fake/0"])
      #expect(leader["leader"] as? Bool == true)
      #expect(leader["public-address"] as? String == "127.0.0.2")
      #expect(leader["open-ports"] as? [String] == ["8080/tcp"])
      #expect((leader["workload-status"] as? [String: Any])?["current"] as? String == "active")
      #expect((leader["workload-status"] as? [String: Any])?["message"] as? String == "ready")
      #expect((leader["juju-status"] as? [String: Any])?["current"] as? String == "idle")
      #expect(units["fake/1"]?["leader"] == nil)
      let application = (try sim.statusJSON()["applications"] as? [String: Any])?["fake"] as? [String: Any]
      #expect(application?["version"] as? String == "1.2.3")
    }

    @Test func hookEnvironmentIsExact() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      let text = try sim.sim("ssh", "fake/1", "cat /var/log/fake-env-cluster-relation-changed.log").stdout
      var environment: [String: String] = [:]
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 { environment[parts[0]] = parts[1] }
      }
      let expectedKeys: Set<String> = [
        "CHARM_DIR", "JUJU_CHARM_DIR", "JUJU_CONTEXT_ID", "JUJU_HOOK_NAME", "JUJU_DISPATCH_PATH",
        "JUJU_AGENT_SOCKET_ADDRESS", "JUJU_AGENT_SOCKET_NETWORK", "JUJU_UNIT_NAME", "JUJU_MODEL_UUID", "JUJU_MODEL_NAME",
        "JUJU_API_ADDRESSES", "JUJU_MACHINE_ID", "JUJU_PRINCIPAL_UNIT", "JUJU_AVAILABILITY_ZONE", "JUJU_VERSION",
        "CLOUD_API_VERSION", "JUJU_CHARM_HTTP_PROXY", "JUJU_CHARM_HTTPS_PROXY", "JUJU_CHARM_FTP_PROXY",
        "JUJU_CHARM_NO_PROXY", "PATH", "LANG", "TERM", "DEBIAN_FRONTEND", "APT_LISTCHANGES_FRONTEND", "JUJU_RELATION",
        "JUJU_RELATION_ID", "JUJU_REMOTE_APP", "JUJU_REMOTE_UNIT", "PWD",
      ]
      #expect(Set(environment.keys) == expectedKeys)
      #expect(environment["JUJU_DISPATCH_PATH"] == "hooks/cluster-relation-changed")
      #expect(environment["JUJU_HOOK_NAME"] == "cluster-relation-changed")
      #expect(environment["JUJU_RELATION_ID"] == "cluster:0")
      #expect(environment["JUJU_REMOTE_APP"] == "fake")
      #expect(environment["JUJU_CHARM_DIR"] == "/var/lib/juju/agents/unit-fake-1/charm")
      #expect(environment["PWD"] == "/var/lib/juju/agents/unit-fake-1/charm")
      #expect(environment["PATH"] == "/var/lib/juju/tools/unit-fake-1:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      #expect(environment["JUJU_CONTEXT_ID"]?.hasPrefix("fake/1-cluster-relation-changed-") == true)

      let action = try sim.sim("run", "fake/1", "greet")
      #expect(action.status == 0)
      let actionText = try sim.sim("ssh", "fake/1", "cat /var/log/fake-env-greet.log").stdout
      #expect(actionText.contains("JUJU_HOOK_NAME=\n"))
      #expect(actionText.contains("JUJU_DISPATCH_PATH=actions/greet\n"))
      #expect(actionText.contains("JUJU_ACTION_NAME=greet\n"))
    }

    @Test func addressesAllocatedAndReused() throws {
      let first = try SimHarness()
      let second = try SimHarness(runDir: first.runDir)
      // The second model shares the first one's registry, so it is destroyed first.
      defer {
        second.destroy()
        first.destroy()
      }
      try first.deploy(units: 2)
      try second.deploy(units: 1)
      #expect(try unitsOf(second)["fake/0"]?["public-address"] as? String == "127.0.0.4")

      try first.sim("remove-unit", "fake/0")
      try second.sim("add-unit")
      #expect(try unitsOf(second)["fake/1"]?["public-address"] as? String == "127.0.0.2")

      // A stale entry of a model directory that no longer exists is reclaimed.
      let registry = first.runDir + "/addresses"
      let entries = try String(contentsOfFile: registry, encoding: .utf8)
      try (entries + "127.0.0.5\t/nonexistent/model\tgone/0\n").write(toFile: registry, atomically: true, encoding: .utf8)
      try first.sim("add-unit")
      #expect(try unitsOf(first)["fake/2"]?["public-address"] as? String == "127.0.0.5")

      let bound = try first.sim("ssh", "fake/2", "python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.5\", 0)); print(\"ok\")'")
      #expect(bound.stdout == "ok\n")
    }

    @Test func destroyLeavesNothingBehind() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      try sim.sim("ssh", "fake/1", "setsid sleep 600 </dev/null >/dev/null 2>&1 &")
      let units = try sim.modelState()["units"] as? [String: [String: Any]] ?? [:]
      let namespaces = units.values.compactMap { $0["mountNamespace"] as? String }
      #expect(namespaces.count == 2)
      #expect(processes(in: namespaces).count >= 3)

      let result = try sim.sim("destroy")
      #expect(result.status == 0, "\(result.stderr)")

      #expect(processes(in: namespaces).isEmpty)
      #expect(!FileManager.default.fileExists(atPath: sim.modelDir))
      let registry = (try? String(contentsOfFile: sim.runDir + "/addresses", encoding: .utf8)) ?? ""
      #expect(!registry.contains(sim.modelDir))
      let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
      #expect(!mounts.contains(sim.modelDir))
    }

    @Test func sshScpAndResources() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 1)

      let failing = try sim.sim("ssh", "fake/0", "echo out; echo err >&2; exit 3")
      #expect(failing.status == 3)
      #expect(failing.stdout == "out\n")
      #expect(failing.stderr == "err\n")
      #expect(try sim.sim("ssh", "fake/0", "cat /var/lib/juju-sim/unit-name /var/lib/juju-sim/unit-address").stdout
        == "fake/0\n127.0.0.2\n")
      #expect(try sim.sim("ssh", "fake/0", "whoami").stdout == "root\n")
      #expect(!FileManager.default.fileExists(atPath: "/var/log/fake-hooks.log"))

      let local = sim.directory + "/payload.txt"
      try "payload\n".write(toFile: local, atomically: true, encoding: .utf8)
      #expect(try sim.sim("scp", local, "fake/0:/etc/payload.txt").status == 0)
      #expect(try sim.sim("ssh", "fake/0", "cat /etc/payload.txt").stdout == "payload\n")
      let back = sim.directory + "/back.txt"
      #expect(try sim.sim("scp", "fake/0:/etc/payload.txt", back).status == 0)
      #expect(try String(contentsOfFile: back, encoding: .utf8) == "payload\n")

      try sim.clearHooks(["fake/0"])
      #expect(try sim.sim("attach-resource", "bundle=" + local).status == 0)
      #expect(try sim.hooks("fake/0") == ["hooks/upgrade-charm  ", "hooks/config-changed  "])
      let path = try sim.probe("fake/0", "resource-get bundle").stdout
      #expect(path == "/var/lib/juju/agents/unit-fake-0/resources/bundle/payload.txt\n")
      #expect(try sim.sim("ssh", "fake/0", "cat " + path).stdout == "payload\n")
      #expect(try sim.probe("fake/0", "resource-get other").status == 1)
    }

    @Test func deployPackedCharm() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      let archive = sim.directory + "/fake.charm"
      let zip = Process()
      zip.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
      zip.arguments = ["-q", "-r", archive, "."]
      zip.currentDirectoryURL = URL(fileURLWithPath: sim.charmDir)
      try zip.run()
      zip.waitUntilExit()
      #expect(zip.terminationStatus == 0)

      let result = try sim.sim("deploy", archive)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(try sim.hooks("fake/0").first == "hooks/install  ")
      let again = try sim.sim("deploy", archive)
      #expect(again.status == 1)
      #expect(again.stderr.contains("application \"fake\" is already deployed"))

      let directory = try FileManager.default.contentsOfDirectory(atPath: sim.modelDir)
      #expect(directory.contains("model.json"))
      let mode = try FileManager.default.attributesOfItem(atPath: sim.modelDir)[.posixPermissions] as? Int
      #expect(mode == 0o700)
      let stateMode = try FileManager.default.attributesOfItem(atPath: sim.modelDir + "/model.json")[.posixPermissions] as? Int
      #expect(stateMode == 0o600)
    }
  }
}

/// Pids of live processes in any of the given mount namespaces.
func processes(in namespaces: [String]) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap { entry -> Int32? in
    guard let pid = Int32(entry),
      let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt"),
      namespaces.contains(namespace)
    else { return nil }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return nil }
    return pid
  }
}
