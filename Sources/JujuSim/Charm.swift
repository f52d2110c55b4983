import Foundation

/// Errors about the charm being deployed or refreshed.
enum CharmError: Error, CustomStringConvertible {
  case missingFile(String)
  case invalidFile(path: String, reason: String)
  case sourceTreeNotFound(start: String)
  case missingBinary(String)
  case unpackFailed(path: String, output: String)

  var description: String {
    switch self {
    case .missingFile(let path):
      return "charm file \(path) not found: a charm directory needs metadata.yaml and an executable dispatch"
    case .invalidFile(let path, let reason):
      return "cannot read \(path): \(reason)"
    case .sourceTreeNotFound(let start):
      return "no charm source tree (a directory with metadata.yaml and Package.swift) above \(start); pass a charm directory or .charm file"
    case .missingBinary(let path):
      return "charm binary \(path) not found: build it first with `swift build -c release --product charm-hook`"
    case .unpackFailed(let path, let output):
      return "cannot unpack \(path): \(output)"
    }
  }
}

/// One option from `config.yaml`.
struct ConfigOption: Sendable {
  let name: String
  let type: String
  let defaultValue: Value
}

/// The parts of a charm that juju-sim needs: its name, endpoints, config options and action schemas.
struct CharmSpec: Sendable {
  let name: String
  /// Peer endpoint names from `peers:` in metadata, sorted.
  let peerEndpoints: [String]
  /// Every endpoint and extra binding name, the names `network-get` accepts.
  let bindings: [String]
  let storageNames: [String]
  /// Stores from `storage:` in metadata, by name.
  let storage: [String: StorageMeta]
  let options: [String: ConfigOption]
  /// Action name to its entry in `actions.yaml` (`params`, `required`, `additionalProperties`).
  let actions: [String: Value]

  /// Reads `metadata.yaml`, `config.yaml` and `actions.yaml` from a charm directory.
  static func load(directory: String) throws -> CharmSpec {
    let metadataPath = directory + "/metadata.yaml"
    guard let metadata = try readYAML(metadataPath)?.mapValue else { throw CharmError.missingFile(metadataPath) }
    guard let name = metadata["name"]?.stringValue, !name.isEmpty else {
      throw CharmError.invalidFile(path: metadataPath, reason: "missing the application name (`name:`)")
    }
    let peers = metadata["peers"]?.mapValue?.keys.sorted() ?? []
    var bindings = Set(peers)
    for section in ["requires", "provides", "extra-bindings"] {
      bindings.formUnion(metadata[section]?.mapValue?.keys ?? [:].keys)
    }
    let storageEntries = metadata["storage"]?.mapValue ?? [:]
    let storage = storageEntries.keys.sorted()

    var options: [String: ConfigOption] = [:]
    let configPath = directory + "/config.yaml"
    if let config = try readYAML(configPath), let entries = config["options"]?.mapValue {
      for (optionName, entry) in entries {
        let type = entry["type"]?.stringValue ?? "string"
        guard ["string", "int", "float", "boolean", "secret"].contains(type) else {
          throw CharmError.invalidFile(path: configPath, reason: "option \"\(optionName)\" has unknown type \"\(type)\"")
        }
        options[optionName] = ConfigOption(name: optionName, type: type, defaultValue: entry["default"] ?? .null)
      }
    }
    let actions = try readYAML(directory + "/actions.yaml")?.mapValue ?? [:]
    return CharmSpec(
      name: name, peerEndpoints: peers, bindings: bindings.sorted(), storageNames: storage,
      storage: storageEntries.reduce(into: [:]) { $0[$1.key] = StorageMeta.parse(name: $1.key, entry: $1.value) },
      options: options, actions: actions)
  }

  private static func readYAML(_ path: String) throws -> Value? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw CharmError.invalidFile(path: path, reason: "not UTF-8 text")
    }
    do {
      return try YAML.parse(text)
    } catch {
      throw CharmError.invalidFile(path: path, reason: error.description)
    }
  }
}

/// Puts a charm into a directory of the model, from a charm directory, a packed `.charm` or the source tree.
enum CharmSource {
  /// Copies or unpacks `source` (nil: the source tree around the current directory) into `destination`.
  static func stage(source: String?, destination: String) throws {
    let files = FileManager.default
    try? files.removeItem(atPath: destination)
    try files.createDirectory(atPath: destination, withIntermediateDirectories: true)
    if let source {
      var isDirectory: ObjCBool = false
      guard files.fileExists(atPath: source, isDirectory: &isDirectory) else { throw CharmError.missingFile(source) }
      if isDirectory.boolValue {
        try copyTree(from: source, to: destination)
      } else {
        try unzip(archive: source, into: destination)
      }
    } else {
      try assembleSourceTree(destination: destination)
    }
    guard files.fileExists(atPath: destination + "/metadata.yaml") else {
      throw CharmError.missingFile((source ?? "source tree") + "/metadata.yaml")
    }
  }

  /// Walks up from the current directory to the directory holding both metadata.yaml and Package.swift.
  static func findSourceTree() throws -> String {
    let start = FileManager.default.currentDirectoryPath
    var directory = URL(fileURLWithPath: start)
    while true {
      let path = directory.path
      if FileManager.default.fileExists(atPath: path + "/metadata.yaml"),
        FileManager.default.fileExists(atPath: path + "/Package.swift")
      {
        return path
      }
      if path == "/" { throw CharmError.sourceTreeNotFound(start: start) }
      directory.deleteLastPathComponent()
    }
  }

  private static func assembleSourceTree(destination: String) throws {
    let tree = try findSourceTree()
    let binary = tree + "/.build/release/charm-hook"
    guard FileManager.default.isExecutableFile(atPath: binary) else { throw CharmError.missingBinary(binary) }
    for name in ["dispatch", "metadata.yaml", "config.yaml", "actions.yaml", "templates"] {
      let path = tree + "/" + name
      if FileManager.default.fileExists(atPath: path) {
        try copyTree(from: path, to: destination + "/" + name)
      }
    }
    try copyTree(from: binary, to: destination + "/charm-hook")
  }

  /// Copies a file or directory with `cp -a`, which keeps modes and symbolic links.
  static func copyTree(from source: String, to destination: String) throws {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
    let arguments = isDirectory.boolValue && FileManager.default.fileExists(atPath: destination)
      ? ["-a", source + "/.", destination] : ["-a", source, destination]
    let result = try Spawn.run("/bin/cp", arguments)
    guard result.status == 0 else {
      throw CharmError.unpackFailed(path: source, output: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  private static func unzip(archive: String, into destination: String) throws {
    let result = try Spawn.run("/usr/bin/unzip", ["-q", "-o", archive, "-d", destination])
    guard result.status == 0 else {
      throw CharmError.unpackFailed(path: archive, output: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}
