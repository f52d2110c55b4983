import HookTools
import Testing

/// A hook-tool runner that returns canned output only for the exact command lines it was given, and records every call.
final class FakeRunner: HookToolRunner, @unchecked Sendable {
  struct Call: Equatable {
    var argv: [String]
    var input: String
  }

  private var answers: [[String]: ProcessOutput] = [:]
  private(set) var calls: [Call] = []
  /// Runs during a call, for checks that must happen while a temporary file still exists.
  var onCall: (([String]) -> Void)?

  func answer(_ argv: [String], status: Int32 = 0, stdout: String = "", stderr: String = "") {
    answers[argv] = ProcessOutput(status: status, stdout: Array(stdout.utf8), stderr: Array(stderr.utf8))
  }

  func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> ProcessOutput {
    let argv = [tool] + arguments
    calls.append(Call(argv: argv, input: String(decoding: input, as: UTF8.self)))
    onCall?(argv)
    if let answer = answers[argv] { return answer }
    // A prefix match covers calls whose last argument is a random temporary path.
    if let key = answers.keys.first(where: { $0.last == "*" && Array(argv.prefix($0.count - 1)) == $0.dropLast() }) {
      return answers[key]!
    }
    Issue.record("unexpected hook tool call: \(argv)")
    return ProcessOutput(status: 127, stderr: Array("not expected".utf8))
  }
}
