import Foundation
import Glibc

/// Errors of the host-wide address registry.
enum AddressError: Error, CustomStringConvertible {
  case exhausted
  case registryFailed(String)

  var description: String {
    switch self {
    case .exhausted:
      return "no free loopback address left in 127.0.0.2-127.255.255.254; destroy unused models with `juju-sim destroy`"
    case .registryFailed(let reason):
      return "cannot use the address registry: \(reason)"
    }
  }
}

/// Host-wide allocation of one loopback address per unit, 127.0.0.2 upward, so that two models on one machine
/// never share an address. Linux routes all of 127.0.0.0/8 to `lo`, so a process can bind any of them without
/// configuring the interface. The registry is a file of `<address> TAB <model dir> TAB <unit>` lines under
/// `/run/juju-sim/` (or `$JUJU_SIM_RUN_DIR`), changed only under `flock`.
enum AddressRegistry {
  struct Entry: Equatable {
    let address: String
    let model: String
    let unit: String
  }

  static var directory: String { ProcessInfo.processInfo.environment["JUJU_SIM_RUN_DIR"] ?? "/run/juju-sim" }
  static var registryFile: String { directory + "/addresses" }

  /// Returns the lowest free address and records it for `unit` of `model`.
  static func allocate(model: String, unit: String) throws -> String {
    try withLock {
      var entries = readEntries().filter { FileManager.default.fileExists(atPath: $0.model) }
      if let existing = entries.first(where: { $0.model == model && $0.unit == unit }) { return existing.address }
      let used = Set(entries.map(\.address))
      for index in 2..<(1 << 24) - 1 {
        let address = "127.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)"
        if index & 255 == 0 || index & 255 == 255 || used.contains(address) { continue }
        entries.append(Entry(address: address, model: model, unit: unit))
        try writeEntries(entries)
        return address
      }
      throw AddressError.exhausted
    }
  }

  /// Releases the address of one unit, or of every unit of `model` when `unit` is nil.
  static func release(model: String, unit: String?) throws {
    try withLock {
      let entries = readEntries().filter { entry in
        guard FileManager.default.fileExists(atPath: entry.model) else { return false }
        return !(entry.model == model && (unit == nil || entry.unit == unit))
      }
      try writeEntries(entries)
    }
  }

  static func entries() -> [Entry] {
    (try? withLock { readEntries() }) ?? []
  }

  private static func withLock<T>(_ body: () throws -> T) throws -> T {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    chmod(directory, 0o700)
    let fd = try Spawn.openFile(directory + "/addresses.lock", flags: O_RDWR | O_CREAT)
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else {
      throw AddressError.registryFailed("flock: \(String(cString: strerror(errno)))")
    }
    return try body()
  }

  private static func readEntries() -> [Entry] {
    guard let text = Files.read(registryFile) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "\t", maxSplits: 2).map(String.init)
      guard fields.count == 3 else { return nil }
      return Entry(address: fields[0], model: fields[1], unit: fields[2])
    }
  }

  private static func writeEntries(_ entries: [Entry]) throws {
    let text = entries.map { "\($0.address)\t\($0.model)\t\($0.unit)\n" }.joined()
    try Files.write(registryFile, text: text, mode: 0o600)
  }
}
