import Foundation
import Testing

/// Storage (`deploy --storage`) and the install stand-ins placed in units (apt-get, curl, gpg, useradd).
extension JujuSimTests {
  @Suite struct InstallSupport {
    static let storageMetadata = FakeCharm.metadata + """

      storage:
        state:
          type: filesystem
          description: State.
          location: /var/lib/fakestate
          minimum-size: 1G
          multiple:
            range: 0-1
      """

    static let storageDispatch = FakeCharm.dispatch(body: """
      case "$JUJU_DISPATCH_PATH" in
        hooks/state-storage-attached) echo attached > /var/lib/fakestate/marker ;;
      esac
      """)

    /// The hooks a unit ran, from its log in the model (which outlives the unit).
    static func hooksRun(_ sim: SimHarness, _ unit: String) throws -> [String] {
      try sim.sim("debug-log", unit).stdout.split(separator: "\n").compactMap { line in
        guard let start = line.range(of: "ran \""), let end = line[start.upperBound...].firstIndex(of: "\"") else {
          return nil
        }
        return String(line[start.upperBound..<end])
      }
    }

    @Test func storageAttachedBeforeInstall() throws {
      let sim = try SimHarness(dispatch: Self.storageDispatch, metadata: Self.storageMetadata)
      defer { sim.destroy() }
      let deploy = try sim.sim("deploy", sim.charmDir, "--storage", "state=1G")
      #expect(deploy.status == 0, "\(deploy.stderr)")

      #expect(try sim.hooks("fake/0").prefix(2) == ["hooks/state-storage-attached  ", "hooks/install  "])
      let environment = try sim.sim("ssh", "fake/0", "cat /var/log/fake-env-state-storage-attached.log").stdout
      #expect(environment.contains("JUJU_STORAGE_ID=state/0\n"))
      #expect(environment.contains("JUJU_STORAGE_LOCATION=/var/lib/fakestate\n"))
      #expect(environment.contains("JUJU_STORAGE_KIND=filesystem\n"))
      #expect(environment.contains("JUJU_HOOK_NAME=state-storage-attached\n"))
      let installEnvironment = try sim.sim("ssh", "fake/0", "cat /var/log/fake-env-install.log").stdout
      #expect(!installEnvironment.contains("JUJU_STORAGE_ID"))

      // The marker the hook wrote lands in the model's storage directory, not in the unit's overlay.
      #expect(FileManager.default.fileExists(atPath: sim.modelDir + "/storage/state-0/marker"))
      #expect(try sim.probe("fake/0", "storage-list").stdout == "state/0\n")
      #expect(try sim.probe("fake/0", "storage-list state --format json").stdout == "[\"state/0\"]\n")
      #expect(try sim.probe("fake/0", "storage-get -s state/0 location").stdout == "/var/lib/fakestate\n")
      #expect(try sim.probe("fake/0", "storage-get -s state/0").stdout == "kind: filesystem\nlocation: /var/lib/fakestate\n")
      #expect(try sim.probe("fake/0", "storage-get location").status == 1)
      #expect(try sim.probe("fake/0", "storage-get -s state/7 location").stderr.contains("not found"))
    }

    @Test func addedUnitsGetStorage() throws {
      let sim = try SimHarness(dispatch: Self.storageDispatch, metadata: Self.storageMetadata)
      defer { sim.destroy() }
      #expect(try sim.sim("deploy", sim.charmDir, "-n", "2", "--storage", "state=2G").status == 0)
      #expect(try sim.sim("add-unit").status == 0)
      #expect(try sim.sim("ssh", "fake/2", "cat /var/lib/fakestate/marker").stdout == "attached\n")
      #expect(try sim.probe("fake/2", "storage-list").stdout == "state/2\n")

      #expect(try sim.sim("remove-unit", "fake/1").status == 0)

      let hooks = try Self.hooksRun(sim, "fake/1")
      #expect(hooks.first == "state-storage-attached")
      #expect(Array(hooks.suffix(5)) == [
        "state-storage-detaching", "cluster-relation-departed", "cluster-relation-departed", "stop", "remove",
      ])
      let storage = try #require(sim.modelState()["storage"] as? [String: [String: Any]])
      #expect(storage["state/1"]?["unit"] == nil)
      #expect(storage["state/1"]?["sizeMiB"] as? Int == 2048)
      #expect(storage["state/0"]?["unit"] as? String == "fake/0")
      #expect(FileManager.default.fileExists(atPath: sim.modelDir + "/storage/state-1/marker"))

      let listed = try #require((sim.statusJSON()["storage"] as? [String: Any])?["storage"] as? [String: [String: Any]])
      #expect((listed["state/1"]?["status"] as? [String: Any])?["current"] as? String == "detached")
      let attachments = listed["state/0"]?["attachments"] as? [String: [String: [String: Any]]]
      #expect(attachments?["units"]?["fake/0"]?["location"] as? String == "/var/lib/fakestate")
    }

    @Test func noStorageWithoutOption() throws {
      let sim = try SimHarness(dispatch: Self.storageDispatch, metadata: Self.storageMetadata)
      defer { sim.destroy() }
      try sim.deploy(units: 1)
      #expect(try sim.hooks("fake/0").first == "hooks/install  ")
      #expect(try sim.probe("fake/0", "storage-list").stdout == "")
      #expect(try sim.statusJSON()["storage"] == nil)
    }

    @Test func badStorageDirectivesRejected() throws {
      let sim = try SimHarness(metadata: Self.storageMetadata)
      defer { sim.destroy() }
      let small = try sim.sim("deploy", sim.charmDir, "--storage", "state=512M")
      #expect(small.status == 1)
      #expect(small.stderr.contains("minimum storage size is 1G, 512M specified"))
      let unknown = try sim.sim("deploy", sim.charmDir, "--storage", "data=1G")
      #expect(unknown.stderr.contains("no store called \"data\""))
      let many = try sim.sim("deploy", sim.charmDir, "--storage", "state=1G,2")
      #expect(many.stderr.contains("the charm allows 0-1"))
    }

    @Test func standInsPlacedWithoutOpenClaw() throws {
      let sim = try SimHarness(standIns: true)
      defer { sim.destroy() }
      try sim.deploy(units: 1)

      let links = try sim.sim("ssh", "fake/0", "readlink /usr/bin/apt-get /usr/bin/curl /usr/bin/gpg /usr/sbin/useradd /usr/bin/systemctl")
      #expect(links.stdout == """
        /opt/juju-sim/stand-ins/apt-get
        /opt/juju-sim/stand-ins/curl
        /opt/juju-sim/stand-ins/gpg
        /opt/juju-sim/stand-ins/useradd
        /opt/juju-sim/stand-ins/systemctl

        """)
      let missing = try sim.sim(
        "ssh", "fake/0",
        "for path in /usr/bin/openclaw /usr/bin/node /usr/bin/npm /usr/lib/node_modules; do [ -e $path ] && echo $path; done; "
          + "grep -c '^Package: nodejs$' /var/lib/dpkg/status")
      #expect(missing.stdout == "0\n")
    }

    @Test func installCommandsInsideUnit() throws {
      let sim = try SimHarness(standIns: true)
      defer { sim.destroy() }
      try sim.deploy(units: 1)
      let script = """
        set -e
        useradd --system --user-group --home-dir /var/lib/openclaw --no-create-home --shell /usr/sbin/nologin openclaw
        mkdir -p /var/lib/openclaw-charm /etc/apt/keyrings
        curl --fail --silent --show-error --location --max-time 120 \
          --output /var/lib/openclaw-charm/nodesource-repo.gpg.key https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key
        gpg --batch --yes --dearmor --output /etc/apt/keyrings/nodesource.gpg /var/lib/openclaw-charm/nodesource-repo.gpg.key
        printf 'Types: deb\\nURIs: https://deb.nodesource.com/node_24.x\\nSuites: nodistro\\nComponents: main\\nSigned-By: /etc/apt/keyrings/nodesource.gpg\\n' \
          > /etc/apt/sources.list.d/nodesource.sources
        apt-get update --error-on=any >/dev/null
        apt-get install --yes --no-install-recommends nodejs >/dev/null
        npm install --global --no-fund --no-audit openclaw@2026.10.2 >/dev/null
        node --version
        openclaw --version
        getent passwd openclaw | cut -d: -f6,7
        """
      let result = try sim.probe("fake/0", script)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "v24.18.0\n2026.10.2\n/var/lib/openclaw:/usr/sbin/nologin\n")
      let calls = try sim.sim("ssh", "fake/0", "cut -c1-40 /var/log/juju-sim/commands.jsonl").stdout
      #expect(calls.contains("{\"argv\": [\"useradd\", \"--system\""))
      #expect(calls.contains("{\"argv\": [\"npm\", \"install\""))
      // The machine running the tests keeps its own users.
      #expect(getpwnam("openclaw") == nil)
    }

    @Test func resourceTarballInstallsOffline() throws {
      let sim = try SimHarness(standIns: true)
      defer { sim.destroy() }
      try sim.deploy(units: 1)
      let tarball = sim.directory + "/openclaw.tgz"
      let make = Process()
      make.executableURL = URL(fileURLWithPath: SimHarness.standInsSource + "/make-openclaw-tarball")
      make.arguments = ["2026.8.21", tarball]
      try make.run()
      make.waitUntilExit()
      #expect(make.terminationStatus == 0)
      #expect(try sim.sim("attach-resource", "openclaw-package=" + tarball).status == 0)

      let script = """
        set -e
        apt-get install --yes nodejs >/dev/null
        node --version
        printf 'Types: deb\\nURIs: https://deb.nodesource.com/node_24.x\\nSuites: nodistro\\nComponents: main\\n' \
          > /etc/apt/sources.list.d/nodesource.sources
        """
      let ubuntuNode = try sim.probe("fake/0", script)
      #expect(ubuntuNode.stdout == "v18.19.1\n", "without NodeSource a unit gets Ubuntu's nodejs and no npm")
      #expect(try sim.probe("fake/0", "apt-get update --error-on=any").status == 100, "a source without a keyring fails")

      #expect(try sim.sim("fault", "download-unreachable", "always").status == 0)
      let install = try sim.probe(
        "fake/0",
        "mkdir -p /etc/apt/keyrings && curl -sS https://x/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/k.gpg")
      #expect(install.status != 0, "the key download fails while the network is unreachable")
      #expect(try sim.sim("fault", "download-unreachable", "clear").status == 0)
      let recovered = """
        set -e
        curl -sS https://x/gpgkey/nodesource-repo.gpg.key | gpg --batch --yes --dearmor -o /etc/apt/keyrings/k.gpg
        echo 'Signed-By: /etc/apt/keyrings/k.gpg' >> /etc/apt/sources.list.d/nodesource.sources
        apt-get update --error-on=any >/dev/null
        apt-get install --yes nodejs >/dev/null
        npm install --global --no-fund --no-audit "$(resource-get openclaw-package)" >/dev/null
        openclaw --version
        """
      let result = try sim.probe("fake/0", recovered)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "2026.8.21\n")
    }

    @Test func downloadFaultReachesStandIns() throws {
      let sim = try SimHarness(standIns: true)
      defer { sim.destroy() }
      try sim.deploy(units: 1)
      let fetch = "curl -fsS -o /tmp/key https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"

      #expect(try sim.sim("fault", "download-unreachable", "once").status == 0)
      let failed = try sim.probe("fake/0", fetch)
      #expect(failed.status == 6)
      #expect(failed.stderr == "curl: (6) Could not resolve host: deb.nodesource.com\n")
      let faults = try sim.modelState()["faults"] as? [String: Any]
      #expect(faults?["download-unreachable"] == nil, "a once fault is cleared after the action that used it")
      #expect(try sim.probe("fake/0", fetch).status == 0)

      #expect(try sim.sim("fault", "download-unreachable", "always").status == 0)
      #expect(try sim.probe("fake/0", "apt-get update --error-on=any").status == 100)
      #expect(try sim.probe("fake/0", "apt-get update").status == 0)
      #expect(try sim.sim("fault", "download-unreachable", "clear").status == 0)
      #expect(try sim.probe("fake/0", "apt-get update --error-on=any").status == 0)
    }
  }
}
