import Foundation

/// Hook tools of an action context: action-get, action-set, action-fail, action-log.
extension Simulator {
  private func runningAction(_ call: ToolCall) throws(ToolError) -> ActionInvocation {
    guard let action = call.context.action else { throw .failed("not running an action") }
    return action
  }

  func actionGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(1)
    let action = try runningAction(call)
    var value: Value? = .map(action.parameters)
    if let path = arguments.positional.first {
      for key in path.split(separator: ".") {
        value = value?[String(key)]
      }
    }
    return try emit(value, arguments)
  }

  func actionSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    _ = try runningAction(call)
    let keyPattern = "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"
    var pairs: [([String], String)] = []
    for argument in arguments.positional {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw .usage("argument \"\(argument)\" must be of the form key...=value")
      }
      let key = String(argument[..<equals])
      let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      for segment in segments where segment.range(of: keyPattern, options: .regularExpression) == nil {
        throw .usage(
          "key \"\(key)\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods")
      }
      if ["stdout", "stdout-encoding", "stderr", "stderr-encoding"].contains(segments[0]) {
        throw .usage("cannot set reserved action key \"\(segments[0])\"")
      }
      pairs.append((segments, String(argument[argument.index(after: equals)...])))
    }
    for (segments, value) in pairs {
      call.context.actionResults = Simulator.setting(segments, to: value, in: call.context.actionResults)
    }
    return .empty
  }

  private static func setting(_ path: [String], to value: String, in map: [String: Value]) -> [String: Value] {
    var result = map
    if path.count == 1 {
      result[path[0]] = .string(value)
    } else {
      let nested = result[path[0]]?.mapValue ?? [:]
      result[path[0]] = .map(setting(Array(path.dropFirst()), to: value, in: nested))
    }
    return result
  }

  func actionFail(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    try arguments.requireAtMost(1)
    _ = try runningAction(call)
    call.context.actionFailure =
      arguments.positional.first ?? "action failed without reason given, check action for errors"
    return .empty
  }

  func actionLog(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    guard !arguments.positional.isEmpty else { throw .usage("no message specified") }
    let action = try runningAction(call)
    log(
      tag: currentUnit.tag, level: "INFO", logger: "unit.\(call.context.unitName).action-log",
      "action \(action.id): " + arguments.positional.joined(separator: " "))
    return .empty
  }
}
