extension HookTools {
  /// Creates an application-owned secret and returns its URI (`secret-add`); leader only.
  ///
  /// The content goes through a private file (`--file`), never the command line.
  /// - Throws: `HookToolError.notLeader` when this unit is not the leader.
  public func secretAdd(_ content: [String: String], label: String, description: String) throws -> String {
    let output = try PrivateFile.with(Self.encode(content)) { path in
      try run("secret-add", ["--owner", "application", "--label", label, "--description", description, "--file", path])
    }
    let uri = String(decoding: output, as: UTF8.self).trimmed
    guard uri.hasPrefix("secret:") else {
      throw HookToolError.unreadableOutput(tool: "secret-add", detail: "expected a secret URI, got '\(uri)'")
    }
    return uri
  }

  /// Returns a secret's content (`secret-get`).
  ///
  /// Without `refresh` Juju returns the revision this unit tracks; with it, the latest revision, which the
  /// unit then tracks.
  /// - Throws: `HookToolError.secretNotFound` when the secret is gone or not granted to this unit.
  public func secretGet(_ id: String, refresh: Bool = false) throws -> [String: String] {
    let arguments = [id] + (refresh ? ["--refresh"] : [])
    return try decode([String: String].self, "secret-get", arguments, subject: id)
  }

  /// Stores `content` as a new revision of secret `id` (`secret-set`), through a private file.
  public func secretSet(_ id: String, _ content: [String: String]) throws {
    _ = try PrivateFile.with(Self.encode(content)) { path in
      try run("secret-set", [id, "--file", path], subject: id)
    }
  }

  /// Lets the units on the other side of relation `relationId` read secret `id` (`secret-grant`).
  public func secretGrant(_ id: String, relationId: String) throws {
    try run("secret-grant", [id, "--relation", relationId], subject: id)
  }
}

extension String {
  /// The string without leading and trailing white space and newlines.
  var trimmed: String {
    var text = Substring(self)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return String(text)
  }
}
