import HookTools
import Testing

/// Each read passes `--format=json` and decodes what Juju 3.6 prints for it.
@Suite struct HookToolsReadTests {
  let runner = FakeRunner()
  var tools: HookTools { HookTools(runner: runner) }

  @Test func isLeaderTrueAndFalse() throws {
    runner.answer(["is-leader", "--format=json"], stdout: "true\n")
    #expect(try tools.isLeader() == true)
    runner.answer(["is-leader", "--format=json"], stdout: "false\n")
    #expect(try tools.isLeader() == false)
  }

  @Test func configGetMixedTypes() throws {
    runner.answer(
      ["config-get", "--format=json"],
      stdout: #"{"ai-model":"claude-opus-4-5","gateway-port":18789,"ratio":1.5,"verbose":true}"# + "\n")
    let config = try tools.configGet()
    #expect(config["ai-model"] == .string("claude-opus-4-5"))
    #expect(config["gateway-port"] == .int(18789))
    #expect(config["ratio"] == .double(1.5))
    #expect(config["verbose"] == .bool(true))
  }

  @Test func resourceGetPrintsPath() throws {
    runner.answer(["resource-get", "openclaw-package"], stdout: "/var/lib/juju/agents/unit-openclaw-0/resources/openclaw-package/openclaw.tgz\n")
    #expect(try tools.resourceGet("openclaw-package") == "/var/lib/juju/agents/unit-openclaw-0/resources/openclaw-package/openclaw.tgz")
  }

  @Test func resourceGetWithoutUploadFails() {
    runner.answer(
      ["resource-get", "openclaw-package"], status: 1,
      stderr: #"ERROR could not download resource: resource "openclaw-package" not found"#)
    #expect(throws: HookToolError.self) { try tools.resourceGet("openclaw-package") }
  }

  @Test func storageGetOfHookAndById() throws {
    runner.answer(["storage-get", "--format=json"], stdout: #"{"kind":"filesystem","location":"/var/lib/openclaw"}"# + "\n")
    #expect(try tools.storageGet() == StorageInstance(kind: "filesystem", location: "/var/lib/openclaw"))
    runner.answer(
      ["storage-get", "--format=json", "-s", "state/0"], stdout: #"{"kind":"filesystem","location":"/srv/state"}"# + "\n")
    #expect(try tools.storageGet("state/0").location == "/srv/state")
  }

  @Test func relationIdsListAndNull() throws {
    runner.answer(["relation-ids", "--format=json", "openclaw-cluster"], stdout: #"["openclaw-cluster:0"]"# + "\n")
    #expect(try tools.relationIds("openclaw-cluster") == ["openclaw-cluster:0"])
    runner.answer(["relation-ids", "--format=json", "openclaw-cluster"], stdout: "[]\n")
    #expect(try tools.relationIds("openclaw-cluster").isEmpty)
  }

  @Test func relationListUnits() throws {
    runner.answer(
      ["relation-list", "--format=json", "-r", "openclaw-cluster:0"], stdout: #"["openclaw/1","openclaw/2"]"# + "\n")
    #expect(try tools.relationList("openclaw-cluster:0") == ["openclaw/1", "openclaw/2"])
  }

  @Test func relationGetUnitBag() throws {
    runner.answer(
      ["relation-get", "--format=json", "-r", "openclaw-cluster:0", "-", "openclaw/1"],
      stdout: #"{"egress-subnets":"127.0.0.3/32","ingress-address":"127.0.0.3","private-address":"127.0.0.3"}"# + "\n")
    let bag = try tools.relationGet("openclaw-cluster:0", unit: "openclaw/1")
    #expect(bag["ingress-address"] == "127.0.0.3")
    #expect(bag.count == 3)
  }

  @Test func relationGetAppBagEmpty() throws {
    runner.answer(["relation-get", "--format=json", "-r", "openclaw-cluster:0", "--app", "-", "openclaw"], stdout: "{}\n")
    #expect(try tools.relationGet("openclaw-cluster:0", app: "openclaw").isEmpty)
  }

  @Test func networkGetIngressAddresses() throws {
    let output = """
      {"bind-addresses":[{"mac-address":"","interface-name":"lo","addresses":[{"hostname":"","value":"127.0.0.2",\
      "cidr":"127.0.0.2/32"}]}],"egress-subnets":["127.0.0.2/32"],"ingress-addresses":["127.0.0.2"]}
      """
    runner.answer(["network-get", "--format=json", "openclaw-cluster"], stdout: output + "\n")
    #expect(try tools.networkGet("openclaw-cluster") == ["127.0.0.2"])
  }

  @Test func openedPortsListAndNull() throws {
    runner.answer(["opened-ports", "--format=json"], stdout: #"["18789/tcp"]"# + "\n")
    #expect(try tools.openedPorts() == ["18789/tcp"])
    runner.answer(["opened-ports", "--format=json"], stdout: "null\n")
    #expect(try tools.openedPorts().isEmpty)
  }

  @Test func secretGetTrackedAndRefreshed() throws {
    runner.answer(["secret-get", "--format=json", "secret:abc"], stdout: #"{"token":"old"}"# + "\n")
    runner.answer(["secret-get", "--format=json", "secret:abc", "--refresh"], stdout: #"{"token":"new"}"# + "\n")
    #expect(try tools.secretGet("secret:abc")["token"] == "old")
    #expect(try tools.secretGet("secret:abc", refresh: true)["token"] == "new")
  }

  @Test func actionGetParameters() throws {
    runner.answer(["action-get", "--format=json"], stdout: #"{"format":"json"}"# + "\n")
    #expect(try tools.actionGet()["format"] == .string("json"))
  }

  @Test func unreadableOutputNamesTool() throws {
    runner.answer(["is-leader", "--format=json"], stdout: "True\n")
    #expect(throws: HookToolError.self) { try tools.isLeader() }
    do {
      _ = try tools.isLeader()
    } catch let error as HookToolError {
      guard case .unreadableOutput(let tool, _) = error else {
        Issue.record("expected unreadableOutput, got \(error)")
        return
      }
      #expect(tool == "is-leader")
    }
  }

  @Test func callsAreCounted() throws {
    runner.answer(["is-leader", "--format=json"], stdout: "true\n")
    let tools = self.tools
    _ = try tools.isLeader()
    _ = try tools.isLeader()
    #expect(tools.calls == ["is-leader", "is-leader"])
  }
}
