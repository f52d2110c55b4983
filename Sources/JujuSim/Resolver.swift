import Foundation

/// Picks each unit's next hook from what the unit has seen and what the model holds, in the priority order of
/// Juju's uniter resolver: storage-attached, a queued hook, teardown when dying (storage-detaching first), install, relation-created, leadership, secrets,
/// upgrade-charm, config-changed, start, relation hooks, update-status.
extension Simulator {
  func nextHook(for unit: UnitState) -> HookSpec? {
    if unit.failedHook != nil { return nil }
    if unit.life == .alive, let instance = storage(of: unit.name).first(where: { !$0.attachedHookRun }) {
      return HookSpec(name: "\(instance.name)-storage-attached", storageId: instance.id)
    }
    if var queued = unit.queued.first {
      if queued.name == "config-changed" { queued.configSnapshot = configSnapshot() }
      return queued
    }
    if unit.life == .dying { return teardownHook(for: unit) }
    if !unit.installed { return HookSpec(name: "install") }
    for relation in state.relations.sorted(by: { $0.id < $1.id }) where unit.relations[String(relation.id)]?.created != true {
      return HookSpec(name: "\(relation.endpoint)-relation-created", relationId: relation.id)
    }
    let isLeader = state.leader == unit.name
    if isLeader && !unit.leaderElectedRun {
      return HookSpec(name: "leader-elected", version: state.leaderSettingsVersion)
    }
    if !isLeader && unit.leaderSettingsSeen != state.leaderSettingsVersion {
      return HookSpec(name: "leader-settings-changed", version: state.leaderSettingsVersion)
    }
    if let hook = secretChangedHook(for: unit) { return hook }
    if unit.charmSeen != app.charmVersion { return HookSpec(name: "upgrade-charm", version: app.charmVersion) }
    let snapshot = configSnapshot()
    if unit.configSeen != snapshot { return HookSpec(name: "config-changed", configSnapshot: snapshot) }
    if !unit.started { return HookSpec(name: "start") }
    for relation in state.relations.sorted(by: { $0.id < $1.id }) {
      if let hook = relationHook(for: unit, relation: relation) { return hook }
    }
    if unit.updateStatusPending { return HookSpec(name: "update-status") }
    return nil
  }

  private func teardownHook(for unit: UnitState) -> HookSpec? {
    // Juju's storage resolver runs before relation teardown: storage-detaching comes first.
    if let instance = storage(of: unit.name).first(where: { $0.attachedHookRun }) {
      return HookSpec(name: "\(instance.name)-storage-detaching", storageId: instance.id)
    }
    if !unit.installed { return HookSpec(name: "remove") }
    for relation in state.relations.sorted(by: { $0.id < $1.id }) {
      let view = unit.relations[String(relation.id)] ?? UnitRelationView()
      if let member = view.members.keys.sorted().first {
        return HookSpec(
          name: "\(relation.endpoint)-relation-departed", relationId: relation.id, remoteUnit: member,
          departingUnit: unit.name)
      }
    }
    if !unit.stopped { return HookSpec(name: "stop") }
    return HookSpec(name: "remove")
  }

  private func secretChangedHook(for unit: UnitState) -> HookSpec? {
    for (id, tracked) in unit.secretTracking.sorted(by: { $0.key < $1.key }) {
      guard let secret = state.secrets[id] else { continue }
      let latest = secret.latest
      if tracked < latest && (unit.secretNotified[id] ?? 0) < latest {
        let label = unit.secretLabels[id] ?? (secretOwned(secret, by: unit) ? secret.label : nil)
        return HookSpec(name: "secret-changed", secretId: secret.uri, secretLabel: label ?? "", secretRevision: latest)
      }
    }
    return nil
  }

  /// Relation hooks within one relation, in Juju's order: relation-changed right after joined, then departs,
  /// then the application-level change, then joins (sorted), then unit changes.
  private func relationHook(for unit: UnitState, relation: RelationState) -> HookSpec? {
    guard let view = unit.relations[String(relation.id)], view.created, relation.scope.contains(unit.name) else {
      return nil
    }
    let endpoint = relation.endpoint
    let others = relation.scope.filter { $0 != unit.name }.sorted()
    func bagVersion(_ member: String) -> Int { relation.unitBags[member]?.version ?? 0 }

    if let member = view.members.filter({ $0.value == -1 }).keys.sorted().first {
      return HookSpec(
        name: "\(endpoint)-relation-changed", relationId: relation.id, remoteUnit: member, version: bagVersion(member))
    }
    if let member = view.members.keys.sorted().first(where: { !others.contains($0) }) {
      return HookSpec(
        name: "\(endpoint)-relation-departed", relationId: relation.id, remoteUnit: member, departingUnit: member)
    }
    if relation.appBag.version > 0 && view.appSeen != relation.appBag.version {
      return HookSpec(
        name: "\(endpoint)-relation-changed", relationId: relation.id, remoteUnit: "", version: relation.appBag.version)
    }
    if let member = others.first(where: { view.members[$0] == nil }) {
      return HookSpec(name: "\(endpoint)-relation-joined", relationId: relation.id, remoteUnit: member)
    }
    if let member = others.first(where: { view.members[$0]! < bagVersion($0) }) {
      return HookSpec(
        name: "\(endpoint)-relation-changed", relationId: relation.id, remoteUnit: member, version: bagVersion(member))
    }
    return nil
  }

  /// Status changes the unit agent makes around some hooks, unless the charm set a status itself.
  func applyStatusBefore(_ spec: HookSpec, unit name: String) {
    switch spec.name {
    case "install" where !state.units[name]!.workloadSetByCharm:
      state.units[name]!.workload = StatusValue(status: "maintenance", message: "installing charm software")
    case "stop":
      state.units[name]!.workload = StatusValue(status: "maintenance", message: "stopping charm software")
    default:
      break
    }
  }

  /// Records what a successful hook made the unit catch up with.
  func applyTransition(_ spec: HookSpec, unit name: String) throws {
    guard var unit = state.units[name] else { return }
    if let storageId = spec.storageId, state.storage[storageId] != nil {
      if spec.name.hasSuffix("-storage-attached") {
        state.storage[storageId]!.attachedHookRun = true
      } else {
        detachStorage(storageId)
      }
      return
    }
    let relationKey = spec.relationId.map(String.init)
    switch spec.name {
    case "install":
      unit.installed = true
    case "leader-elected":
      unit.leaderElectedRun = true
      unit.leaderSettingsSeen = spec.version ?? state.leaderSettingsVersion
    case "leader-settings-changed":
      unit.leaderSettingsSeen = spec.version ?? state.leaderSettingsVersion
    case "config-changed":
      unit.configSeen = spec.configSnapshot
    case "start":
      unit.started = true
      if !unit.workloadSetByCharm { unit.workload = StatusValue(status: "unknown", message: "") }
    case "upgrade-charm":
      unit.charmSeen = spec.version ?? app.charmVersion
      unit.queued.append(HookSpec(name: "config-changed"))
      if state.leader != name { unit.leaderSettingsSeen = -1 }
    case "stop":
      unit.stopped = true
      unit.started = false
      unit.workload = StatusValue(status: "maintenance", message: "")
    case "update-status":
      unit.updateStatusPending = false
    case "secret-changed":
      if let uri = spec.secretId, let revision = spec.secretRevision {
        unit.secretNotified[String(uri.dropFirst("secret:".count))] = revision
      }
    case "remove":
      state.units[name] = unit
      discardUnit(unit)
      return
    default:
      if let relationKey, let relationId = spec.relationId {
        applyRelationTransition(spec, unit: &unit, key: relationKey, relationId: relationId)
      }
    }
    state.units[name] = unit
  }

  private func applyRelationTransition(_ spec: HookSpec, unit: inout UnitState, key: String, relationId: Int) {
    var view = unit.relations[key] ?? UnitRelationView()
    if spec.name.hasSuffix("-relation-created") {
      view.created = true
      if let index = state.relationIndex(id: relationId), unit.life == .alive {
        if !state.relations[index].scope.contains(unit.name) { state.relations[index].scope.append(unit.name) }
        // Juju fills in the unit's addresses on scope entry, keeping anything the unit already wrote.
        var bag = state.relations[index].unitBags[unit.name] ?? Bag(data: [:], version: 1)
        for (key, value) in ["private-address": unit.address, "ingress-address": unit.address,
          "egress-subnets": unit.address + "/32"] where bag.data[key] == nil {
          bag.data[key] = value
        }
        state.relations[index].unitBags[unit.name] = bag
      }
    } else if spec.name.hasSuffix("-relation-joined"), let member = spec.remoteUnit {
      view.members[member] = -1
    } else if spec.name.hasSuffix("-relation-changed"), let member = spec.remoteUnit {
      if member.isEmpty {
        view.appSeen = spec.version ?? 0
      } else {
        view.members[member] = spec.version ?? 0
      }
    } else if spec.name.hasSuffix("-relation-departed"), let member = spec.remoteUnit {
      view.members[member] = nil
    }
    unit.relations[key] = view
  }
}
