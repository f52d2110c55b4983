import Foundation
import Glibc

/// An action request for one unit, with its parameters already validated and defaults inserted.
struct ActionInvocation: Sendable {
  let id: Int
  let name: String
  let parameters: [String: Value]
}

/// The outcome of one action run.
struct ActionOutcome {
  let status: Int32
  let results: [String: Value]
  let failure: String?
  let stdout: String
  let stderr: String
}

/// The context of one running hook or action. Transactional changes (relation data, ports, unit state, secrets)
/// stay in these working copies and reach the model only when the hook exits 0.
final class HookContext {
  let id: String
  let unitName: String
  /// Hook name, or the action name for actions.
  let hookName: String
  let spec: HookSpec?
  let action: ActionInvocation?
  /// Working copies of the unit's own databags and of the application databags, by relation id.
  var unitBags: [Int: [String: String]] = [:]
  var appBags: [Int: [String: String]] = [:]
  var ports: [PortRange]
  var unitState: [String: String]
  var secrets: [String: SecretState]
  /// Contents of secret revisions created in this hook, by secret id and revision.
  var newContents: [String: [Int: [String: String]]] = [:]
  var tracking: [String: Int]
  var labels: [String: String]
  var actionResults: [String: Value] = [:]
  var actionFailure: String?
  /// Set once `is-leader` returned False, so it keeps returning False for the rest of the hook, as in Juju.
  var answeredNotLeader = false

  init(unit: UnitState, hookName: String, spec: HookSpec?, action: ActionInvocation?, secrets: [String: SecretState]) {
    let random = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    id = "\(unit.name)-\(hookName)-\(random)"
    unitName = unit.name
    self.hookName = hookName
    self.spec = spec
    self.action = action
    ports = unit.ports
    unitState = unit.state
    self.secrets = secrets
    tracking = unit.secretTracking
    labels = unit.secretLabels
  }
}

extension Simulator {
  /// Runs one hook on a unit, commits its changes when it exits 0 and otherwise puts the unit in error.
  @discardableResult
  func runHook(_ spec: HookSpec, on name: String) throws -> Int32 {
    try ensureHolder(name)
    if state.units[name]?.queued.first?.name == spec.name { state.units[name]!.queued.removeFirst() }
    applyStatusBefore(spec, unit: name)
    let context = HookContext(
      unit: state.units[name]!, hookName: spec.name, spec: spec, action: nil, secrets: state.secrets)
    let outcome = try execute(context, dispatchPath: "hooks/" + spec.name, fallback: "hooks/" + spec.name)
    let tag = state.units[name]!.tag
    if outcome.status == 0 {
      commit(context)
      log(tag: tag, level: "INFO", logger: "juju.worker.uniter.operation", "ran \"\(spec.name)\" hook")
      try applyTransition(spec, unit: name)
    } else {
      state.units[name]!.failedHook = spec
      log(
        tag: tag, level: "ERROR", logger: "juju.worker.uniter.operation",
        "hook \"\(spec.name)\" (via hook dispatching script: dispatch) failed: exit status \(outcome.status)")
    }
    try save()
    return outcome.status
  }

  /// Runs an action on a unit. Its changes are committed when it exits 0, even if it called `action-fail`.
  func runAction(_ invocation: ActionInvocation, on name: String) throws -> ActionOutcome {
    try ensureHolder(name)
    let context = HookContext(
      unit: state.units[name]!, hookName: invocation.name, spec: nil, action: invocation, secrets: state.secrets)
    let outcome = try execute(context, dispatchPath: "actions/" + invocation.name, fallback: "actions/" + invocation.name)
    if outcome.status == 0 { commit(context) }
    try save()
    var failure = context.actionFailure
    if outcome.missing {
      failure = "action not implemented on unit \"\(name)\""
    } else if outcome.status != 0 && failure == nil {
      failure = "exit status \(outcome.status)"
    }
    return ActionOutcome(
      status: failure == nil ? 0 : 1, results: context.actionResults, failure: failure, stdout: outcome.stdout,
      stderr: outcome.stderr)
  }

  private struct ExecutionOutcome {
    let status: Int32
    let stdout: String
    let stderr: String
    let missing: Bool
  }

  /// Starts `dispatch` (or the hook or action file when the charm has no `dispatch`) inside the unit and serves
  /// its hook-tool calls until it exits.
  private func execute(_ context: HookContext, dispatchPath: String, fallback: String) throws -> ExecutionOutcome {
    let unit = state.units[context.unitName]!
    let charmDir = UnitPaths.charmDir(unit)
    let hostCharm = paths.charmDir(revision: app.charmRevision)
    var handler = "dispatch"
    if !FileManager.default.fileExists(atPath: hostCharm + "/dispatch") {
      guard FileManager.default.fileExists(atPath: hostCharm + "/" + fallback) else {
        log(tag: unit.tag, level: "INFO", logger: "juju.worker.uniter.operation", "skipped \"\(context.hookName)\" hook (missing)")
        return ExecutionOutcome(status: 0, stdout: "", stderr: "", missing: true)
      }
      handler = fallback
    }

    writeFaults(for: unit)
    let environment = hookEnvironment(unit: unit, context: context, dispatchPath: dispatchPath)
    let outputBase = paths.root + "/.hook-\(getpid())"
    let stdoutFd = try Spawn.openFile(outputBase + ".out", flags: O_RDWR | O_CREAT | O_TRUNC)
    let stderrFd = try Spawn.openFile(outputBase + ".err", flags: O_RDWR | O_CREAT | O_TRUNC)
    unlink(outputBase + ".out")
    unlink(outputBase + ".err")
    let devNull = try Spawn.openFile("/dev/null", flags: O_RDONLY)
    defer {
      close(stdoutFd)
      close(stderrFd)
      close(devNull)
    }

    let server = try ToolServer(path: paths.socket)
    let pid = try Spawn.start(
      UnitMachine.nsenter,
      UnitMachine.enterArguments(unit: unit, paths: paths, directory: charmDir, command: [charmDir + "/" + handler]),
      environment: environment, stdin: devNull, stdout: stdoutFd, stderr: stderrFd)
    self.context = context
    let status = server.serve(until: pid) { request in self.handleTool(request) }
    self.context = nil

    let stdout = Spawn.readAll(stdoutFd)
    let stderr = Spawn.readAll(stderrFd)
    let logger = "unit.\(unit.name).\(context.hookName)"
    for line in stdout.split(separator: "\n") { log(tag: unit.tag, level: "DEBUG", logger: logger, String(line)) }
    for line in stderr.split(separator: "\n") { log(tag: unit.tag, level: "WARNING", logger: logger, String(line)) }
    consumeServiceFaults(for: unit)
    return ExecutionOutcome(status: status, stdout: stdout, stderr: stderr, missing: false)
  }

  /// The hook environment Juju 3.6 gives: only these variables, nothing inherited from the simulator.
  func hookEnvironment(unit: UnitState, context: HookContext, dispatchPath: String) -> [String: String] {
    let charmDir = UnitPaths.charmDir(unit)
    let proxy = state.modelConfig
    var environment = [
      "CHARM_DIR": charmDir,
      "JUJU_CHARM_DIR": charmDir,
      "JUJU_CONTEXT_ID": context.id,
      "JUJU_HOOK_NAME": context.action == nil ? context.hookName : "",
      "JUJU_DISPATCH_PATH": dispatchPath,
      "JUJU_AGENT_SOCKET_ADDRESS": UnitPaths.socketLink(unit),
      "JUJU_AGENT_SOCKET_NETWORK": "unix",
      "JUJU_UNIT_NAME": unit.name,
      "JUJU_MODEL_UUID": state.uuid,
      "JUJU_MODEL_NAME": state.name,
      "JUJU_API_ADDRESSES": "127.0.0.1:17070",
      "JUJU_MACHINE_ID": unit.machine,
      "JUJU_PRINCIPAL_UNIT": "",
      "JUJU_AVAILABILITY_ZONE": "",
      "JUJU_VERSION": "3.6.14",
      "CLOUD_API_VERSION": "",
      "JUJU_CHARM_HTTP_PROXY": proxy["juju-http-proxy"] ?? "",
      "JUJU_CHARM_HTTPS_PROXY": proxy["juju-https-proxy"] ?? "",
      "JUJU_CHARM_FTP_PROXY": proxy["juju-ftp-proxy"] ?? "",
      "JUJU_CHARM_NO_PROXY": proxy["juju-no-proxy"] ?? "",
      "PATH": UnitPaths.toolsDir(unit) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LANG": "C.UTF-8",
      "TERM": "tmux-256color",
      "DEBIAN_FRONTEND": "noninteractive",
      "APT_LISTCHANGES_FRONTEND": "none",
    ]
    if let spec = context.spec {
      if let relationId = spec.relationId, let index = state.relationIndex(id: relationId) {
        let relation = state.relations[index]
        environment["JUJU_RELATION"] = relation.endpoint
        environment["JUJU_RELATION_ID"] = relation.relationKey
        environment["JUJU_REMOTE_APP"] = app.name
        environment["JUJU_REMOTE_UNIT"] = spec.remoteUnit ?? ""
        if spec.name.hasSuffix("-relation-departed") { environment["JUJU_DEPARTING_UNIT"] = spec.departingUnit ?? "" }
      }
      if let storageId = spec.storageId, let instance = state.storage[storageId] {
        environment["JUJU_STORAGE_ID"] = instance.id
        environment["JUJU_STORAGE_LOCATION"] = instance.location
        environment["JUJU_STORAGE_KIND"] = instance.kind
      }
      if let secretId = spec.secretId {
        environment["JUJU_SECRET_ID"] = secretId
        environment["JUJU_SECRET_LABEL"] = spec.secretLabel ?? ""
        if spec.name == "secret-remove" || spec.name == "secret-expired", let revision = spec.secretRevision {
          environment["JUJU_SECRET_REVISION"] = String(revision)
        }
      }
    }
    if let action = context.action {
      environment["JUJU_ACTION_NAME"] = action.name
      environment["JUJU_ACTION_UUID"] = String(action.id)
      environment["JUJU_ACTION_TAG"] = "action-\(action.id)"
    }
    return environment
  }

  /// Applies a successful hook's transactional changes to the model.
  func commit(_ context: HookContext) {
    let name = context.unitName
    guard var unit = state.units[name] else { return }
    for (relationId, data) in context.unitBags {
      guard let index = state.relationIndex(id: relationId) else { continue }
      var bag = state.relations[index].unitBags[name] ?? Bag()
      if bag.data != data {
        bag.data = data
        bag.version += 1
        state.relations[index].unitBags[name] = bag
      }
    }
    for (relationId, data) in context.appBags {
      guard let index = state.relationIndex(id: relationId) else { continue }
      if state.relations[index].appBag.data != data {
        state.relations[index].appBag.data = data
        state.relations[index].appBag.version += 1
        // The writer gets no relation-changed for its own write.
        unit.relations[String(relationId), default: UnitRelationView()].appSeen = state.relations[index].appBag.version
      }
    }
    unit.ports = context.ports
    unit.state = context.unitState
    commitSecrets(context, unit: &unit)
    state.units[name] = unit
  }

  private func commitSecrets(_ context: HookContext, unit: inout UnitState) {
    for (id, revisions) in context.newContents {
      let directory = paths.secretsDir + "/" + id
      try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      chmod(directory, 0o700)
      for (revision, content) in revisions where context.secrets[id]?.revisions.contains(revision) == true {
        try? Files.write(directory + "/\(revision).json", text: JSON.encode(.map(content.mapValues { .string($0) })), mode: 0o600)
      }
    }
    for (id, old) in state.secrets {
      let kept = context.secrets[id]?.revisions ?? []
      for revision in old.revisions where !kept.contains(revision) {
        try? FileManager.default.removeItem(atPath: paths.secretsDir + "/\(id)/\(revision).json")
      }
      if context.secrets[id] == nil { try? FileManager.default.removeItem(atPath: paths.secretsDir + "/" + id) }
    }
    for (id, secret) in context.secrets where secret.latest > (state.secrets[id]?.latest ?? 0) {
      // The unit that created a revision gets no secret-changed for it.
      unit.secretNotified[id] = secret.latest
    }
    state.secrets = context.secrets
    unit.secretTracking = context.tracking.filter { context.secrets[$0.key] != nil }
    unit.secretLabels = context.labels
  }

  /// Reads the contents of one committed secret revision.
  func secretContent(id: String, revision: Int) -> [String: String]? {
    guard let text = Files.read(paths.secretsDir + "/\(id)/\(revision).json"), let value = try? JSON.parse(text) else {
      return nil
    }
    return value.mapValue?.compactMapValues(\.stringValue)
  }

  /// Appends a line to a unit's log in the format of `juju debug-log`.
  func log(tag: String, level: String, logger: String, _ message: String) {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
    let line = "unit-\(tag): \(formatter.string(from: Date())) \(level) \(logger) \(message)"
    Files.appendLine(paths.unitLog(tag: tag), line)
  }
}
