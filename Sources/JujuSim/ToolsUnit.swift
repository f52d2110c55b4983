import Foundation

/// Hook tools about the unit itself: leadership, config, status, logs, ports, unit state, leader settings,
/// resources and storage.
extension Simulator {
  func isLeader(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(0)
    let leader = isCurrentLeader && !call.context.answeredNotLeader
    if !leader { call.context.answeredNotLeader = true }
    return try emit(.bool(leader), arguments)
  }

  func configGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags + [.bool("a", "all")])
    try arguments.requireAtMost(1)
    var config = effectiveConfig()
    if let key = arguments.positional.first {
      if arguments.flag("a") { throw .usage("cannot use argument --all together with key \"\(key)\"") }
      return try emit(config[key], arguments)
    }
    if arguments.flag("a") {
      for name in charm.options.keys where config[name] == nil { config[name] = .null }
    }
    return try emit(.map(config), arguments)
  }

  func statusSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [.bool("application")])
    let allowed = ["maintenance", "blocked", "waiting", "active"]
    guard let status = arguments.positional.first else { throw .usage("invalid args, require <status> [message]") }
    guard allowed.contains(status) else {
      throw .usage("invalid status \"\(status)\", expected one of [\(allowed.joined(separator: " "))]")
    }
    try arguments.requireAtMost(2)
    let value = StatusValue(status: status, message: arguments.positional.count > 1 ? arguments.positional[1] : "")
    if arguments.flag("application") {
      guard isCurrentLeader else { throw .failed("this unit is not the leader") }
      state.app!.status = value
    } else {
      state.units[call.context.unitName]!.workload = value
      state.units[call.context.unitName]!.workloadSetByCharm = true
    }
    try? save()
    return .empty
  }

  func statusGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: Simulator.formatFlags + [.bool("include-data"), .bool("application")])
    try arguments.requireAtMost(0)
    let format = try OutputFormat.from(arguments)
    func entry(_ status: StatusValue, withData: Bool) -> [String: Value] {
      var result: [String: Value] = ["status": .string(status.status)]
      if withData {
        result["message"] = .string(status.message)
        result["status-data"] = .map([:])
      }
      return result
    }
    if arguments.flag("application") {
      guard isCurrentLeader else { throw .failed("finding application status: this unit is not the leader") }
      var units: [String: Value] = [:]
      for unit in state.units.values { units[unit.name] = .map(entry(unit.workload, withData: true)) }
      var application = entry(applicationStatus(), withData: true)
      application["units"] = .map(units)
      return try emit(.map(["application-status": .map(application)]), arguments)
    }
    let workload = currentUnit.workload
    let includeData = arguments.flag("include-data")
    if format == .smart && !includeData { return try emit(.string(workload.status), arguments) }
    return try emit(.map(entry(workload, withData: includeData || format == .yaml)), arguments)
  }

  func applicationVersionSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    guard let version = arguments.positional.first else { throw .usage("no version specified") }
    try arguments.requireAtMost(1)
    state.app!.version = version
    try? save()
    return .empty
  }

  func jujuLog(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: [.value("l", "log-level"), .bool("debug"), .value("format")])
    guard !arguments.positional.isEmpty else { throw .usage("no message specified") }
    var level = (arguments.value("l") ?? (arguments.flag("debug") ? "DEBUG" : "INFO")).uppercased()
    if level == "WARN" { level = "WARNING" }
    let tag = currentUnit.tag
    if !["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].contains(level) {
      log(tag: tag, level: "WARNING", logger: "unit.\(call.context.unitName).juju-log", "invalid log level \"\(level)\", using INFO")
      level = "INFO"
    }
    var message = arguments.positional.joined(separator: " ")
    if let id = call.context.spec?.relationId, let index = state.relationIndex(id: id) {
      message = state.relations[index].relationKey + ": " + message
    }
    log(tag: tag, level: level, logger: "unit.\(call.context.unitName).juju-log", message)
    return .empty
  }

  // MARK: Ports

  /// Parses `80`, `80/tcp`, `8000-8100/udp` or `icmp` as `open-port` does.
  static func parsePortRange(_ text: String) throws(ToolError) -> PortRange {
    let lowered = text.lowercased()
    if lowered == "icmp" { return PortRange(from: -1, to: -1, proto: "icmp") }
    let parts = lowered.split(separator: "/", omittingEmptySubsequences: false)
    let proto = parts.count > 1 ? String(parts[1]) : "tcp"
    guard ["tcp", "udp", "icmp"].contains(proto), parts.count <= 2 else {
      throw .usage("invalid port range \"\(text)\": invalid protocol \"\(proto)\", expected \"tcp\", \"udp\", or \"icmp\"")
    }
    if proto == "icmp" { throw .usage("protocol \"icmp\" doesn't support any ports; got \"\(text)\"") }
    let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
    guard (1...2).contains(bounds.count), let from = bounds[0], let to = bounds.last!, from >= 0, to <= 65535 else {
      throw .usage("invalid port range \"\(text)\"; expected <port>[/<protocol>] or <from>-<to>[/<protocol>]")
    }
    guard from <= to else { throw .usage("invalid port range \"\(text)\": start port \(from) is greater than end port \(to)") }
    return PortRange(from: from, to: to, proto: proto)
  }

  func changePort(_ call: ToolCall, open: Bool) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [.value("endpoints"), .value("format")])
    guard let text = arguments.positional.first else { throw .usage("no port or range specified") }
    try arguments.requireAtMost(1)
    let range = try Simulator.parsePortRange(text)
    let unit = call.context.unitName
    if call.context.ports.contains(range) {
      if !open { call.context.ports.removeAll { $0 == range } }
      return .empty
    }
    if let conflict = call.context.ports.first(where: { $0.conflicts(with: range) }) {
      let verb = open ? "open" : "close"
      throw .failed(
        "cannot \(verb) \(range.text) (unit \"\(unit)\"): port range conflicts with \(conflict.text) (unit \"\(unit)\")")
    }
    if open { call.context.ports.append(range) }
    return .empty
  }

  func openedPorts(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags + [.bool("endpoints")])
    try arguments.requireAtMost(0)
    let lines = call.context.ports.sorted().map { arguments.flag("endpoints") ? $0.text + " (*)" : $0.text }
    return try emit(.list(lines.map { .string($0) }), arguments)
  }

  // MARK: Unit state and leader settings

  func stateGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags + [.bool("strict")])
    try arguments.requireAtMost(1)
    if let key = arguments.positional.first, key != "-" {
      guard let value = call.context.unitState[key] else {
        if arguments.flag("strict") { throw .failed("\"\(key)\" not found") }
        return try emit(.string(""), arguments)
      }
      return try emit(.string(value), arguments)
    }
    return try emit(.map(call.context.unitState.mapValues { .string($0) }), arguments)
  }

  func stateSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [.value("file")])
    var changes: [(String, String)] = []
    if let file = arguments.value("file") { changes += try parseSettingsFile(try call.input(file)) }
    changes += try parseKeyValues(arguments.positional)
    for (key, value) in changes {
      if key.utf8.count > 256 { throw .failed("key \"\(key.prefix(20))...\" exceeds the maximum key size of 256 bytes") }
      if value.utf8.count > 65536 { throw .failed("value of key \"\(key)\" exceeds the maximum value size of 64 KiB") }
      call.context.unitState[key] = value.isEmpty ? nil : value
    }
    return .empty
  }

  func stateDelete(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    guard let key = arguments.positional.first else { throw .usage("no key specified") }
    try arguments.requireAtMost(1)
    call.context.unitState[key] = nil
    return .empty
  }

  func leaderGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(1)
    if let key = arguments.positional.first, key != "-" {
      if key.contains("=") { throw .usage("invalid key \"\(key)\"") }
      return try emit(state.leaderSettings[key].map { .string($0) }, arguments)
    }
    return try emit(.map(state.leaderSettings.mapValues { .string($0) }), arguments)
  }

  func leaderSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [.value("file")])
    var changes: [(String, String)] = []
    if let file = arguments.value("file") { changes += try parseSettingsFile(try call.input(file)) }
    changes += try parseKeyValues(arguments.positional)
    guard isCurrentLeader else { throw .failed("cannot write leadership settings: cannot write settings: not the leader") }
    var settings = state.leaderSettings
    for (key, value) in changes { settings[key] = value.isEmpty ? nil : value }
    if settings != state.leaderSettings {
      state.leaderSettings = settings
      state.leaderSettingsVersion += 1
      state.units[call.context.unitName]!.leaderSettingsSeen = state.leaderSettingsVersion
      try? save()
    }
    return .empty
  }

  // MARK: Resources and storage

  func resourceGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [])
    guard let name = arguments.positional.first else { throw .usage("missing required resource name") }
    try arguments.requireAtMost(1)
    guard let fileName = app.resources[name] else {
      throw .failed("could not download resource: resource \"\(name)\" not found; attach it with `juju-sim attach-resource \(name)=FILE`")
    }
    let unit = currentUnit
    let target = UnitPaths.agentDir(unit) + "/resources/\(name)/\(fileName)"
    let script = "set -e; mkdir -p \"$(dirname \"$2\")\"; cp \"$1\" \"$2\""
    let source = UnitPaths.agentMount + "/resources/\(name)/\(fileName)"
    guard let result = try? UnitMachine.runScript(unit: unit, paths: paths, script: script, arguments: [source, target]),
      result.status == 0
    else { throw .failed("could not download resource: cannot copy \(name) into the unit") }
    return ToolOutput(text: target + "\n")
  }

  /// `storage-list [NAME]`: the ids of the storage instances attached to the unit.
  func storageList(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(1)
    let name = arguments.positional.first
    let ids = storage(of: call.context.unitName).filter { name == nil || $0.name == name }.map(\.id)
    return try emit(.list(ids.map { .string($0) }), arguments)
  }

  /// `storage-get [-s ID] [kind|location]`: the hook's storage instance by default.
  func storageGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags + [.value("s")])
    try arguments.requireAtMost(1)
    guard let id = arguments.value("s") ?? call.context.spec?.storageId else {
      throw .failed("no storage instance specified")
    }
    guard let instance = state.storage[id], instance.unit == call.context.unitName else {
      throw .usage("invalid value \"\(id)\" for option -s: storage instance \"\(id)\" not found")
    }
    let attributes: [String: Value] = ["kind": .string(instance.kind), "location": .string(instance.location)]
    if let key = arguments.positional.first {
      guard let value = attributes[key] else { throw .failed("invalid storage attribute \"\(key)\"") }
      return try emit(value, arguments)
    }
    return try emit(.map(attributes), arguments)
  }

  /// Returns the application status: the one the leader set, else the most severe unit status.
  func applicationStatus() -> StatusValue {
    if let status = app.status { return status }
    let severity = ["error", "blocked", "maintenance", "waiting", "active", "unknown", "terminated"]
    // Units in number order, so that a tie between equally severe statuses always picks the same unit.
    let units = state.units.values.sorted { unitNumber($0.name) < unitNumber($1.name) }
    let statuses = units.map { unit -> StatusValue in
      if let failed = unit.failedHook { return StatusValue(status: "error", message: "hook failed: \"\(failed.name)\"") }
      return unit.workload
    }
    return statuses.min { (severity.firstIndex(of: $0.status) ?? 99) < (severity.firstIndex(of: $1.status) ?? 99) }
      ?? StatusValue(status: "unknown", message: "")
  }
}
