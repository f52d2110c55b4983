#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Compares rendered text with a golden file in `Snapshots/`, named after the test.
///
/// With `RECORD_SNAPSHOTS=1` the golden file is rewritten and the test fails, so a recording run never passes
/// by accident. A mismatch prints the first differing lines.
func assertSnapshot(_ text: String, named name: String, sourceFile: String = #filePath) {
  let directory = String(sourceFile[..<sourceFile.lastIndex(of: "/")!]) + "/Snapshots"
  let path = "\(directory)/\(name)"
  if getenv("RECORD_SNAPSHOTS") != nil {
    mkdir(directory, 0o755)
    let file = fopen(path, "w")
    fputs(text, file)
    fclose(file)
    Issue.record("Recorded \(path); rerun without RECORD_SNAPSHOTS to check it.")
    return
  }
  guard let expected = readText(path) else {
    Issue.record("No golden file \(path); run the tests with RECORD_SNAPSHOTS=1 to record it.")
    return
  }
  guard expected != text else { return }
  let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let got = text.split(separator: "\n", omittingEmptySubsequences: false)
  var diff: [String] = []
  for index in 0..<max(want.count, got.count) where diff.count < 20 {
    let left = index < want.count ? String(want[index]) : "<end of file>"
    let right = index < got.count ? String(got[index]) : "<end of file>"
    if left != right { diff.append("line \(index + 1):\n  - \(left)\n  + \(right)") }
  }
  let report = diff.joined(separator: "\n")
  Issue.record("\(name) differs from its golden file:\n\(report)")
}

func readText(_ path: String) -> String? {
  guard let file = fopen(path, "r") else { return nil }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = fread(&buffer, 1, buffer.count, file)
    if count == 0 { break }
    bytes += buffer[0..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// The repository's `templates/` directory.
func templateText(_ name: String, sourceFile: String = #filePath) -> String {
  var root = sourceFile
  for _ in 0..<3 { root = String(root[..<root.lastIndex(of: "/")!]) }
  return readText(root + "/templates/" + name) ?? ""
}
