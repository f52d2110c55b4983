import Foundation

/// `juju-sim show-unit`: a unit's leadership, ports and relation data, in the shape of `juju show-unit` (Juju 3.6,
/// `cmd/juju/application/showunit.go`). It only reads the model and runs no hook.
extension Commands {
  func showUnit(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: ["--format", "--endpoint", "--related-unit"], flags: ["--app"])
    guard !options.positional.isEmpty else {
      throw UsageError.missingArgument(command: "show-unit", usage: "show-unit UNIT... [--format yaml|json]")
    }
    let format = options.last("--format") ?? "yaml"
    guard ["yaml", "json"].contains(format) else {
      throw UsageError.invalidValue(option: "--format", value: format, expected: "yaml or json")
    }
    let simulator = try openModel(options)
    var document: [String: Value] = [:]
    for name in options.positional {
      let unit = try simulator.unit(named: name)
      document[unit.name] = simulator.unitInfo(
        unit, endpoint: options.last("--endpoint"), relatedUnit: options.last("--related-unit"),
        applicationOnly: options.last("--app") != nil)
    }
    print(format == "json" ? JSON.encode(.map(document)) : YAML.encode(.map(document)), terminator: format == "json" ? "\n" : "")
    return 0
  }
}

extension Simulator {
  /// Returns one unit's entry. As in Juju, every relation lists the application's units other than this one
  /// under `related-units`, with `in-scope` false for a unit that has left the relation but still exists.
  func unitInfo(_ unit: UnitState, endpoint: String?, relatedUnit: String?, applicationOnly: Bool) -> Value {
    var relations: [Value] = []
    for relation in state.relations.sorted(by: { $0.id < $1.id }) {
      if let endpoint, relation.endpoint != endpoint { continue }
      var entry: [String: Value] = [
        "relation-id": .int(relation.id),
        "endpoint": .string(relation.endpoint),
        "related-endpoint": .string(relation.endpoint),
        "application-data": .map(relation.appBag.data.mapValues { .string($0) }),
      ]
      if !applicationOnly {
        var related: [String: Value] = [:]
        for other in state.sortedUnits where other.name != unit.name {
          if let relatedUnit, other.name != relatedUnit { continue }
          related[other.name] = unitRelationData(relation, other.name)
        }
        if relatedUnit == nil || relatedUnit == unit.name {
          entry["local-unit"] = unitRelationData(relation, unit.name)
        }
        if !related.isEmpty { entry["related-units"] = .map(related) }
        // Juju leaves out a relation with no data at all unless `--endpoint` names it.
        let localData = relation.unitBags[unit.name]?.data ?? [:]
        guard endpoint != nil || !relation.appBag.data.isEmpty || !related.isEmpty || !localData.isEmpty else { continue }
      }
      relations.append(.map(entry))
    }

    var info: [String: Value] = [
      "machine": .string(unit.machine),
      "opened-ports": .list(unit.ports.sorted().map { .string($0.text) }),
      "public-address": .string(unit.address),
      "charm": .string("local:\(app.name)-\(app.charmRevision)"),
      "leader": .bool(state.leader == unit.name),
      "life": .string(unit.life.rawValue),
    ]
    if !app.version.isEmpty { info["workload-version"] = .string(app.version) }
    if !relations.isEmpty { info["relation-info"] = .list(relations) }
    return .map(info)
  }

  private func unitRelationData(_ relation: RelationState, _ name: String) -> Value {
    .map([
      "in-scope": .bool(relation.scope.contains(name)),
      "data": .map((relation.unitBags[name]?.data ?? [:]).mapValues { .string($0) }),
    ])
  }
}
