import Foundation

/// A workload or application status as `status-set` writes it.
struct StatusValue: Codable, Equatable, Sendable {
  var status: String
  var message: String
}

/// One relation databag and the version that counts its committed changes.
struct Bag: Codable, Equatable, Sendable {
  var data: [String: String] = [:]
  var version = 0
}

/// A peer relation of the application, with the units in its scope and every databag.
struct RelationState: Codable, Sendable {
  var id: Int
  var endpoint: String
  /// Units that entered the relation (after their relation-created hook) and have not left it.
  var scope: [String] = []
  /// Unit databags; a departed unit's bag stays readable, as in Juju.
  var unitBags: [String: Bag] = [:]
  var appBag = Bag()

  var relationKey: String { "\(endpoint):\(id)" }
}

/// One hook to run, with everything needed to build its environment again for a retry.
struct HookSpec: Codable, Equatable, Sendable {
  /// Full hook name, for example `install` or `openclaw-cluster-relation-joined`.
  var name: String
  var relationId: Int?
  var remoteUnit: String?
  var departingUnit: String?
  var secretId: String?
  var secretLabel: String?
  var secretRevision: Int?
  /// The databag, leader-settings or charm version the hook makes the unit catch up with.
  var version: Int?
  /// For config-changed: the effective config the hook makes the unit catch up with.
  var configSnapshot: String?
  /// For storage hooks: the instance, such as `state/0`.
  var storageId: String?
}

/// One unit's progress: the hooks it ran and the versions it caught up with, as the Juju unit agent records them.
struct UnitRelationView: Codable, Sendable {
  var created = false
  /// Member units whose joined hook ran, to the bag version seen; -1 means relation-changed is due right after joined.
  var members: [String: Int] = [:]
  var appSeen = 0
}

enum UnitLife: String, Codable, Sendable {
  case alive, dying
}

struct UnitState: Codable, Sendable {
  var name: String
  var number: Int
  var machine: String
  var address: String
  var holderPid: Int32 = 0
  /// The holder's mount namespace (`mnt:[inode]`), which identifies every process of the unit.
  var mountNamespace = ""
  var life = UnitLife.alive
  var installed = false
  var started = false
  var stopped = false
  var leaderElectedRun = false
  var leaderSettingsSeen = 0
  var configSeen: String?
  var charmSeen = 0
  var updateStatusPending = false
  /// Hooks a previous hook queued to run next (config-changed after upgrade-charm).
  var queued: [HookSpec] = []
  /// The hook that failed; no other hook runs on the unit until `resolve` retries it.
  var failedHook: HookSpec?
  var workload = StatusValue(status: "waiting", message: "allocating")
  var workloadSetByCharm = false
  var ports: [PortRange] = []
  var state: [String: String] = [:]
  var relations: [String: UnitRelationView] = [:]
  var secretTracking: [String: Int] = [:]
  var secretNotified: [String: Int] = [:]
  var secretLabels: [String: String] = [:]

  var tag: String { name.replacingOccurrences(of: "/", with: "-") }
}

/// One revision-tracked Juju secret. Its contents live in files under `<model>/secrets/<id>/`.
struct SecretState: Codable, Sendable {
  var id: String
  /// `application` for application-owned secrets, else the owning unit's name.
  var owner: String
  var label: String?
  var description: String?
  var expire: String?
  var rotate: String?
  var revisions: [Int]
  /// Grants as `<relation id>` (the whole related application) or `<relation id>/<unit>`.
  var grants: [String] = []

  var latest: Int { revisions.max() ?? 0 }
  var uri: String { "secret:" + id }
}

/// The deployed application and its charm.
struct AppState: Codable, Sendable {
  var name: String
  /// Bumped on every refresh and resource attach, so each unit runs upgrade-charm once.
  var charmVersion = 1
  var charmRevision = 1
  /// Options set explicitly; the rest take the default from config.yaml.
  var config: [String: Value] = [:]
  var status: StatusValue?
  var version = ""
  /// Attached resources: name to the file name under `<model>/agent/resources/<name>/`.
  var resources: [String: String] = [:]
  /// Storage directives from `deploy --storage`, by store name; every new unit gets these instances.
  var storage: [String: StorageDirective] = [:]
}

/// Everything `juju-sim` keeps about one model, saved as `<model>/model.json`.
struct ModelState: Codable, Sendable {
  var name = "sim"
  var uuid = UUID().uuidString.lowercased()
  var app: AppState?
  var units: [String: UnitState] = [:]
  var nextUnitNumber = 0
  var nextMachine = 0
  var leader: String?
  var leaderSettings: [String: String] = [:]
  var leaderSettingsVersion = 1
  var relations: [RelationState] = []
  var nextRelationId = 0
  var secrets: [String: SecretState] = [:]
  /// Injected faults: hook tool or service command name to `once` or `always`.
  var faults: [String: String] = [:]
  var modelConfig: [String: String] = [:]
  var nextActionId = 1
  /// Storage instances by id (`state/0`), attached or detached.
  var storage: [String: StorageInstance] = [:]
  /// Juju numbers storage instances model-wide, across stores.
  var nextStorageNumber = 0

  /// Units sorted by unit number, the fixed order hooks are picked in.
  var sortedUnits: [UnitState] { units.values.sorted { $0.number < $1.number } }

  func relationIndex(id: Int) -> Int? { relations.firstIndex { $0.id == id } }
}

/// A port range a unit opened, as `open-port` takes it.
struct PortRange: Codable, Equatable, Hashable, Sendable, Comparable {
  var from: Int
  var to: Int
  var proto: String

  var text: String {
    if proto == "icmp" { return "icmp" }
    return from == to ? "\(from)/\(proto)" : "\(from)-\(to)/\(proto)"
  }

  static func < (left: PortRange, right: PortRange) -> Bool {
    (left.proto, left.from, left.to) < (right.proto, right.from, right.to)
  }

  func conflicts(with other: PortRange) -> Bool {
    proto == other.proto && from <= other.to && other.from <= to
  }
}
