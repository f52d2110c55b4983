import Foundation
import Testing

/// Every juju-sim test deploys real units (mount namespaces, loopback addresses), so they run one at a time.
@Suite(.serialized) struct JujuSimTests {}

extension JujuSimTests {
  @Suite struct HookOrder {
    @Test func deployThreeUnits() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 3)

      #expect(try sim.hooks("fake/0") == [
        "hooks/install  ", "hooks/cluster-relation-created  ", "hooks/leader-elected  ", "hooks/config-changed  ",
        "hooks/start  ", "hooks/cluster-relation-joined fake/1 ", "hooks/cluster-relation-changed fake/1 ",
        "hooks/cluster-relation-joined fake/2 ", "hooks/cluster-relation-changed fake/2 ",
      ])
      for unit in ["fake/1", "fake/2"] {
        let other = unit == "fake/1" ? "fake/2" : "fake/1"
        #expect(try sim.hooks(unit) == [
          "hooks/install  ", "hooks/cluster-relation-created  ", "hooks/leader-settings-changed  ",
          "hooks/config-changed  ", "hooks/start  ", "hooks/cluster-relation-changed  ",
          "hooks/cluster-relation-joined fake/0 ", "hooks/cluster-relation-changed fake/0 ",
          "hooks/cluster-relation-joined \(other) ", "hooks/cluster-relation-changed \(other) ",
        ])
      }
    }

    @Test func addUnitJoinsPeers() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      try sim.clearHooks(["fake/0", "fake/1"])

      try sim.sim("add-unit")

      #expect(try sim.hooks("fake/2") == [
        "hooks/install  ", "hooks/cluster-relation-created  ", "hooks/leader-settings-changed  ",
        "hooks/config-changed  ", "hooks/start  ", "hooks/cluster-relation-changed  ",
        "hooks/cluster-relation-joined fake/0 ", "hooks/cluster-relation-changed fake/0 ",
        "hooks/cluster-relation-joined fake/1 ", "hooks/cluster-relation-changed fake/1 ",
      ])
      for unit in ["fake/0", "fake/1"] {
        #expect(try sim.hooks(unit) == ["hooks/cluster-relation-joined fake/2 ", "hooks/cluster-relation-changed fake/2 "])
      }
    }

    @Test func removeNonLeaderUnit() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 3)
      try sim.clearHooks(["fake/0", "fake/1"])

      let result = try sim.sim("remove-unit", "fake/2")
      #expect(result.status == 0, "\(result.stderr)")

      for unit in ["fake/0", "fake/1"] {
        #expect(try sim.hooks(unit) == ["hooks/cluster-relation-departed fake/2 fake/2"])
      }
      let log = try String(contentsOfFile: sim.modelDir + "/logs/fake-2.log", encoding: .utf8)
      let ran = log.split(separator: "\n").filter { $0.contains("juju.worker.uniter.operation ran") }.map { line in
        String(line.split(separator: "\"")[1])
      }
      #expect(Array(ran.suffix(4)) == ["cluster-relation-departed", "cluster-relation-departed", "stop", "remove"])
      let status = try sim.sim("status")
      #expect(!status.stdout.contains("fake/2"))
    }

    @Test func removeLeaderElectsLowestSurvivor() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 3)
      try sim.clearHooks(["fake/1", "fake/2"])

      try sim.sim("remove-unit", "fake/0")

      #expect(try sim.hooks("fake/1") == [
        "hooks/cluster-relation-departed fake/0 fake/0", "hooks/leader-elected  ",
      ])
      #expect(try sim.hooks("fake/2") == [
        "hooks/cluster-relation-departed fake/0 fake/0", "hooks/leader-settings-changed  ",
        "hooks/cluster-relation-changed  ",
      ])
      let units = try unitsOf(sim)
      #expect((units["fake/1"]?["leader"] as? Bool) == true)
      #expect(units["fake/2"]?["leader"] == nil)
    }

    @Test func electMovesLeadership() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 3)
      try sim.clearHooks(["fake/0", "fake/1", "fake/2"])

      try sim.sim("elect", "fake/2")

      // The old leader runs no leadership hook, only the relation-changed for the new leader's data.
      #expect(try sim.hooks("fake/0") == ["hooks/cluster-relation-changed  "])
      #expect(try sim.hooks("fake/1").first == "hooks/leader-settings-changed  ")
      #expect(try sim.hooks("fake/2") == ["hooks/leader-elected  "])
      #expect(try sim.probe("fake/0", "is-leader").stdout == "False\n")
      #expect(try sim.probe("fake/2", "is-leader").stdout == "True\n")
    }

    @Test func configChangedOnlyOnChange() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2, config: ["name=first"])
      try sim.clearHooks(["fake/0", "fake/1"])

      try sim.sim("config", "port=8080", "name=first")
      #expect(try sim.hooks("fake/0") == [])

      try sim.sim("config", "port=9000")
      #expect(try sim.hooks("fake/0") == ["hooks/config-changed  "])
      #expect(try sim.hooks("fake/1") == ["hooks/config-changed  "])
      #expect(try sim.probe("fake/1", "config-get port").stdout == "9000\n")

      try sim.sim("config", "port=")
      #expect(try sim.probe("fake/1", "config-get port").stdout == "8080\n")

      let printed = try sim.sim("config")
      #expect(printed.stdout.contains("port: 8080"))
      #expect(printed.stdout.contains("name: first"))
    }

    @Test func configRejectsWrongTypes() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      let deploy = try sim.sim("deploy", sim.charmDir, "--config", "port=abc")
      #expect(deploy.status == 1)
      #expect(deploy.stderr == "ERROR option \"port\" expected int, got \"abc\"\n")
      try sim.deploy(units: 1)

      let cases = [
        ("flag=maybe", "option \"flag\" expected boolean, got \"maybe\""),
        ("ratio=x", "option \"ratio\" expected float, got \"x\""),
        ("token=plain", "option \"token\" expected secret URI, got \"plain\""),
        ("missing=1", "unknown option \"missing\""),
      ]
      for (argument, message) in cases {
        let result = try sim.sim("config", argument)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ERROR " + message), "\(argument): \(result.stderr)")
      }
      #expect(try sim.sim("config", "flag=true", "ratio=1.5").status == 0)
      #expect(try sim.probe("fake/0", "config-get ratio").stdout == "1.5\n")
      #expect(try sim.probe("fake/0", "config-get flag").stdout == "True\n")
    }

    @Test func refreshRunsUpgradeSequence() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      try sim.clearHooks(["fake/0", "fake/1"])

      try sim.sim("refresh", "--path", sim.charmDir)

      #expect(try sim.hooks("fake/0") == ["hooks/upgrade-charm  ", "hooks/config-changed  "])
      #expect(try sim.hooks("fake/1") == [
        "hooks/upgrade-charm  ", "hooks/config-changed  ", "hooks/leader-settings-changed  ",
      ])
      let status = try sim.statusJSON()
      let application = (status["applications"] as? [String: Any])?["fake"] as? [String: Any]
      #expect(application?["charm-rev"] as? Int == 2)
    }

    @Test func updateStatusOnEveryUnit() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)
      try sim.clearHooks(["fake/0", "fake/1"])

      try sim.sim("update-status")

      #expect(try sim.hooks("fake/0") == ["hooks/update-status  "])
      #expect(try sim.hooks("fake/1") == ["hooks/update-status  "])
    }

    @Test func scaleToZeroAndBack() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      try sim.sim("remove-unit", "fake/0", "fake/1")
      let empty = try sim.statusJSON()
      let application = (empty["applications"] as? [String: Any])?["fake"] as? [String: Any]
      #expect(application?["units"] == nil)

      try sim.sim("add-unit")
      #expect(try sim.hooks("fake/2") == [
        "hooks/install  ", "hooks/cluster-relation-created  ", "hooks/leader-elected  ", "hooks/config-changed  ",
        "hooks/start  ",
      ])
      #expect((try unitsOf(sim)["fake/2"]?["leader"] as? Bool) == true)
    }
  }
}

/// The `units` map of the application in `status --format json`.
func unitsOf(_ sim: SimHarness) throws -> [String: [String: Any]] {
  let status = try sim.statusJSON()
  let application = (status["applications"] as? [String: Any])?["fake"] as? [String: Any]
  return application?["units"] as? [String: [String: Any]] ?? [:]
}
