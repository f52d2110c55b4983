/// One storage instance attached to this unit, as `storage-get` describes it.
public struct StorageInstance: Decodable, Equatable, Sendable {
  /// `filesystem` or `block`.
  public var kind: String
  /// The mount point (filesystem) or the device path (block).
  public var location: String

  public init(kind: String, location: String) {
    self.kind = kind
    self.location = location
  }
}

extension HookTools {
  /// Returns the local path of the file uploaded for resource `name` (`resource-get`), fetching it first.
  ///
  /// Juju fails the call when no file was ever uploaded for the resource. Operators often upload an empty file to
  /// leave an optional resource unset.
  public func resourceGet(_ name: String) throws -> String {
    let output = try run("resource-get", [name], subject: name)
    return String(decoding: output, as: UTF8.self).trimmed
  }

  /// Returns the kind and location of storage instance `id`, such as `state/0` (`storage-get`). With nil, Juju
  /// returns the storage of the running storage hook.
  public func storageGet(_ id: String? = nil) throws -> StorageInstance {
    let arguments = id.map { ["-s", $0] } ?? []
    return try decode(StorageInstance.self, "storage-get", arguments, subject: id)
  }
}
