import Foundation

/// Hook tools about relations and the unit's network: relation-ids, relation-list, relation-get, relation-set,
/// network-get, unit-get.
extension Simulator {
  func relationIds(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(1)
    var endpoint = arguments.positional.first
    if endpoint == nil, let id = call.context.spec?.relationId, let index = state.relationIndex(id: id) {
      endpoint = state.relations[index].endpoint
    }
    guard let endpoint else { throw .usage("no endpoint name specified") }
    // A unit sees a relation from its relation-created hook on, as with Juju's uniter, so install sees none.
    let ids = state.relations.filter { relation in
      guard relation.endpoint == endpoint else { return false }
      return currentUnit.relations[String(relation.id)]?.created == true || context?.spec?.relationId == relation.id
    }.map(\.relationKey).sorted()
    return try emit(.list(ids.map { .string($0) }), arguments)
  }

  /// Returns the relation members visible to the running hook: units whose joined hook ran, the joining unit during its joined hook, and
  /// not the departing unit during its departed hook.
  func relationMembers(relationId: Int) -> [String] {
    let view = currentUnit.relations[String(relationId)] ?? UnitRelationView()
    var members = Set(view.members.keys)
    if let spec = context?.spec, spec.relationId == relationId, let remote = spec.remoteUnit, !remote.isEmpty {
      if spec.name.hasSuffix("-relation-joined") { members.insert(remote) }
      if spec.name.hasSuffix("-relation-departed") { members.remove(remote) }
    }
    return members.sorted { unitNumber($0) < unitNumber($1) }
  }

  func unitNumber(_ name: String) -> Int {
    Int(name.split(separator: "/").last ?? "") ?? 0
  }

  func relationList(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: Simulator.formatFlags + [.value("r", "relation"), .bool("app")])
    try arguments.requireAtMost(0)
    guard let id = try relationId(arguments) else { throw .usage("no relation id specified") }
    if arguments.flag("app") { return try emit(.string(app.name), arguments) }
    return try emit(.list(relationMembers(relationId: id).map { .string($0) }), arguments)
  }

  func relationGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: Simulator.formatFlags + [.value("r", "relation"), .bool("app")])
    try arguments.requireAtMost(2)
    guard let id = try relationId(arguments) else { throw .usage("no relation id specified") }
    let index = state.relationIndex(id: id)!
    let relation = state.relations[index]
    let key = arguments.positional.first.flatMap { $0 == "-" ? nil : $0 }
    var wantsApp = arguments.flag("app")
    var target: String
    if arguments.positional.count > 1 {
      target = arguments.positional[1]
    } else if let remote = call.context.spec?.remoteUnit, !remote.isEmpty, call.context.spec?.relationId == id, !wantsApp {
      target = remote
    } else if call.context.spec?.relationId == id || wantsApp {
      target = app.name
      wantsApp = true
    } else {
      throw .usage("no unit or application specified")
    }
    if wantsApp {
      target = String(target.split(separator: "/").first ?? "")
    } else if !target.contains("/") {
      throw .usage("expected unit name, got application name \"\(target)\"")
    }

    let data: [String: String]
    if wantsApp {
      guard target == app.name else {
        throw .failed("cannot read settings for application \"\(target)\" in relation \"\(relation.relationKey)\": application not found")
      }
      data = isCurrentLeader ? (call.context.appBags[id] ?? relation.appBag.data) : relation.appBag.data
    } else if target == call.context.unitName {
      data = call.context.unitBags[id] ?? relation.unitBags[target]?.data ?? [:]
    } else {
      guard let bag = relation.unitBags[target] else {
        throw .failed("cannot read settings for unit \"\(target)\" in relation \"\(relation.relationKey)\": unit \"\(target)\": settings not found")
      }
      data = bag.data
    }
    if let key { return try emit(data[key].map { .string($0) }, arguments) }
    return try emit(.map(data.mapValues { .string($0) }), arguments)
  }

  func relationSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: [.value("format"), .value("r", "relation"), .bool("app"), .value("file")])
    guard let id = try relationId(arguments) else { throw .usage("no relation id specified") }
    var changes: [(String, String)] = []
    if let file = arguments.value("file") {
      changes += try parseSettingsFile(try call.input(file))
    }
    changes += try parseKeyValues(arguments.positional)
    if arguments.flag("app") {
      guard isCurrentLeader else { throw .failed("cannot write relation settings") }
      let index = state.relationIndex(id: id)!
      var data = call.context.appBags[id] ?? state.relations[index].appBag.data
      apply(changes, to: &data)
      call.context.appBags[id] = data
    } else {
      let index = state.relationIndex(id: id)!
      var data = call.context.unitBags[id] ?? state.relations[index].unitBags[call.context.unitName]?.data ?? [:]
      apply(changes, to: &data)
      call.context.unitBags[id] = data
    }
    var output = ToolOutput.empty
    if arguments.value("format") != nil { output.text = "" }
    return output
  }

  private func apply(_ changes: [(String, String)], to data: inout [String: String]) {
    for (key, value) in changes {
      data[key] = value.isEmpty ? nil : value
    }
  }

  /// Reads a YAML or JSON map of settings; scalars become their text and null deletes the key.
  func parseSettingsFile(_ text: String) throws(ToolError) -> [(String, String)] {
    let document: Value
    do {
      document = try YAML.parse(text)
    } catch {
      throw .failed(error.description)
    }
    if document == .null { return [] }
    guard let entries = document.mapValue else { throw .failed("expected a YAML map of settings, got \(JSON.encode(document))") }
    return entries.keys.sorted().map { key in
      let value = entries[key]!
      return (key, value == .null ? "" : value.scalarText)
    }
  }

  func networkGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let fieldFlags = ["bind-address", "ingress-address", "egress-subnets", "primary-address"]
    let arguments = try ToolArguments(
      call.arguments, flags: Simulator.formatFlags + [.value("r", "relation")] + fieldFlags.map { FlagSpec.bool($0) })
    try arguments.requireAtMost(1)
    var binding = arguments.positional.first
    if binding == nil, let id = try relationId(arguments, required: false), let index = state.relationIndex(id: id) {
      binding = state.relations[index].endpoint
    }
    guard let binding else { throw .usage("no arguments specified") }
    guard charm.bindings.contains(binding) else { throw .failed("no network config found for binding \"\(binding)\"") }
    let address = currentUnit.address
    let values: [String: Value] = [
      "bind-address": .string(address), "primary-address": .string(address), "ingress-address": .string(address),
      "egress-subnets": .list([.string(address + "/32")]),
    ]

    let requested = fieldFlags.filter { arguments.flag($0) }
    if requested.count == 1 { return try emit(values[requested[0]], arguments) }
    if requested.count > 1 { return try emit(.map(values.filter { requested.contains($0.key) }), arguments) }

    let format = try OutputFormat.from(arguments)
    var addressEntry: [String: Value] = ["value": .string(address), "cidr": .string(address + "/32")]
    var bindEntry: [String: Value] = ["interface-name": .string("lo"), "mac-address": .string("00:00:00:00:00:00")]
    if format != .json {
      // Juju's YAML output also carries the pre-2.8 field names.
      addressEntry["address"] = .string(address)
      bindEntry["interfacename"] = .string("lo")
      bindEntry["macaddress"] = .string("00:00:00:00:00:00")
    }
    bindEntry["addresses"] = .list([.map(addressEntry)])
    let full: Value = .map([
      "bind-addresses": .list([.map(bindEntry)]),
      "egress-subnets": .list([.string(address + "/32")]),
      "ingress-addresses": .list([.string(address)]),
    ])
    return try emit(full, arguments)
  }

  func unitGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    guard let setting = arguments.positional.first else { throw .usage("no setting specified") }
    try arguments.requireAtMost(1)
    guard setting == "private-address" || setting == "public-address" else {
      throw .usage("unknown setting \"\(setting)\"")
    }
    return try emit(.string(currentUnit.address), arguments)
  }
}
