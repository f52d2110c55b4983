import HookTools

/// A problem that makes an archive unfit for restore. The message names the problem and what to use instead.
struct ArchiveProblem: Error, Equatable, CustomStringConvertible {
  var description: String
}

/// The state directory as a `tar.gz` whose members all sit under `openclaw/`, made and read with `/usr/bin/tar`.
struct StateArchive {
  let system: System
  let paths: Paths

  static let tar = "/usr/bin/tar"
  /// The archive's top directory: the state directory's own name.
  static let root = "openclaw"

  /// Archives the state directory into `path`; returns tar's output, non-zero status included.
  func create(at path: String) throws -> ProcessOutput {
    let parent = String(paths.stateDirectory.split(separator: "/").dropLast().joined(separator: "/"))
    return try system.run(
      Self.tar, ["--create", "--gzip", "--file", path, "--directory", "/" + parent, "--numeric-owner", Self.root],
      environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"], timeoutSeconds: 600)
  }

  /// Lists the archive and checks every member; throws the first problem found. Touches nothing.
  func validate(_ path: String) throws {
    guard let head = system.readFile(path) else {
      throw ArchiveProblem(description: "\(path) does not exist or cannot be read")
    }
    guard head.count >= 2, head[0] == 0x1f, head[1] == 0x8b else {
      throw ArchiveProblem(description: "\(path) is not a gzip file; pass an archive the backup action made")
    }
    let output = try system.run(
      Self.tar, ["--list", "--verbose", "--gzip", "--numeric-owner", "--quoting-style=escape", "--file", path],
      environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "TZ": "UTC"], timeoutSeconds: 600)
    guard output.status == 0 else {
      let reason = output.stderrText.split(separator: "\n").first.map(String.init) ?? "exit status \(output.status)"
      throw ArchiveProblem(description: "\(path) is not a readable tar.gz archive (\(reason))")
    }
    guard !output.stdoutText.isEmpty else {
      throw ArchiveProblem(description: "\(path) is not a readable tar.gz archive (it lists no members)")
    }
    try Self.check(listing: output.stdoutText)
  }

  /// Extracts the archive into `directory`, without the archive's owners.
  func extract(_ path: String, into directory: String) throws -> ProcessOutput {
    try system.run(
      Self.tar,
      ["--extract", "--gzip", "--file", path, "--directory", directory, "--no-same-owner", "--no-overwrite-dir"],
      environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"], timeoutSeconds: 600)
  }

  // MARK: - Checks

  /// Checks the lines of `tar --list --verbose`: regular files, directories and links only, every path and link
  /// target inside `openclaw/`, and `openclaw/openclaw.json` present.
  static func check(listing: String) throws {
    var hasConfig = false
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
      guard fields.count == 6, let type = fields[0].first else {
        throw ArchiveProblem(description: "tar lists a member this charm cannot read: \(line)")
      }
      var name = String(fields[5])
      var target: String?
      switch type {
      case "-", "d":
        break
      case "l", "h":
        let separator = type == "l" ? " -> " : " link to "
        let parts = name.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw ArchiveProblem(description: "the link member \(name) cannot be read") }
        name = parts[0]
        target = parts[1]
      default:
        throw ArchiveProblem(description: "member \(name) is a device, pipe or socket, which a state backup does not contain")
      }
      let components = try memberComponents(name)
      if components == [root, "openclaw.json"] && type == "-" { hasConfig = true }
      if let target {
        // A symbolic link resolves from its own directory; a hard link names another member.
        let base = type == "l" ? Array(components.dropLast()) : []
        guard !target.hasPrefix("/"), inside(base, target) else {
          throw ArchiveProblem(description: "member \(name) links to \(target), outside the archive's \(root)/ directory")
        }
      }
    }
    guard hasConfig else {
      throw ArchiveProblem(description: "the archive contains no \(root)/openclaw.json; pass an archive the backup action made")
    }
  }

  /// Splits a member name into components; throws unless it is a relative path under `openclaw/` without `..`.
  private static func memberComponents(_ name: String) throws -> [String] {
    let components = name.split(separator: "/").map(String.init).filter { $0 != "." }
    guard !name.hasPrefix("/"), !components.contains(".."), components.first == root else {
      throw ArchiveProblem(
        description: "member \(name) lies outside the archive's \(root)/ directory; pass an archive the backup action made")
    }
    return components
  }

  /// Returns whether `target`, resolved from the directory `base`, stays under `openclaw/`.
  private static func inside(_ base: [String], _ target: String) -> Bool {
    var resolved = base
    for component in target.split(separator: "/") where component != "." {
      if component == ".." {
        guard !resolved.isEmpty else { return false }
        resolved.removeLast()
      } else {
        resolved.append(String(component))
      }
    }
    return resolved.first == root
  }
}
