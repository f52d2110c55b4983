import Foundation
import Testing

extension JujuSimTests {
  @Suite struct ShowUnit {
    @Test func relationDataOfLeaderAndPeer() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 2)

      let result = try sim.sim("show-unit", "fake/1", "--format", "json")
      #expect(result.status == 0, "\(result.stderr)")
      let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      let unit = try #require(document?["fake/1"] as? [String: Any])
      #expect(unit["leader"] as? Bool == false)
      #expect(unit["life"] as? String == "alive")
      #expect(unit["charm"] as? String == "local:fake-1")
      #expect(unit["public-address"] as? String == "127.0.0.3")
      #expect(unit["opened-ports"] as? [String] == ["8080/tcp"])

      let relations = try #require(unit["relation-info"] as? [[String: Any]])
      #expect(relations.count == 1)
      let relation = relations[0]
      #expect(relation["relation-id"] as? Int == 0)
      #expect(relation["endpoint"] as? String == "cluster")
      #expect(relation["related-endpoint"] as? String == "cluster")
      #expect(relation["application-data"] as? [String: String] == ["leader": "fake/0"])
      let local = relation["local-unit"] as? [String: Any]
      #expect(local?["in-scope"] as? Bool == true)
      #expect((local?["data"] as? [String: String])?["ingress-address"] == "127.0.0.3")
      let related = relation["related-units"] as? [String: [String: Any]]
      #expect(related?.keys.sorted() == ["fake/0"])
      #expect((related?["fake/0"]?["data"] as? [String: String])?["private-address"] == "127.0.0.2")
    }

    @Test func applicationDataOnlyAndYAML() throws {
      let sim = try SimHarness()
      defer { sim.destroy() }
      try sim.deploy(units: 1)

      let appOnly = try sim.sim("show-unit", "fake/0", "--app")
      #expect(appOnly.status == 0, "\(appOnly.stderr)")
      #expect(appOnly.stdout.contains("  leader: true\n"))
      #expect(appOnly.stdout.contains("  - application-data:\n      leader: fake/0\n"))
      #expect(!appOnly.stdout.contains("local-unit"))

      let missing = try sim.sim("show-unit", "fake/7")
      #expect(missing.status != 0)
      #expect(missing.stderr.contains("fake/7"))
      let badFormat = try sim.sim("show-unit", "fake/0", "--format", "xml")
      #expect(badFormat.status == 2)
    }
  }
}
