import Foundation

/// Errors in `--storage` directives.
enum StorageError: Error, CustomStringConvertible {
  case malformed(String)
  case unknownStore(name: String, defined: [String])
  case tooSmall(name: String, minimumMiB: Int, givenMiB: Int)
  case countOutOfRange(name: String, count: Int, minimum: Int, maximum: Int?)

  var description: String {
    switch self {
    case .malformed(let text):
      return "invalid storage directive \"\(text)\": expected NAME=[POOL,][SIZE][,COUNT], for example state=1G"
    case .unknownStore(let name, let defined):
      let known = defined.isEmpty ? "none" : defined.joined(separator: ", ")
      return "charm has no store called \"\(name)\" (metadata.yaml `storage:` defines: \(known))"
    case .tooSmall(let name, let minimum, let given):
      return "store \"\(name)\": minimum storage size is \(StorageSize.text(minimum)), \(StorageSize.text(given)) specified"
    case .countOutOfRange(let name, let count, let minimum, let maximum):
      let range = maximum.map { "\(minimum)-\($0)" } ?? "\(minimum) or more"
      return "store \"\(name)\": \(count) instances specified, the charm allows \(range) (`multiple: range`)"
    }
  }
}

/// One store from `storage:` in metadata.yaml.
struct StorageMeta: Sendable {
  let name: String
  let kind: String
  let location: String
  let minimumMiB: Int
  let countMin: Int
  /// nil when there is no upper bound (`range: 1-`).
  let countMax: Int?

  /// Reads one `storage:` entry; a store without `multiple` is a single, required instance, as in Juju.
  static func parse(name: String, entry: Value) -> StorageMeta {
    let map = entry.mapValue ?? [:]
    var countMin = 1
    var countMax: Int? = 1
    if let range = map["multiple"]?.mapValue?["range"] {
      let text = scalar(range) ?? "1"
      if text.hasSuffix("-") || text.hasSuffix("+") {
        countMin = Int(text.dropLast()) ?? 0
        countMax = nil
      } else if let dash = text.firstIndex(of: "-") {
        countMin = Int(text[..<dash]) ?? 0
        countMax = Int(text[text.index(after: dash)...])
      } else {
        countMin = Int(text) ?? 1
        countMax = countMin
      }
    }
    let minimum = map["minimum-size"].flatMap(scalar).flatMap(StorageSize.mebibytes)
    return StorageMeta(
      name: name, kind: map["type"]?.stringValue ?? "filesystem", location: map["location"]?.stringValue ?? "",
      minimumMiB: minimum ?? 0, countMin: countMin, countMax: countMax)
  }

  private static func scalar(_ value: Value) -> String? {
    switch value {
    case .string(let text): return text
    case .int(let number): return String(number)
    default: return nil
    }
  }

  /// Where an instance is mounted, as Juju's FilesystemMountPoint picks it: the location itself for a store of at
  /// most one instance, else `<location or /var/lib/juju/storage>/<name>/<n>`.
  func mountPoint(id: String) -> String {
    if !location.isEmpty && countMax == 1 { return location }
    return (location.isEmpty ? "/var/lib/juju/storage" : location) + "/" + id
  }
}

/// Sizes as Juju writes them: a number with an optional M, G, T or P suffix (default M), in MiB.
enum StorageSize {
  static func mebibytes(_ text: String) -> Int? {
    var digits = text.uppercased()
    for suffix in ["IB", "B"] where digits.hasSuffix(suffix) { digits.removeLast(suffix.count) }
    let factors: [Character: Double] = ["M": 1, "G": 1024, "T": 1024 * 1024, "P": 1024 * 1024 * 1024]
    var factor = 1.0
    if let last = digits.last, let unit = factors[last] {
      factor = unit
      digits.removeLast()
    }
    guard let number = Double(digits), number >= 0 else { return nil }
    return Int((number * factor).rounded(.up))
  }

  static func text(_ mebibytes: Int) -> String {
    mebibytes % 1024 == 0 ? "\(mebibytes / 1024)G" : "\(mebibytes)M"
  }
}

/// What `deploy --storage NAME=...` asked for; every unit, including units added later, gets it.
struct StorageDirective: Codable, Sendable, Equatable {
  var sizeMiB: Int
  var count: Int

  /// Parses `NAME=[POOL,][SIZE][,COUNT]` (any order, as `juju deploy --storage`) against the charm's stores.
  static func parse(_ text: String, stores: [String: StorageMeta]) throws -> (String, StorageDirective) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw StorageError.malformed(text) }
    let name = String(text[..<equals])
    guard let meta = stores[name] else { throw StorageError.unknownStore(name: name, defined: stores.keys.sorted()) }
    var size: Int?
    var count: Int?
    for part in text[text.index(after: equals)...].split(separator: ",").map(String.init) {
      if let number = Int(part) {
        count = number
      } else if part.first?.isNumber == true {
        guard let parsed = StorageSize.mebibytes(part) else { throw StorageError.malformed(text) }
        size = parsed
      } else if part.isEmpty || !part.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
        throw StorageError.malformed(text)
      }
    }
    let directive = StorageDirective(sizeMiB: size ?? max(meta.minimumMiB, 1024), count: count ?? max(meta.countMin, 1))
    if directive.sizeMiB < meta.minimumMiB {
      throw StorageError.tooSmall(name: name, minimumMiB: meta.minimumMiB, givenMiB: directive.sizeMiB)
    }
    if directive.count < meta.countMin || directive.count > (meta.countMax ?? Int.max) {
      throw StorageError.countOutOfRange(name: name, count: directive.count, minimum: meta.countMin, maximum: meta.countMax)
    }
    return (name, directive)
  }
}

/// One storage instance (`state/0`): a directory under `<model>/storage/`, bound into its unit at `location`.
/// It stays in the model, detached, after its unit is removed.
struct StorageInstance: Codable, Sendable {
  var id: String
  var name: String
  var kind: String
  var location: String
  var sizeMiB: Int
  /// The unit it is attached to; nil once detached.
  var unit: String?
  /// Whether the unit ran `<name>-storage-attached` for it.
  var attachedHookRun = false

  var directoryName: String { id.replacingOccurrences(of: "/", with: "-") }
}

extension Simulator {
  /// Creates the unit's storage instances from the application's directives and binds them into the unit.
  func createStorage(for name: String) throws {
    for (storeName, directive) in app.storage.sorted(by: { $0.key < $1.key }) {
      guard let meta = charm.storage[storeName] else { continue }
      for _ in 0..<directive.count {
        let id = "\(storeName)/\(state.nextStorageNumber)"
        state.nextStorageNumber += 1
        let instance = StorageInstance(
          id: id, name: storeName, kind: meta.kind, location: meta.mountPoint(id: id), sizeMiB: directive.sizeMiB, unit: name)
        let directory = paths.storageDir + "/" + instance.directoryName
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(paths.storageDir, 0o700)
        chmod(directory, 0o755)
        state.storage[id] = instance
        try save()
      }
    }
    try mountStorage(for: name)
  }

  /// Binds every storage instance attached to the unit at its location, as the machine agent mounts a filesystem
  /// before the storage-attached hook.
  func mountStorage(for name: String) throws {
    guard let unit = state.units[name] else { return }
    for instance in state.storage.values.sorted(by: { $0.id < $1.id }) where instance.unit == name {
      try UnitMachine.bind(
        unit: unit, paths: paths, source: paths.storageDir + "/" + instance.directoryName, location: instance.location)
    }
  }

  /// The storage instances attached to a unit, sorted by id.
  func storage(of unitName: String) -> [StorageInstance] {
    state.storage.values.filter { $0.unit == unitName }.sorted { $0.id < $1.id }
  }

  /// Unmounts a detached instance from its unit and leaves it in the model without a unit.
  func detachStorage(_ id: String) {
    guard let instance = state.storage[id] else { return }
    if let owner = instance.unit, let unit = state.units[owner] {
      UnitMachine.unbind(unit: unit, paths: paths, location: instance.location)
    }
    state.storage[id]!.unit = nil
    state.storage[id]!.attachedHookRun = false
  }
}
