import Foundation

/// The output of a hook tool, and the `-o` file that receives it instead of stdout.
struct ToolOutput {
  var text: String
  var outputFile: String?

  static let empty = ToolOutput(text: "")
}

/// Everything one tool call needs: the request, the hook it belongs to, and shorthand for common lookups.
struct ToolCall {
  let request: ToolRequest
  let context: HookContext

  var arguments: [String] { request.arguments }

  /// Reads an input named by `--file` or `#file=`: `-` is stdin, anything else a file the client read in the unit.
  func input(_ path: String) throws(ToolError) -> String {
    if path == "-" { return String(decoding: request.stdin ?? Data(), as: UTF8.self) }
    guard let data = request.files[path] else { throw .failed("open \(path): no such file or directory") }
    return String(decoding: data, as: UTF8.self)
  }
}

extension Simulator {
  static let formatFlags: [FlagSpec] = [.value("format"), .value("output", "o")]

  /// Runs one hook-tool call of the running hook and returns its exit code and output.
  func handleTool(_ request: ToolRequest) -> ToolResponse {
    guard let context, request.contextId == context.id else {
      return ToolResponse(code: 1, stdout: Data(), stderr: "ERROR bad request: no hook context \"\(request.contextId)\" is running\n")
    }
    recordCall(request, context: context)
    if let mode = state.faults[request.tool] {
      if mode == "once" {
        state.faults[request.tool] = nil
        try? save()
      }
      return ToolResponse(code: 1, stdout: Data(), stderr: "ERROR injected fault: \(request.tool)\n")
    }
    if request.arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
      return ToolResponse(code: 0, stdout: Data("Usage: \(request.tool) [options] [arguments]\n".utf8), stderr: "")
    }
    do throws(ToolError) {
      let output = try runTool(ToolCall(request: request, context: context))
      return ToolResponse(code: 0, stdout: Data(output.text.utf8), stderr: "", outputFile: output.outputFile)
    } catch {
      switch error {
      case .usage(let message): return ToolResponse(code: 2, stdout: Data(), stderr: "ERROR \(message)\n")
      case .failed(let message): return ToolResponse(code: 1, stdout: Data(), stderr: "ERROR \(message)\n")
      }
    }
  }

  private func runTool(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    switch call.request.tool {
    case "is-leader": return try isLeader(call)
    case "config-get": return try configGet(call)
    case "relation-ids": return try relationIds(call)
    case "relation-list": return try relationList(call)
    case "relation-get": return try relationGet(call)
    case "relation-set": return try relationSet(call)
    case "network-get": return try networkGet(call)
    case "unit-get": return try unitGet(call)
    case "open-port": return try changePort(call, open: true)
    case "close-port": return try changePort(call, open: false)
    case "opened-ports": return try openedPorts(call)
    case "status-set": return try statusSet(call)
    case "status-get": return try statusGet(call)
    case "application-version-set": return try applicationVersionSet(call)
    case "juju-log": return try jujuLog(call)
    case "state-get": return try stateGet(call)
    case "state-set": return try stateSet(call)
    case "state-delete": return try stateDelete(call)
    case "leader-get": return try leaderGet(call)
    case "leader-set": return try leaderSet(call)
    case "action-get": return try actionGet(call)
    case "action-set": return try actionSet(call)
    case "action-fail": return try actionFail(call)
    case "action-log": return try actionLog(call)
    case "resource-get": return try resourceGet(call)
    case "storage-get": return try storageGet(call)
    case "storage-list": return try storageList(call)
    case "secret-add": return try secretAdd(call)
    case "secret-get": return try secretGet(call)
    case "secret-set": return try secretSet(call)
    case "secret-grant": return try secretGrant(call, grant: true)
    case "secret-revoke": return try secretGrant(call, grant: false)
    case "secret-remove": return try secretRemove(call)
    case "secret-ids": return try secretIds(call)
    case "secret-info-get": return try secretInfoGet(call)
    default: throw .failed("unknown hook tool \"\(call.request.tool)\"")
    }
  }

  /// Renders `value` in the tool's `--format` and honours `-o FILE`.
  func emit(_ value: Value?, _ arguments: ToolArguments, allowed: [OutputFormat] = [.smart, .yaml, .json],
            fallback: OutputFormat = .smart) throws(ToolError) -> ToolOutput {
    let format = try OutputFormat.from(arguments, allowed: allowed, fallback: fallback)
    return ToolOutput(text: format.render(value), outputFile: arguments.value("output"))
  }

  /// Appends the call to `<model>/hook-tool-calls.jsonl`. Values of `action-set`, `secret-add` and `secret-set`
  /// are replaced by `<redacted>`, because they may be secrets.
  private func recordCall(_ request: ToolRequest, context: HookContext) {
    var arguments = request.arguments
    if ["action-set", "secret-add", "secret-set"].contains(request.tool) {
      arguments = arguments.map { argument in
        guard !argument.hasPrefix("-"), let equals = argument.firstIndex(of: "=") else { return argument }
        return String(argument[...equals]) + "<redacted>"
      }
    }
    var entry: [String: Value] = [
      "unit": .string(context.unitName), "hook": .string(context.hookName), "tool": .string(request.tool),
      "args": .list(arguments.map { .string($0) }), "context": .string(context.id),
    ]
    if context.action != nil { entry["kind"] = .string("action") }
    Files.appendLine(paths.toolCallsFile, JSON.encode(.map(entry), escapeHTML: false))
  }

  // MARK: Shared lookups

  var currentUnit: UnitState { state.units[context!.unitName]! }

  var isCurrentLeader: Bool { state.leader == context!.unitName }

  /// Resolves `-r` (`id` or `endpoint:id`) or the hook's own relation; throws gnuflag-style usage errors.
  func relationId(_ arguments: ToolArguments, required: Bool = true) throws(ToolError) -> Int? {
    if let text = arguments.value("r") {
      let idText = text.split(separator: ":").last.map(String.init) ?? text
      guard let id = Int(idText) else { throw .usage("invalid value \"\(text)\" for option -r: invalid relation id") }
      let endpoint = text.contains(":") ? String(text[..<text.lastIndex(of: ":")!]) : nil
      guard let index = state.relationIndex(id: id), endpoint == nil || state.relations[index].endpoint == endpoint else {
        throw .usage("invalid value \"\(text)\" for option -r: relation not found")
      }
      return id
    }
    if let id = context?.spec?.relationId { return id }
    if required { throw .usage("no relation id specified") }
    return nil
  }
}
