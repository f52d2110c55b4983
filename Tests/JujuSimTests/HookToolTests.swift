import Foundation
import Testing

extension JujuSimTests {
  @Suite struct HookTools {
    @Test func outputFormatsAndErrors() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      let cases: [(unit: String, command: String, status: Int32, stdout: String, stderr: String)] = [
        ("fake/0", "is-leader", 0, "True\n", ""),
        ("fake/1", "is-leader --format=json", 0, "false\n", ""),
        ("fake/0", "config-get port", 0, "8080\n", ""),
        ("fake/0", "config-get name", 0, "", ""),
        ("fake/0", "config-get --format=json", 0, "{\"flag\":false,\"name\":\"\",\"port\":8080,\"ratio\":0.5}\n", ""),
        ("fake/0", "config-get port --all", 2, "", "ERROR cannot use argument --all together with key \"port\"\n"),
        ("fake/0", "relation-ids cluster", 0, "cluster:0\n", ""),
        ("fake/0", "relation-ids cluster --format=json", 0, "[\"cluster:0\"]\n", ""),
        ("fake/0", "relation-ids", 2, "", "ERROR no endpoint name specified\n"),
        ("fake/0", "relation-list -r cluster:0", 0, "fake/1\n", ""),
        ("fake/0", "relation-list -r 7", 2, "", "ERROR invalid value \"7\" for option -r: relation not found\n"),
        ("fake/0", "relation-list", 2, "", "ERROR no relation id specified\n"),
        ("fake/0", "relation-get -r cluster:0 --app leader fake", 0, "fake/0\n", ""),
        ("fake/1", "relation-get -r cluster:0 - fake/0 --format=json", 0,
         "{\"egress-subnets\":\"127.0.0.2/32\",\"ingress-address\":\"127.0.0.2\",\"private-address\":\"127.0.0.2\"}\n", ""),
        ("fake/0", "relation-get -r cluster:0 - fake", 2, "", "ERROR expected unit name, got application name \"fake\"\n"),
        ("fake/0", "relation-get --bogus", 2, "", "ERROR flag provided but not defined: --bogus\n"),
        ("fake/1", "relation-set -r cluster:0 --app x=1", 1, "", "ERROR cannot write relation settings\n"),
        ("fake/0", "relation-set -r cluster:0 novalue", 2, "", "ERROR expected \"key=value\", got \"novalue\"\n"),
        ("fake/0", "relation-set -r cluster:0 a=1 a=2", 2, "", "ERROR key \"a\" specified more than once\n"),
        ("fake/0", "status-set bogus", 2, "", "ERROR invalid status \"bogus\", expected one of [maintenance blocked waiting active]\n"),
        ("fake/1", "status-set --application active", 1, "", "ERROR this unit is not the leader\n"),
        ("fake/0", "status-get", 0, "active\n", ""),
        ("fake/0", "status-get --format=json --include-data", 0, "{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}\n", ""),
        ("fake/0", "unit-get private-address", 0, "127.0.0.2\n", ""),
        ("fake/0", "unit-get bogus", 2, "", "ERROR unknown setting \"bogus\"\n"),
        ("fake/1", "network-get cluster --bind-address", 0, "127.0.0.3\n", ""),
        ("fake/1", "network-get cluster --format=json", 0,
         "{\"bind-addresses\":[{\"addresses\":[{\"cidr\":\"127.0.0.3/32\",\"value\":\"127.0.0.3\"}],\"interface-name\":\"lo\",\"mac-address\":\"00:00:00:00:00:00\"}],\"egress-subnets\":[\"127.0.0.3/32\"],\"ingress-addresses\":[\"127.0.0.3\"]}\n", ""),
        ("fake/0", "network-get nowhere", 1, "", "ERROR no network config found for binding \"nowhere\"\n"),
        ("fake/0", "opened-ports", 0, "8080/tcp\n", ""),
        ("fake/0", "open-port 8000-8100/tcp", 1, "",
         "ERROR cannot open 8000-8100/tcp (unit \"fake/0\"): port range conflicts with 8080/tcp (unit \"fake/0\")\n"),
        ("fake/0", "open-port icmp; open-port 53/udp; opened-ports --format=json", 0, "[\"icmp\",\"8080/tcp\",\"53/udp\"]\n", ""),
        ("fake/0", "open-port 70000", 2, "",
         "ERROR invalid port range \"70000\"; expected <port>[/<protocol>] or <from>-<to>[/<protocol>]\n"),
        ("fake/0", "state-set a=1 b=two; state-get a; state-get --format=json", 0, "1\n{\"a\":\"1\",\"b\":\"two\"}\n", ""),
        ("fake/0", "state-get missing --strict", 1, "", "ERROR \"missing\" not found\n"),
        ("fake/1", "leader-set a=1", 1, "", "ERROR cannot write leadership settings: cannot write settings: not the leader\n"),
        ("fake/0", "action-set stdout=1", 2, "", "ERROR cannot set reserved action key \"stdout\"\n"),
        ("fake/0", "action-set Bad=1", 2, "",
         "ERROR key \"Bad\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n"),
        ("fake/0", "juju-log -l INFO hello there", 0, "", ""),
      ]
      for item in cases {
        let result = try sim.probe(item.unit, item.command)
        #expect(result.status == item.status, "\(item.command): \(result.stderr)")
        #expect(result.stdout == item.stdout, "\(item.command)")
        #expect(result.stderr == item.stderr, "\(item.command)")
      }
      let log = try String(contentsOfFile: sim.modelDir + "/logs/fake-0.log", encoding: .utf8)
      #expect(log.contains("INFO unit.fake/0.juju-log hello there"))
    }

    @Test func yamlOutputQuotesNumberLikeStrings() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 1)

      let result = try sim.probe("fake/0", "relation-set -r cluster:0 code=12345 word=yes plain=hello; relation-get -r cluster:0 - fake/0")
      #expect(result.stdout.contains("code: \"12345\"\n"))
      #expect(result.stdout.contains("word: \"yes\"\n"))
      #expect(result.stdout.contains("plain: hello\n"))
      let file = try sim.probe("fake/0", "printf '{\"k\":\"v\",\"n\":3}' | relation-set -r cluster:0 --file -; relation-get -r cluster:0 n fake/0")
      #expect(file.stdout == "3\n")
    }

    @Test func failedHookCommitsNothing() throws {
      let failing = FakeCharm.dispatch(body: """
        case "$JUJU_DISPATCH_PATH" in
          hooks/config-changed)
            relation-set -r "$(relation-ids cluster)" marker="$(config-get port)"
            open-port "$(config-get port)"
            status-set maintenance "changing"
            if [ -f /fail ]; then exit 1; fi
            ;;
        esac
        """)
      let sim = try SimHarness(dispatch: failing)
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      try sim.sim("ssh", "fake/0", "touch /fail")
      try sim.clearHooks(["fake/0", "fake/1"])

      try sim.sim("config", "port=9100")

      let units = try unitsOf(sim)
      let failed = units["fake/0"]
      #expect((failed?["workload-status"] as? [String: Any])?["current"] as? String == "error")
      #expect((failed?["workload-status"] as? [String: Any])?["message"] as? String == "hook failed: \"config-changed\"")
      #expect((failed?["juju-status"] as? [String: Any])?["current"] as? String == "idle")
      #expect(failed?["open-ports"] as? [String] == ["8080/tcp"])
      #expect(try sim.probe("fake/1", "relation-get -r cluster:0 marker fake/0").stdout == "8080\n")
      #expect(try sim.hooks("fake/1").contains("hooks/cluster-relation-changed fake/0 ") == false)
      let table = try sim.sim("status").stdout
      let row = table.split(separator: "\n").first { $0.hasPrefix("fake/0*") }?.split(separator: " ").map(String.init)
      #expect(row == ["fake/0*", "error", "idle", "127.0.0.2", "8080/tcp", "hook", "failed:", "\"config-changed\""])

      try sim.sim("update-status")
      #expect(try sim.hooks("fake/0") == ["hooks/config-changed  "])

      try sim.sim("ssh", "fake/0", "rm /fail")
      let resolved = try sim.sim("resolve", "fake/0")
      #expect(resolved.status == 0, "\(resolved.stderr)")
      #expect(try sim.hooks("fake/0") == [
        "hooks/config-changed  ", "hooks/config-changed  ", "hooks/cluster-relation-changed fake/1 ",
      ])
      #expect(try sim.probe("fake/1", "relation-get -r cluster:0 marker fake/0").stdout == "9100\n")
      #expect(try sim.hooks("fake/1").contains("hooks/cluster-relation-changed fake/0 "))
      #expect(try unitsOf(sim)["fake/0"]?["open-ports"] as? [String] == ["8080/tcp", "9100/tcp"])
    }

    @Test func secretsTrackRevisions() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      let denied = try sim.probe("fake/1", "secret-add token=one")
      #expect(denied.stderr == "ERROR this unit is not the leader\n")
      let added = try sim.probe("fake/0", "secret-add --label gateway token=one")
      let uri = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(uri.range(of: "^secret:[a-z0-9]{20}$", options: .regularExpression) != nil, "\(uri)")

      #expect(try sim.probe("fake/1", "secret-get \(uri)").stdout == "token: one\n")
      #expect(try sim.probe("fake/1", "secret-get \(uri) token --format=json").stdout == "\"one\"\n")
      try sim.clearHooks(["fake/1"])
      #expect(try sim.probe("fake/0", "secret-set \(uri) token=two").status == 0)

      #expect(try sim.hooks("fake/1") == ["hooks/secret-changed  "])
      let environment = try sim.sim("ssh", "fake/1", "cat /var/log/fake-env-secret-changed.log").stdout
      #expect(environment.contains("JUJU_SECRET_ID=\(uri)\n"))
      #expect(try sim.probe("fake/1", "secret-get \(uri)").stdout == "token: one\n")
      #expect(try sim.probe("fake/1", "secret-get \(uri) --peek").stdout == "token: two\n")
      #expect(try sim.probe("fake/1", "secret-get \(uri)").stdout == "token: one\n")
      #expect(try sim.probe("fake/1", "secret-get \(uri) --refresh").stdout == "token: two\n")
      #expect(try sim.probe("fake/1", "secret-get \(uri)").stdout == "token: two\n")
      #expect(try sim.probe("fake/0", "secret-get --label gateway").stdout == "token: two\n")
      #expect(try sim.probe("fake/0", "secret-info-get \(uri) --format=json").stdout.contains("\"revision\":2"))
      #expect(try sim.probe("fake/1", "secret-set \(uri) token=three").stderr == "ERROR permission denied\n")

      let id = String(uri.dropFirst("secret:".count))
      let contentPath = sim.modelDir + "/secrets/\(id)/2.json"
      let attributes = try FileManager.default.attributesOfItem(atPath: contentPath)
      #expect(attributes[.posixPermissions] as? Int == 0o600)
      let calls = try String(contentsOfFile: sim.modelDir + "/hook-tool-calls.jsonl", encoding: .utf8)
      #expect(!calls.contains("token=two"))
    }

    @Test func faultInjection() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      try sim.sim("fault", "relation-set", "once")
      let first = try sim.probe("fake/1", "relation-set -r cluster:0 a=1")
      #expect(first.status == 1)
      #expect(first.stderr == "ERROR injected fault: relation-set\n")
      #expect(try sim.probe("fake/1", "relation-set -r cluster:0 a=1").status == 0)

      try sim.sim("fault", "is-leader", "always")
      #expect(try sim.probe("fake/0", "is-leader").status == 1)
      #expect(try sim.probe("fake/1", "is-leader").status == 1)
      try sim.sim("fault", "is-leader", "clear")
      #expect(try sim.probe("fake/0", "is-leader").status == 0)

      try sim.sim("fault", "systemctl start", "once")
      let faults = try sim.probe("fake/1", "cat /var/lib/juju-sim/faults.json; echo 'systemctl start' >> /var/lib/juju-sim/faults-used")
      #expect(faults.stdout == "{\"systemctl start\":\"once\"}\n")
      #expect((try sim.modelState()["faults"] as? [String: String]) == [:])
      #expect(try sim.probe("fake/0", "cat /var/lib/juju-sim/faults.json").stdout == "{}\n")
    }

    @Test func actionResultsAndFailures() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      let result = try sim.sim("run", "fake/leader", "greet", "count=3")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "greeting: hello text\nnested:\n  value: \"3\"\n")

      let failed = try sim.sim("run", "fake/1", "greet", "format=json")
      #expect(failed.status == 1)
      #expect(failed.stderr == "ERROR action \"greet\" failed on unit \"fake/1\": json is not ready\n")

      let invalid = try sim.sim("run", "fake/1", "greet", "format=xml")
      #expect(invalid.status == 1)
      #expect(invalid.stderr.contains("format must be one of the following: \"text\", \"json\""))
      let extra = try sim.sim("run", "fake/1", "greet", "colour=red")
      #expect(extra.stderr.contains("Additional property colour is not allowed"))
      let wrongType = try sim.sim("run", "fake/1", "greet", "count=many")
      #expect(wrongType.stderr.contains("Invalid type. Expected: integer, given: string"))
      let missing = try sim.sim("run", "fake/9", "greet")
      #expect(missing.status == 1)
      #expect(missing.stderr.contains("unit \"fake/9\" not found"))
      let required = try sim.sim("run", "fake/0", "probe")
      #expect(required.stderr.contains("cmd is required"))

      let calls = try String(contentsOfFile: sim.modelDir + "/hook-tool-calls.jsonl", encoding: .utf8)
      #expect(calls.contains("\"args\":[\"greeting=<redacted>\",\"nested.value=<redacted>\"]"))
      #expect(calls.contains("\"hook\":\"greet\""))
    }
  }
}
