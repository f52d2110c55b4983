#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Loads and saves `LocalState` as JSON in a root-only file.
struct StateStore {
  let system: System
  let path: String

  /// Returns the saved state, or a fresh one when there is none or it cannot be read.
  func load() -> LocalState {
    guard let bytes = system.readFile(path) else { return LocalState() }
    // A damaged file loses only what the next relation hooks rebuild, so start over rather than fail.
    return (try? JSONDecoder().decode(LocalState.self, from: Data(bytes))) ?? LocalState()
  }

  func save(_ state: LocalState) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let text = String(decoding: try encoder.encode(state), as: UTF8.self) + "\n"
    _ = try system.writeFile(ManagedFile(path: path, content: text, mode: 0o600, owner: "root"))
  }
}
