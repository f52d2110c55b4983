import Foundation
import Testing

// Checks on the charm that `make charm` packs (scripts/pack-charm). Every test except the source import check
// reads <repository>/openclaw_amd64.charm and fails with a hint to run `make charm` when it is missing.
// docs/packing.md explains the budgets and how to measure them by hand.

/// Packing budgets: the stripped `charm-hook` and the whole `.charm`, in bytes (1 MB = 1,000,000 bytes).
private enum Budget {
  static let strippedBinaryBytes = 16_000_000
  static let charmBytes = 6_000_000
}

/// Highest symbol versions that Ubuntu 24.04 provides: glibc 2.39, and libstdc++6 from GCC 14 (GLIBCXX_3.4.33,
/// CXXABI_1.3.15). The binary must ask for none newer, or the dynamic loader rejects it on a 24.04 unit.
private let maximumSymbolVersions: [(prefix: String, maximum: [Int])] = [
  ("GLIBC_", [2, 39]),
  ("GLIBCXX_", [3, 4, 33]),
  ("CXXABI_", [1, 3, 15]),
]

/// Shared libraries from libc6, libgcc-s1 and libstdc++6. apt itself depends on all three, so every Ubuntu 24.04
/// machine has them.
private let allowedNeededLibraries: Set<String> = [
  "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1",
]

/// Prefixes of the Swift runtime's shared libraries, which a stock Ubuntu 24.04 machine lacks.
private let swiftRuntimeLibraryPrefixes = ["libswift", "libFoundation", "lib_FoundationICU", "libdispatch",
  "libBlocksRuntime"]

@Suite struct PackingTests {
  @Test func fileListIsExact() throws {
    let charm = try PackedCharm.load()
    let topLevelFiles = ["actions.yaml", "charm-hook", "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml"]
    let expected = Set(topLevelFiles + (try templatePaths()))

    #expect(Set(charm.entries.map(\.name)) == expected)
    #expect(charm.entries.count == expected.count, "openclaw_amd64.charm has duplicate zip entries")
    #expect(!charm.entries.contains { $0.name.hasPrefix("hooks/") }, "hooks/ would store one more binary per link")
  }

  @Test func fileModes() throws {
    let charm = try PackedCharm.load()
    for entry in charm.entries {
      let expectedMode: UInt32 = ["dispatch", "charm-hook"].contains(entry.name) ? 0o100755 : 0o100644
      #expect(entry.madeOnUnix, "\(entry.name) has no Unix mode")
      #expect(entry.unixMode == expectedMode,
        "\(entry.name) has mode \(String(entry.unixMode, radix: 8)), expected \(String(expectedMode, radix: 8))")
    }
  }

  @Test func copiedFilesMatchSourceTree() throws {
    let extracted = try PackedCharm.load().extract()
    defer { try? FileManager.default.removeItem(at: extracted) }

    for path in ["metadata.yaml", "config.yaml", "actions.yaml", "dispatch"] + (try templatePaths()) {
      let packed = try Data(contentsOf: extracted.appending(path: path))
      let source = try Data(contentsOf: repositoryRoot.appending(path: path))
      #expect(packed == source, "\(path) in the charm differs from the source tree: rerun `make charm`")
    }
  }

  @Test func manifestDeclaresUbuntu2404Amd64() throws {
    let extracted = try PackedCharm.load().extract()
    defer { try? FileManager.default.removeItem(at: extracted) }

    let manifest = try String(contentsOf: extracted.appending(path: "manifest.yaml"), encoding: .utf8)
    #expect(manifest.contains("- name: ubuntu"))
    #expect(manifest.contains("channel: '24.04'"))
    #expect(manifest.contains("- amd64"))
  }

  @Test func sizesWithinBudget() throws {
    let charm = try PackedCharm.load()
    let binary = try #require(charm.entries.first { $0.name == "charm-hook" }, "charm-hook is missing from the charm")

    #expect(binary.uncompressedSize <= Budget.strippedBinaryBytes,
      "charm-hook is \(binary.uncompressedSize) bytes, budget \(Budget.strippedBinaryBytes)")
    #expect(charm.fileSize <= Budget.charmBytes,
      "openclaw_amd64.charm is \(charm.fileSize) bytes, budget \(Budget.charmBytes)")
  }

  @Test func binaryIsStripped() throws {
    let extracted = try PackedCharm.load().extract()
    defer { try? FileManager.default.removeItem(at: extracted) }

    let binary = extracted.appending(path: "charm-hook")
    let sections = try runTool("/usr/bin/readelf", ["--section-headers", "--wide", binary.path])
    #expect(sections.status == 0, "readelf failed: \(sections.errorOutput)")
    #expect(!sections.output.contains(".symtab"), "charm-hook still has a symbol table: strip it")
  }

  @Test func symbolVersionsFitUbuntu2404() throws {
    let extracted = try PackedCharm.load().extract()
    defer { try? FileManager.default.removeItem(at: extracted) }
    let dynamicSection = try DynamicSection.read(binary: extracted.appending(path: "charm-hook"))

    #expect(dynamicSection.versionReferences.contains { $0.hasPrefix("GLIBC_") },
      "no glibc version found: objdump output changed?")
    for version in dynamicSection.versionReferences {
      guard let rule = maximumSymbolVersions.first(where: { version.hasPrefix($0.prefix) }) else { continue }
      let numbers = version.dropFirst(rule.prefix.count).split(separator: ".").compactMap { Int($0) }
      let maximum = rule.prefix + rule.maximum.map(String.init).joined(separator: ".")
      #expect(!rule.maximum.lexicographicallyPrecedes(numbers),
        "charm-hook needs \(version), newer than Ubuntu 24.04 provides (\(maximum))")
    }
  }

  @Test func neededLibrariesExcludeSwiftRuntime() throws {
    let extracted = try PackedCharm.load().extract()
    defer { try? FileManager.default.removeItem(at: extracted) }
    let dynamicSection = try DynamicSection.read(binary: extracted.appending(path: "charm-hook"))

    #expect(!dynamicSection.neededLibraries.isEmpty, "no NEEDED entry found: objdump output changed?")
    for library in dynamicSection.neededLibraries {
      #expect(!swiftRuntimeLibraryPrefixes.contains { library.hasPrefix($0) },
        "charm-hook needs \(library): build with --static-swift-stdlib")
      #expect(allowedNeededLibraries.contains(library), "charm-hook needs \(library), which Ubuntu 24.04 may lack")
    }
  }

  @Test func charmcraftAnalysePasses() throws {
    let charm = try PackedCharm.load()
    let charmcraft = repositoryRoot.appending(path: ".venv/bin/charmcraft").path
    try #require(FileManager.default.isExecutableFile(atPath: charmcraft),
      "\(charmcraft) not found: run `make charm` first")

    let result = try runTool(charmcraft, ["analyse", charm.url.path])
    #expect(result.status == 0,
      "charmcraft analyse exited with \(result.status):\n\(result.output)\(result.errorOutput)")
  }

  /// The shipped targets must stay off full Foundation, whose ICU data alone breaks the binary budget: a two-line
  /// program importing it measured 57.8 MB stripped (Swift 6.3.1, x86_64, --static-swift-stdlib). The compiler
  /// lists the imports, so that `#if canImport(FoundationEssentials) ... #else import Foundation` counts as
  /// FoundationEssentials on Linux.
  @Test func shippedCodeImportsOnlyEssentials() throws {
    let shippedTargets = ["HookTools", "Roles", "Charm", "charm-hook"]
    let allowedModules = Set(["FoundationEssentials", "Glibc"] + shippedTargets.filter { $0 != "charm-hook" })

    for target in shippedTargets {
      let directory = repositoryRoot.appending(path: "Sources/\(target)")
      let files = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil),
        "Sources/\(target) not found")
      let swiftFiles = files.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map(\.path)
      try #require(!swiftFiles.isEmpty, "no Swift file found under Sources/\(target)")

      let moduleName = target.replacingOccurrences(of: "-", with: "_")
      let arguments = ["-emit-imported-modules", "-module-name", moduleName] + swiftFiles
      let result = try runTool(try swiftcPath(), arguments)
      try #require(result.status == 0, "swiftc -emit-imported-modules failed for \(target): \(result.errorOutput)")
      let modules = result.output.split(separator: "\n").map(String.init)
      #expect(!modules.isEmpty, "swiftc listed no import for \(target)")
      for module in modules {
        #expect(allowedModules.contains(module),
          "\(target) imports \(module), but shipped code may import only \(allowedModules.sorted())")
      }
    }
  }
}

// MARK: - Packed charm

private let repositoryRoot = URL(filePath: #filePath)
  .deletingLastPathComponent()  // IntegrationTests
  .deletingLastPathComponent()  // Tests
  .deletingLastPathComponent()

/// One file in the zip's central directory.
private struct ZipEntry {
  var name: String
  /// Upper byte of "version made by": 3 means Unix, and only then does `unixMode` mean anything.
  var madeOnUnix: Bool
  /// File type and permission bits, as in `st_mode`.
  var unixMode: UInt32
  var uncompressedSize: Int
}

private struct PackedCharm {
  var url: URL
  var fileSize: Int
  var entries: [ZipEntry]

  /// Reads the central directory of <repository>/openclaw_amd64.charm.
  static func load() throws -> PackedCharm {
    let url = repositoryRoot.appending(path: "openclaw_amd64.charm")
    try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) not found: run `make charm` first")
    let bytes = [UInt8](try Data(contentsOf: url))
    return PackedCharm(url: url, fileSize: bytes.count, entries: try readCentralDirectory(bytes))
  }

  /// Extracts every file into a new temporary directory, which the caller removes. Uses Python's zipfile
  /// module because Foundation on Linux has no zip reader. pack-charm needs /usr/bin/python3, so it is there.
  func extract() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appending(path: "packing-tests-\(UUID().uuidString)")
    let script = "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])"
    let result = try runTool("/usr/bin/python3", ["-c", script, url.path, directory.path])
    try #require(result.status == 0, "extracting \(url.path) failed: \(result.errorOutput)")
    return directory
  }
}

private struct ZipFormatError: Error, CustomStringConvertible {
  var description: String
}

/// Parses the end-of-central-directory record and the central directory. ZIP64 is not supported, because a charm
/// stays far below its 4 GB threshold.
private func readCentralDirectory(_ bytes: [UInt8]) throws -> [ZipEntry] {
  func uint16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
  func uint32(_ offset: Int) -> Int { uint16(offset) | uint16(offset + 2) << 16 }

  // The record is 22 bytes plus a comment of up to 65,535 bytes, so search backwards from the end.
  let endRecordSignature = 0x0605_4b50
  let lowestStart = max(0, bytes.count - 22 - 65_535)
  let candidateOffsets = stride(from: bytes.count - 22, through: lowestStart, by: -1)
  guard bytes.count >= 22, let endRecord = candidateOffsets.first(where: { uint32($0) == endRecordSignature }) else {
    throw ZipFormatError(description: "no end-of-central-directory record: not a zip file")
  }

  let entryCount = uint16(endRecord + 10)
  var offset = uint32(endRecord + 16)
  var entries: [ZipEntry] = []
  for _ in 0..<entryCount {
    guard offset + 46 <= bytes.count, uint32(offset) == 0x0201_4b50 else {
      throw ZipFormatError(description: "invalid central directory header at offset \(offset)")
    }
    let nameLength = uint16(offset + 28)
    let extraLength = uint16(offset + 30)
    let commentLength = uint16(offset + 32)
    guard offset + 46 + nameLength <= bytes.count else {
      throw ZipFormatError(description: "file name past the end of the zip at offset \(offset)")
    }
    let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
    entries.append(ZipEntry(
      name: name,
      madeOnUnix: bytes[offset + 5] == 3,
      unixMode: UInt32(uint32(offset + 38)) >> 16,
      uncompressedSize: uint32(offset + 24)))
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

// MARK: - ELF dynamic section

/// What `objdump --private-headers` reports about an ELF binary's dynamic linking.
private struct DynamicSection {
  /// NEEDED entries, such as `libc.so.6`.
  var neededLibraries: [String]
  /// Symbol versions required from other objects, such as `GLIBC_2.34`.
  var versionReferences: [String]

  static func read(binary: URL) throws -> DynamicSection {
    let result = try runTool("/usr/bin/objdump", ["--private-headers", binary.path])
    try #require(result.status == 0, "objdump failed on \(binary.path): \(result.errorOutput)")

    var needed: [String] = []
    var versions: [String] = []
    var inVersionReferences = false
    for line in result.output.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if line.hasPrefix("Version References:") {
        inVersionReferences = true
      } else if !line.hasPrefix(" ") {
        inVersionReferences = false
      } else if fields.first == "NEEDED", fields.count == 2 {
        needed.append(String(fields[1]))
      } else if inVersionReferences, fields.count == 4, fields[0].hasPrefix("0x") {
        // Lines look like `    0x06969194 0x00 05 GLIBC_2.14`.
        versions.append(String(fields[3]))
      }
    }
    return DynamicSection(neededLibraries: needed, versionReferences: versions)
  }
}

// MARK: - Helpers

/// Finds swiftc on PATH, else in /opt/swift/usr/bin, where this project's machines install Swift.
private func swiftcPath() throws -> String {
  let pathDirectories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
  let candidates = (pathDirectories + ["/opt/swift/usr/bin"]).map { "\($0)/swiftc" }
  return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
    "swiftc not found on PATH or in /opt/swift/usr/bin")
}

/// Zip paths of the files in the repository's templates/ directory, such as `templates/openclaw.service`.
private func templatePaths() throws -> [String] {
  let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appending(path: "templates").path)
  return names.map { "templates/\($0)" }
}

private struct ToolResult {
  var status: Int32
  var output: String
  var errorOutput: String
}

/// Runs a command to completion. Output goes through temporary files, so a chatty tool cannot block on a full pipe.
private func runTool(_ executable: String, _ arguments: [String]) throws -> ToolResult {
  let directory = FileManager.default.temporaryDirectory.appending(path: "packing-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let outputURL = directory.appending(path: "stdout")
  let errorURL = directory.appending(path: "stderr")
  _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

  let process = Process()
  process.executableURL = URL(filePath: executable)
  process.arguments = arguments
  process.standardInput = FileHandle.nullDevice
  process.standardOutput = try FileHandle(forWritingTo: outputURL)
  process.standardError = try FileHandle(forWritingTo: errorURL)
  try process.run()
  process.waitUntilExit()

  return ToolResult(
    status: process.terminationStatus,
    output: try String(contentsOf: outputURL, encoding: .utf8),
    errorOutput: try String(contentsOf: errorURL, encoding: .utf8))
}
