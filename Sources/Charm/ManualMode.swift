#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Roles

/// Manual mode: the operator edits the assistant's sections of `openclaw.json` and the charm keeps them.
enum ManualMode {
  /// Returns every top-level section of the config file except `gateway`, which the charm always renders.
  ///
  /// A missing file gives no sections, as on a unit that never ran the gateway. The file may be JSON5, as
  /// OpenClaw reads it, but the charm rewrites it as plain JSON, so comments do not survive.
  /// - Throws: `ConfigError` naming `manual` when the file is not a JSON object.
  static func sections(path: String, bytes: [UInt8]?) throws -> [String: JSONNode] {
    guard let bytes else { return [:] }
    let decoder = JSONDecoder()
    decoder.allowsJSON5 = true
    guard let document = try? decoder.decode([String: JSONNode].self, from: Data(bytes)) else {
      throw ConfigError(
        option: Option.manual,
        message: "Option 'manual' is 'true', but \(path) is not a JSON object; fix the file, which "
          + "openclaw config validate checks, or hand the settings back to the charm, "
          + "for example juju config openclaw manual=false.")
    }
    return document.filter { $0.key != "gateway" }
  }
}
