#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Typed calls to Juju's hook tools, one method per tool.
///
/// Reads pass `--format=json` and decode in one place; writes send data on standard input or through a
/// private file, never as arguments, except where a tool has no such option. Calls are counted so tests
/// can hold the charm to its budget of tool calls per hook.
public final class HookTools {
  private let runner: HookToolRunner
  /// The tools called so far, in order, without their arguments.
  public private(set) var calls: [String] = []

  public init(runner: HookToolRunner = ProcessHookToolRunner()) {
    self.runner = runner
  }

  /// Runs `tool`, returning its standard output; a non-zero exit becomes a typed error.
  ///
  /// - Parameter subject: the relation or secret the call is about, for error messages.
  @discardableResult
  func run(_ tool: String, _ arguments: [String], input: [UInt8] = [], subject: String? = nil) throws -> [UInt8] {
    calls.append(tool)
    let output: ProcessOutput
    do {
      output = try runner.run(tool, arguments, input: input)
    } catch {
      throw HookToolError.unavailable(tool: tool, detail: "\(error)")
    }
    guard output.status == 0 else {
      throw HookToolError.classify(tool: tool, status: output.status, stderr: output.stderrText, subject: subject)
    }
    return output.stdout
  }

  /// Runs `tool` with `--format=json` and decodes its output as `T`.
  func decode<T: Decodable>(_ type: T.Type, _ tool: String, _ arguments: [String], subject: String? = nil) throws -> T {
    let output = try run(tool, ["--format=json"] + arguments, subject: subject)
    do {
      return try JSONDecoder().decode(T.self, from: Data(output))
    } catch {
      let text = String(decoding: output.prefix(200), as: UTF8.self)
      throw HookToolError.unreadableOutput(tool: tool, detail: "expected JSON \(T.self), got '\(text)'")
    }
  }

  /// Encodes `value` as JSON bytes for a tool's standard input or `--file`.
  static func encode<T: Encodable>(_ value: T) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // The callers pass string maps, which JSONEncoder always encodes.
    return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
  }
}
