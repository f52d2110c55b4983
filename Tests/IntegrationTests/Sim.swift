import Foundation
import Testing

/// Drives the `juju-sim` binary built next to the test bundle, against a model directory of its own.
struct Sim {
  /// The repository root: deployments from the source tree run with it as working directory.
  static let repository: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The built `juju-sim`: `$JUJU_SIM_BIN`, else the one beside this test bundle.
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["JUJU_SIM_BIN"] { return path }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // The test bundle is a directory (xctest) on some toolchains, a file on others.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("juju-sim").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("juju-sim").path
  }

  let model: String

  init() {
    model = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)").path
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `juju-sim --model <model> <arguments>` from the repository root.
  @discardableResult
  func run(_ arguments: String...) throws -> Result {
    try run(arguments)
  }

  @discardableResult
  func run(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["--model", model] + arguments
    process.currentDirectoryURL = Self.repository
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read before waiting, so a large output cannot fill the pipe and stall the child.
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }

  /// Runs a juju-sim command that must succeed, recording its output as a test issue otherwise.
  @discardableResult
  func must(_ arguments: String...) throws -> String {
    try must(arguments)
  }

  @discardableResult
  func must(_ arguments: [String]) throws -> String {
    let result = try run(arguments)
    #expect(result.status == 0, "juju-sim \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout
  }

  /// The `juju status --format=json` document's units, keyed by unit name.
  func units() throws -> [String: [String: Any]] {
    let text = try must("status", "--format", "json")
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let applications = document?["applications"] as? [String: Any]
    let application = applications?["openclaw"] as? [String: Any]
    return application?["units"] as? [String: [String: Any]] ?? [:]
  }

  /// Stops every process of the model and removes it; tests call it whatever happened.
  func destroy() {
    _ = try? run("destroy")
  }
}

extension Dictionary where Key == String, Value == Any {
  /// `workload-status.message` of a unit in status JSON.
  var workloadMessage: String {
    ((self["workload-status"] as? [String: Any])?["message"] as? String) ?? ""
  }

  var workloadCurrent: String {
    ((self["workload-status"] as? [String: Any])?["current"] as? String) ?? ""
  }

  var isLeader: Bool { (self["leader"] as? Bool) ?? false }

  var address: String { (self["public-address"] as? String) ?? "" }

  var openPorts: [String] { (self["open-ports"] as? [String]) ?? [] }
}

// MARK: - Lifecycle helpers

extension Sim {
  /// The gateway port the charm uses unless `gateway-port` is set.
  static let defaultPort = 18789

  /// Deploys three units with a provider configured, so the gateway has a model and an API key.
  func deployThree() throws {
    try must(
      "deploy", "-n", "3", "--config", "ai-provider=anthropic", "--config", "ai-api-key=sk-ant-test-key",
      "--config", "ai-model=claude-opus-4-5")
  }

  /// Runs `/bin/sh -c command` as root in the unit.
  func ssh(_ unit: String, _ command: String) throws -> Result {
    try run("ssh", unit, command)
  }

  /// Returns the `juju show-unit --format json` entry of one unit.
  func showUnit(_ unit: String) throws -> [String: Any] {
    let text = try must("show-unit", unit, "--format", "json")
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return document?[unit] as? [String: Any] ?? [:]
  }

  /// Returns the peer relation's application databag, as `show-unit` of `unit` prints it.
  func applicationData(via unit: String) throws -> [String: String] {
    let relations = try showUnit(unit)["relation-info"] as? [[String: Any]] ?? []
    let peer = relations.first { $0["endpoint"] as? String == "openclaw-cluster" }
    return peer?["application-data"] as? [String: String] ?? [:]
  }

  /// Returns the gateway stand-in's lifecycle events on `unit` (`start`, `stop`, `restart`, `reload`, ...),
  /// oldest first.
  func gatewayEvents(_ unit: String) throws -> [String] {
    let text = try ssh(unit, "cat /var/lib/openclaw/sim/gateway-events.jsonl 2>/dev/null").stdout
    return text.split(separator: "\n").compactMap { line in
      let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return event?["event"] as? String
    }
  }

  /// Returns the units whose workload shows `error` (a failed hook), in unit-number order.
  func unitsInError() throws -> [String] {
    try units().filter { $0.value.workloadCurrent == "error" }.map(\.key).sorted(by: Sim.unitOrder)
  }

  /// Clears `faults`, resolves every unit in error until none is left, then runs update-status: what an operator
  /// does before judging whether the model converged.
  func recover(clearing faults: [String]) throws {
    for fault in faults {
      try must("fault", fault, "clear")
    }
    // A resolved hook may be followed by others on the same unit. None of them can fail once the faults are
    // gone, so a few rounds are enough.
    for _ in 0..<5 {
      let failing = try unitsInError()
      if failing.isEmpty { break }
      for unit in failing {
        try must("resolve", unit)
      }
    }
    try must("update-status")
  }

  /// Orders unit names by unit number, as juju-sim runs hooks.
  static func unitOrder(_ left: String, _ right: String) -> Bool {
    let leftNumber = Int(left.split(separator: "/").last ?? "") ?? 0
    let rightNumber = Int(right.split(separator: "/").last ?? "") ?? 0
    return leftNumber < rightNumber
  }

  /// Copies the charm as `deploy` assembles it from the source tree into `directory`, for `refresh --path`.
  static func copyCharm(to directory: String) throws {
    let files = FileManager.default
    try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for name in ["dispatch", "metadata.yaml", "config.yaml", "actions.yaml", "templates"] {
      try files.copyItem(atPath: repository.path + "/" + name, toPath: directory + "/" + name)
    }
    try files.copyItem(atPath: repository.path + "/.build/release/charm-hook", toPath: directory + "/charm-hook")
  }
}

/// The service states of one unit, the charm's files with mode and owner, and leftovers of interrupted writes,
/// read in one `ssh` call.
struct UnitFiles {
  /// The files the charm manages on either role.
  static let managedPaths = [
    "/var/lib/openclaw/openclaw.json", "/etc/openclaw/gateway.env", "/etc/openclaw/node.env",
    "/etc/systemd/system/openclaw.service", "/etc/systemd/system/openclaw-node.service",
    "/var/lib/openclaw-charm/state.json", "/var/lib/openclaw/tls/gateway.crt", "/var/lib/openclaw/tls/gateway.key",
    "/var/lib/openclaw-charm/certificate-address",
  ]

  /// `systemctl is-active` of `openclaw.service` and `openclaw-node.service`.
  var services: [String: String] = [:]
  /// Present files: path to `"<octal mode> <owner>:<group>"` and content.
  var files: [String: (mode: String, content: String)] = [:]
  /// Temporary files of atomic writes (`*.charm-new`) or hook-tool input files left behind.
  var leftovers: [String] = []

  static let script = """
    for service in openclaw.service openclaw-node.service; do
      echo "=== service $service $(systemctl is-active $service)"
    done
    for path in \(managedPaths.joined(separator: " ")); do
      if [ -e "$path" ]; then echo "=== file $path $(stat -c '%a %U:%G' "$path")"; cat "$path"; echo; fi
    done
    for path in $(find /etc/openclaw /etc/systemd/system /var/lib/openclaw /var/lib/openclaw-charm \\
        -name '*.charm-new' 2>/dev/null) $(ls -d /tmp/openclaw-charm-* 2>/dev/null); do
      echo "=== leftover $path"
    done
    """

  init(_ sim: Sim, unit: String) throws {
    let result = try sim.ssh(unit, Self.script)
    var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    // A file's content is its lines up to the next marker, each with a newline, less the one `echo` added so
    // that a file without a final newline still ends before the marker.
    var current: String?
    for line in lines {
      if line.hasPrefix("=== ") {
        current = nil
        let fields = line.split(separator: " ", maxSplits: 3).map(String.init)
        switch fields[1] {
        case "service" where fields.count == 4: services[fields[2]] = fields[3]
        case "file" where fields.count == 4:
          files[fields[2]] = (fields[3], "")
          current = fields[2]
        case "leftover" where fields.count >= 3: leftovers.append(fields[2])
        default: break
        }
      } else if let path = current {
        files[path]!.content += line + "\n"
      }
    }
    for path in files.keys {
      files[path]!.content.removeLast()
    }
  }

  func content(_ path: String) -> String? { files[path]?.content }

  /// The value of `OPENCLAW_GATEWAY_TOKEN` in whichever environment file the unit has.
  var token: String? {
    for path in ["/etc/openclaw/gateway.env", "/etc/openclaw/node.env"] {
      for line in (content(path) ?? "").split(separator: "\n") where line.hasPrefix("OPENCLAW_GATEWAY_TOKEN=") {
        return String(line.dropFirst("OPENCLAW_GATEWAY_TOKEN=".count)).replacingOccurrences(of: "\"", with: "")
      }
    }
    return nil
  }
}

// MARK: - Convergence

extension Sim {
  /// Returns every way the model differs from the state each lifecycle event must settle into. That state is
  /// exactly one gateway, on the leader, and every other unit a node connected to it, with the files, services,
  /// ports and relation data of those roles. The result is empty when the model has converged or has no unit.
  ///
  /// `token`, when given, is the gateway token every unit must still use. With `connected` false, a node may
  /// still wait for pairing or for its connection, as long as its status names no other gateway. No hook fires
  /// when a node's connection comes up, so until update-status runs, a node shows the state its last hook saw.
  func convergenceProblems(port: Int, token expectedToken: String? = nil, connected: Bool = true) throws -> [String] {
    let units = try self.units()
    if units.isEmpty { return [] }
    var problems: [String] = []

    let leaders = units.filter { $0.value.isLeader }.map(\.key).sorted(by: Sim.unitOrder)
    guard leaders.count == 1, let leader = leaders.first else {
      return ["expected exactly one leader, found \(leaders)"]
    }
    let address = units[leader]!.address
    let target = "\(address):\(port)"
    let nodes = units.keys.filter { $0 != leader }.sorted(by: Sim.unitOrder)
    // The leader publishes a certificate fingerprint when the gateway serves TLS; nodes then pin it and dial wss.
    let data = try applicationData(via: leader)
    let tls = !(data["gateway-tls-fingerprint"] ?? "").isEmpty

    // Status table.
    for (name, unit) in units {
      let agent = (unit["juju-status"] as? [String: Any])?["current"] as? String ?? ""
      if agent != "idle" { problems.append("\(name): agent is \(agent), expected idle") }
      var expected = name == leader ? "Gateway: \(tls ? "https" : "http")://\(target)" : "Node connected to \(target)"
      if name == leader && !nodes.isEmpty {
        // The leader counts the nodes the gateway listed as connected in its last look; nodes still connecting
        // may be missing from that count.
        let counted = connected ? nodes.count : Sim.connectedCount(in: unit.workloadMessage) ?? nodes.count
        expected += " (\(counted)/\(nodes.count) nodes connected)"
      }
      let connecting = !connected && name != leader && unit.workloadCurrent == "waiting"
        && Sim.endpoints(in: unit.workloadMessage).allSatisfy { $0 == target }
      if !connecting && (unit.workloadCurrent != "active" || unit.workloadMessage != expected) {
        problems.append("\(name): status is \(unit.workloadCurrent) '\(unit.workloadMessage)', expected active '\(expected)'")
      }
      let ports = name == leader ? ["\(port)/tcp"] : []
      if unit.openPorts != ports { problems.append("\(name): open ports are \(unit.openPorts), expected \(ports)") }
    }

    // Peer relation data: only the leader writes it, and it names the leader. Which nodes the gateway paired
    // is checked below against the gateway itself.
    for (key, value) in ["gateway-host": address, "gateway-port": String(port)] where data[key] != value {
      problems.append("application data \(key) is '\(data[key] ?? "<unset>")', expected '\(value)'")
    }
    if (data["gateway-token-secret"] ?? "").isEmpty { problems.append("application data gateway-token-secret is unset") }

    // Services and files on every unit.
    var tokens: [String: String] = [:]
    for name in units.keys.sorted(by: Sim.unitOrder) {
      let files = try UnitFiles(self, unit: name)
      let role: Role = name == leader ? .gateway : .node
      problems += unitProblems(name, files, role: role, address: address, port: port, tls: tls)
      problems += files.leftovers.map { "\(name): leftover file \($0)" }
      tokens[name] = files.token
    }
    let distinctTokens = Set(tokens.values)
    if distinctTokens.count != 1 || tokens.count != units.count {
      problems.append("units do not share one gateway token: \(tokens.count) of \(units.count) have one, \(distinctTokens.count) distinct")
    } else if let expectedToken, distinctTokens.first != expectedToken {
      problems.append("the gateway token changed")
    }

    // The gateway's own view: every node paired and connected, and no other node connected.
    let listed = try connectedNodes(gateway: leader)
    if connected ? listed != Set(nodes) : !listed.isSubset(of: Set(nodes)) {
      problems.append("gateway lists \(listed.sorted(by: Sim.unitOrder)) as connected, expected \(nodes)")
    }
    return problems
  }

  enum Role { case gateway, node }

  /// Returns the `<IPv4 address>:<port>` pairs in a status message.
  /// Returns n of the leader's ` (n/m nodes connected)`, or nil when the message has no such suffix.
  static func connectedCount(in message: String) -> Int? {
    guard let open = message.lastIndex(of: "("), let slash = message[open...].firstIndex(of: "/") else { return nil }
    return Int(message[message.index(after: open)..<slash])
  }

  static func endpoints(in message: String) -> [String] {
    let pattern = try! NSRegularExpression(pattern: "[0-9]+(\\.[0-9]+){3}:[0-9]+")
    let range = NSRange(message.startIndex..., in: message)
    return pattern.matches(in: message, range: range).compactMap { Range($0.range, in: message).map { String(message[$0]) } }
  }

  private func unitProblems(_ name: String, _ files: UnitFiles, role: Role, address: String, port: Int, tls: Bool)
    -> [String]
  {
    var problems: [String] = []
    let gatewayUnit = "/etc/systemd/system/openclaw.service"
    let nodeUnit = "/etc/systemd/system/openclaw-node.service"
    let (running, stopped) = role == .gateway ? ("openclaw.service", "openclaw-node.service") : ("openclaw-node.service", "openclaw.service")
    if files.services[running] != "active" { problems.append("\(name): \(running) is \(files.services[running] ?? "unknown")") }
    if files.services[stopped] != "inactive" { problems.append("\(name): \(stopped) is \(files.services[stopped] ?? "unknown")") }

    let present: [String: String] = role == .gateway
      ? ["/var/lib/openclaw/openclaw.json": "600 openclaw:openclaw", "/etc/openclaw/gateway.env": "600 root:root",
         gatewayUnit: "644 root:root", "/var/lib/openclaw-charm/state.json": "600 root:root"]
      : ["/var/lib/openclaw/openclaw.json": "600 openclaw:openclaw", "/etc/openclaw/node.env": "600 root:root",
         nodeUnit: "644 root:root", "/var/lib/openclaw-charm/state.json": "600 root:root"]
    let absent = role == .gateway ? ["/etc/openclaw/node.env", nodeUnit] : ["/etc/openclaw/gateway.env", gatewayUnit]
    for (path, mode) in present.sorted(by: { $0.key < $1.key }) {
      guard let file = files.files[path] else {
        problems.append("\(name): \(path) is missing")
        continue
      }
      if file.mode != mode { problems.append("\(name): \(path) has mode and owner \(file.mode), expected \(mode)") }
    }
    for path in absent where files.files[path] != nil {
      problems.append("\(name): \(path) is left over from the other role")
    }

    let config = (try? JSONSerialization.jsonObject(with: Data((files.content("/var/lib/openclaw/openclaw.json") ?? "").utf8)))
      as? [String: Any]
    let gateway = config?["gateway"] as? [String: Any] ?? [:]
    switch role {
    case .gateway:
      if gateway["mode"] as? String != "local" { problems.append("\(name): openclaw.json gateway.mode is not local") }
      if gateway["port"] as? Int != port { problems.append("\(name): openclaw.json gateway.port is \(gateway["port"] ?? "unset"), expected \(port)") }
      if (gateway["reload"] as? [String: Any])?["mode"] as? String != "hybrid" {
        problems.append("\(name): openclaw.json gateway.reload.mode is not hybrid")
      }
    case .node:
      let url = (gateway["remote"] as? [String: Any])?["url"] as? String
      let expectedURL = "\(tls ? "wss" : "ws")://\(address):\(port)"
      if gateway["mode"] as? String != "remote" || url != expectedURL {
        problems.append("\(name): openclaw.json points at \(url ?? "nothing"), expected \(expectedURL)")
      }
      let command = "--host \(address) --port \(port) --display-name \(name)"
      if !(files.content(nodeUnit) ?? "").contains(command) {
        problems.append("\(name): \(nodeUnit) does not run the node with \(command)")
      }
    }
    return problems
  }

  /// Display names of the nodes the gateway on `unit` lists as paired and connected (`openclaw nodes status`).
  func connectedNodes(gateway unit: String) throws -> Set<String> {
    let result = try ssh(
      unit,
      "set -a; . /etc/openclaw/gateway.env; set +a; OPENCLAW_STATE_DIR=/var/lib/openclaw "
        + "OPENCLAW_CONFIG_PATH=/var/lib/openclaw/openclaw.json openclaw nodes status --json")
    let listing = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let entries = listing?["nodes"] as? [[String: Any]] ?? []
    let connected = entries.filter { $0["connected"] as? Bool == true && $0["paired"] as? Bool == true }
    return Set(connected.compactMap { $0["displayName"] as? String })
  }

  /// Returns leader-only writes (`relation-set --app`, `secret-add`, `secret-grant`, `secret-set`) in
  /// `hook-tool-calls.jsonl` that were not preceded, in the same hook, by an `is-leader` call with only
  /// `juju-log` and other leader-only writes in between. Also returns every unit log line showing that juju-sim
  /// rejected an application-data write from a unit that was not the leader.
  func uncheckedLeaderWrites() throws -> [String] {
    let text = (try? String(contentsOfFile: model + "/hook-tool-calls.jsonl", encoding: .utf8)) ?? ""
    let calls = text.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
    func isLeaderOnlyWrite(_ call: [String: Any]) -> Bool {
      let tool = call["tool"] as? String ?? ""
      let arguments = call["args"] as? [String] ?? []
      return ["secret-add", "secret-grant", "secret-set"].contains(tool) || (tool == "relation-set" && arguments.contains("--app"))
    }
    var problems: [String] = []
    for (index, call) in calls.enumerated() where isLeaderOnlyWrite(call) {
      let unit = call["unit"] as? String
      let hook = call["hook"] as? String
      var checked = false
      for earlier in calls[..<index].reversed() {
        guard earlier["unit"] as? String == unit, earlier["hook"] as? String == hook else { break }
        let tool = earlier["tool"] as? String
        if tool == "is-leader" {
          checked = true
          break
        }
        if tool != "juju-log" && !isLeaderOnlyWrite(earlier) { break }
      }
      if !checked {
        problems.append("\(unit ?? "?") called \(call["tool"] ?? "?") in \(hook ?? "?") without checking leadership right before")
      }
    }

    let logs = (try? FileManager.default.contentsOfDirectory(atPath: model + "/logs")) ?? []
    for log in logs.sorted() {
      let text = (try? String(contentsOfFile: model + "/logs/" + log, encoding: .utf8)) ?? ""
      for line in text.split(separator: "\n") where line.contains("cannot write relation settings") {
        problems.append("a unit that is not the leader wrote application data: \(line)")
      }
    }
    return problems
  }
}

// MARK: - Snapshots

extension Sim {
  /// Returns the model's observable state without the processes' own history: each unit's status, leadership,
  /// ports, services and charm files (with mode and owner), and the peer application data. Keys name the unit and
  /// the item, so a comparison can name what differs without printing file contents, which include the token.
  func snapshot() throws -> [String: String] {
    var result: [String: String] = [:]
    let units = try self.units()
    for (name, unit) in units {
      result["\(name) status"] = "\(unit.workloadCurrent) \(unit.workloadMessage)"
      result["\(name) leader"] = String(unit.isLeader)
      result["\(name) ports"] = unit.openPorts.joined(separator: ",")
      let files = try UnitFiles(self, unit: name)
      for (service, state) in files.services { result["\(name) \(service)"] = state }
      for (path, file) in files.files { result["\(name) \(path)"] = file.mode + "\n" + file.content }
      result["\(name) leftovers"] = files.leftovers.joined(separator: " ")
    }
    if let any = units.keys.first {
      for (key, value) in try applicationData(via: any) { result["application data \(key)"] = value }
    }
    return result
  }

  /// Names the entries that differ between two snapshots, for a failure message.
  static func differences(_ left: [String: String], _ right: [String: String]) -> [String] {
    Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
  }
}

// MARK: - Security

extension Sim {
  /// Returns the leader's name and the other units' names in unit-number order.
  func leaderAndNodes() throws -> (leader: String, nodes: [String]) {
    let units = try self.units()
    let leader = try #require(units.first { $0.value.isLeader }?.key, "no unit is the leader")
    return (leader, units.keys.filter { $0 != leader }.sorted(by: Sim.unitOrder))
  }

  /// Runs `openclaw <arguments>` on `unit` as the openclaw user, with the services' state directory and config and
  /// the token from the unit's environment file. `token`, when given, replaces that token (a test passes only
  /// tokens the gateway no longer accepts, because the value ends up on a command line).
  func openclaw(_ unit: String, _ arguments: String, token: String? = nil) throws -> Result {
    let override = token.map { "OPENCLAW_GATEWAY_TOKEN=\($0); " } ?? ""
    return try ssh(
      unit,
      "set -a; for file in /etc/openclaw/gateway.env /etc/openclaw/node.env; do [ -f $file ] && . $file; done; "
        + "\(override)OPENCLAW_STATE_DIR=/var/lib/openclaw; OPENCLAW_CONFIG_PATH=/var/lib/openclaw/openclaw.json; "
        + "HOME=/var/lib/openclaw; set +a; setpriv --reuid=openclaw --regid=openclaw --init-groups -- openclaw \(arguments)")
  }

  /// Returns the pending requests and paired devices of `openclaw devices list --json` on the gateway.
  func deviceListing(gateway unit: String) throws -> (pending: [[String: Any]], paired: [[String: Any]]) {
    let result = try openclaw(unit, "devices list --json")
    #expect(result.status == 0, "devices list failed on \(unit): \(result.stdout) \(result.stderr)")
    let listing = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return (listing?["pending"] as? [[String: Any]] ?? [], listing?["paired"] as? [[String: Any]] ?? [])
  }

  /// Returns the `nodes` result of the `list-nodes` action, one object per node or pending request.
  func listNodes() throws -> [[String: Any]] {
    let output = try must("run", "openclaw/leader", "list-nodes")
    // The result is one YAML line, `nodes: '<JSON>'`, single-quoted with inner quotes doubled.
    let line = output.split(separator: "\n").first { $0.hasPrefix("nodes: ") } ?? ""
    var text = String(line.dropFirst("nodes: ".count))
    if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 {
      text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
    }
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
  }

  /// Polls `condition` up to `attempts` times, 200 ms apart, and returns whether it came true.
  func poll(attempts: Int = 100, _ condition: () throws -> Bool) rethrows -> Bool {
    for attempt in 0..<attempts {
      if attempt > 0 { usleep(200_000) }
      if try condition() { return true }
    }
    return false
  }

  /// A process a test started in a unit, which `stop` ends. Its pid and log are files under `/tmp` in the unit.
  struct UnitProcess {
    var unit: String
    var name: String
    var pidFile: String { "/tmp/\(name).pid" }
    var logFile: String { "/tmp/\(name).log" }
  }

  /// Starts `openclaw node run` on `unit` as the openclaw user, detached, with a state directory of its own (so a
  /// device identity of its own) and the unit's real token, dialling the gateway with `--tls --tls-fingerprint`.
  func startNode(
    on unit: String, name: String, displayName: String, host: String, port: Int, fingerprint: String
  ) throws -> UnitProcess {
    let process = UnitProcess(unit: unit, name: name)
    let state = "/tmp/\(name)"
    let result = try ssh(
      unit,
      "install -d -m 0700 -o openclaw -g openclaw \(state) && set -a && . /etc/openclaw/node.env && "
        + "OPENCLAW_STATE_DIR=\(state) OPENCLAW_CONFIG_PATH=\(state)/openclaw.json HOME=\(state) && set +a && "
        + "{ setsid setpriv --reuid=openclaw --regid=openclaw --init-groups -- openclaw node run --host \(host) "
        + "--port \(port) --display-name \(displayName) --tls --tls-fingerprint \(fingerprint) "
        + ">\(process.logFile) 2>&1 </dev/null & echo $! >\(process.pidFile); }")
    #expect(result.status == 0, "starting \(name) on \(unit) failed: \(result.stderr)")
    return process
  }

  /// Stops a process `startNode` started, with SIGTERM and then SIGKILL, and removes its files.
  func stop(_ process: UnitProcess) {
    _ = try? ssh(
      process.unit,
      "pid=$(cat \(process.pidFile) 2>/dev/null) || exit 0; kill $pid 2>/dev/null; "
        + "for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $pid 2>/dev/null || break; sleep 0.2; done; "
        + "kill -9 $pid 2>/dev/null; rm -rf /tmp/\(process.name) \(process.pidFile) \(process.logFile)")
  }

  /// Returns whether the process is still running.
  func isRunning(_ process: UnitProcess) throws -> Bool {
    try ssh(process.unit, "kill -0 $(cat \(process.pidFile))").status == 0
  }
}
