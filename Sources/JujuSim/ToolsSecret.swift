import Foundation

/// Secret hook tools. Contents live in root-only files under `<model>/secrets/`. Every unit tracks the
/// revision it last read, and `secret-get` returns that revision, not the latest, unless given `--refresh`
/// or `--peek`.
extension Simulator {
  static let secretKeyPattern = "^([a-z](?:-?[a-z0-9]){2,})$"
  private static let secretMetadataFlags: [FlagSpec] = [
    .value("label"), .value("description"), .value("expire"), .value("rotate"), .value("file"),
  ]

  /// Accepts `secret:<id>`, `secret://<model>/<id>` or a bare id.
  private func secretId(from text: String) -> String {
    var id = text
    if id.hasPrefix("secret:") { id = String(id.dropFirst("secret:".count)) }
    return String(id.split(separator: "/").last ?? Substring(id))
  }

  func secretOwned(_ secret: SecretState, by unit: UnitState) -> Bool {
    secret.owner == "application" ? state.leader == unit.name : secret.owner == unit.name
  }

  private func canRead(_ secret: SecretState, unit: UnitState) -> Bool {
    if secret.owner == "application" || secret.owner == unit.name { return true }
    if secret.owner == Simulator.userSecretOwner {
      // A user secret is readable only by the applications `grant-secret` named.
      return secret.grants.contains("application:" + (unit.name.split(separator: "/").first.map(String.init) ?? ""))
    }
    return secret.grants.contains { grant in
      let parts = grant.split(separator: "/", maxSplits: 1).map(String.init)
      return parts.count == 1 || parts[1] == unit.name
    }
  }

  private func findSecret(_ call: ToolCall, id: String?, label: String?) throws(ToolError) -> SecretState {
    let secrets = call.context.secrets
    if let id {
      guard let secret = secrets[secretId(from: id)] else { throw .failed("secret \"\(secretId(from: id))\" not found") }
      return secret
    }
    if let label {
      if let id = call.context.labels.first(where: { $0.value == label })?.key, let secret = secrets[id] { return secret }
      let unit = currentUnit
      if let secret = secrets.values.first(where: { $0.label == label && secretOwned($0, by: unit) }) { return secret }
      if let secret = secrets.values.first(where: { $0.label == label && $0.owner == unit.name }) { return secret }
    }
    throw .failed("secret with label \"\(label ?? "")\" not found")
  }

  /// Collects secret content from `--file` and `key=value`, `key#base64=value` or `key#file=path` arguments.
  private func secretContent(_ call: ToolCall, _ arguments: ToolArguments, skipping: Int = 0) throws(ToolError)
    -> [String: String]
  {
    var content: [String: String] = [:]
    if let file = arguments.value("file") {
      for (key, value) in try parseSettingsFile(try call.input(file)) { content[key] = value }
    }
    for (rawKey, value) in try parseKeyValues(Array(arguments.positional.dropFirst(skipping))) {
      var key = rawKey
      var decoded = value
      if key.hasSuffix("#base64") {
        key = String(key.dropLast("#base64".count))
        guard let data = Data(base64Encoded: value) else { throw .usage("invalid base64 value for key \"\(key)\"") }
        decoded = String(decoding: data, as: UTF8.self)
      } else if key.hasSuffix("#file") {
        key = String(key.dropLast("#file".count))
        decoded = try call.input(value)
      }
      content[key] = decoded
    }
    for key in content.keys where key.range(of: Simulator.secretKeyPattern, options: .regularExpression) == nil {
      throw .usage("invalid key \"\(key)\"")
    }
    return content
  }

  private func applyMetadata(_ arguments: ToolArguments, to secret: inout SecretState, call: ToolCall) throws(ToolError) {
    if let rotate = arguments.value("rotate") {
      let policies = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]
      guard policies.contains(rotate) else { throw .usage("invalid secret rotation policy \"\(rotate)\"") }
      secret.rotate = rotate
    }
    if let label = arguments.value("label") {
      if call.context.secrets.values.contains(where: { $0.id != secret.id && $0.owner == secret.owner && $0.label == label }) {
        throw .failed("secret with label \"\(label)\" already exists")
      }
      secret.label = label
    }
    if let description = arguments.value("description") { secret.description = description }
    if let expire = arguments.value("expire") { secret.expire = expire }
  }

  func secretAdd(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.secretMetadataFlags + [.value("owner")])
    let owner = arguments.value("owner") ?? "application"
    guard owner == "application" || owner == "unit" else {
      throw .usage("value \"\(owner)\" for option --owner not valid: use \"application\" or \"unit\"")
    }
    let content = try secretContent(call, arguments)
    guard !content.isEmpty else { throw .usage("missing secret value or filename") }
    if owner == "application" && !isCurrentLeader { throw .failed("this unit is not the leader") }
    let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
    var id = ""
    repeat {
      id = String((0..<20).map { _ in alphabet.randomElement()! })
    } while call.context.secrets[id] != nil
    var secret = SecretState(id: id, owner: owner == "application" ? "application" : call.context.unitName, revisions: [1])
    try applyMetadata(arguments, to: &secret, call: call)
    call.context.secrets[id] = secret
    call.context.newContents[id] = [1: content]
    return ToolOutput(text: secret.uri + "\n")
  }

  /// Returns the contents of a revision, committed or created earlier in this hook.
  private func contents(_ call: ToolCall, id: String, revision: Int) -> [String: String]? {
    call.context.newContents[id]?[revision] ?? secretContent(id: id, revision: revision)
  }

  func secretGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(
      call.arguments, flags: Simulator.formatFlags + [.value("label"), .bool("peek"), .bool("refresh")])
    try arguments.requireAtMost(2)
    let idText = arguments.positional.first
    let label = arguments.value("label")
    guard idText != nil || label != nil else { throw .usage("require either a secret URI or label") }
    if arguments.flag("peek") && arguments.flag("refresh") {
      throw .usage("specify one of --peek or --refresh but not both")
    }

    let unit = currentUnit
    let secret = try findSecret(call, id: idText, label: idText == nil ? label : nil)
    guard canRead(secret, unit: unit) else { throw .failed("permission denied") }
    if let label, idText != nil {
      if secretOwned(secret, by: unit) {
        call.context.secrets[secret.id]!.label = label
      } else {
        call.context.labels[secret.id] = label
      }
    }

    let revision: Int
    if arguments.flag("peek") {
      revision = secret.latest
    } else if arguments.flag("refresh") {
      revision = secret.latest
      call.context.tracking[secret.id] = revision
    } else {
      revision = call.context.tracking[secret.id] ?? secret.latest
      call.context.tracking[secret.id] = revision
    }
    guard let content = contents(call, id: secret.id, revision: revision) else {
      throw .failed("secret \"\(secret.id)\" revision \(revision) not found")
    }
    if arguments.positional.count > 1 {
      var key = arguments.positional[1]
      let base64 = key.hasSuffix("#base64")
      if base64 { key = String(key.dropLast("#base64".count)) }
      guard let value = content[key] else { throw .failed("secret key \"\(key)\" not found") }
      let text = base64 ? Data(value.utf8).base64EncodedString() : value
      return try emit(.string(text), arguments, allowed: [.yaml, .json], fallback: .yaml)
    }
    return try emit(.map(content.mapValues { .string($0) }), arguments, allowed: [.yaml, .json], fallback: .yaml)
  }

  private func ownedSecret(_ call: ToolCall, _ text: String?) throws(ToolError) -> SecretState {
    guard let text else { throw .usage("missing secret URI") }
    let secret = try findSecret(call, id: text, label: nil)
    guard secretOwned(secret, by: currentUnit) else { throw .failed("permission denied") }
    return secret
  }

  func secretSet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.secretMetadataFlags + [.value("owner")])
    var secret = try ownedSecret(call, arguments.positional.first)
    let content = try secretContent(call, arguments, skipping: 1)
    try applyMetadata(arguments, to: &secret, call: call)
    if !content.isEmpty && content != contents(call, id: secret.id, revision: secret.latest) {
      let revision = secret.latest + 1
      secret.revisions.append(revision)
      call.context.newContents[secret.id, default: [:]][revision] = content
    }
    call.context.secrets[secret.id] = secret
    return .empty
  }

  func secretGrant(_ call: ToolCall, grant: Bool) throws(ToolError) -> ToolOutput {
    var flags: [FlagSpec] = [.value("r", "relation"), .value("unit")]
    if !grant { flags.append(.value("app")) }
    let arguments = try ToolArguments(call.arguments, flags: flags)
    try arguments.requireAtMost(1)
    var secret = try ownedSecret(call, arguments.positional.first)
    if grant && arguments.value("r") == nil { throw .usage("missing relation id") }
    let relation = try arguments.value("r").map { _ throws(ToolError) in try relationId(arguments)! }
    let entry = relation.map { id in arguments.value("unit").map { "\(id)/\($0)" } ?? String(id) }
    if grant, let entry {
      if !secret.grants.contains(entry) { secret.grants.append(entry) }
    } else if let entry {
      secret.grants.removeAll { $0 == entry || $0.hasPrefix(entry + "/") }
    } else if let unit = arguments.value("unit") {
      secret.grants.removeAll { $0.hasSuffix("/" + unit) }
    } else {
      secret.grants.removeAll()
    }
    call.context.secrets[secret.id] = secret
    return .empty
  }

  func secretRemove(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: [.value("revision")])
    try arguments.requireAtMost(1)
    var secret = try ownedSecret(call, arguments.positional.first)
    if let text = arguments.value("revision") {
      guard let revision = Int(text), secret.revisions.contains(revision) else {
        throw .failed("secret revision \(text) not found")
      }
      secret.revisions.removeAll { $0 == revision }
      call.context.secrets[secret.id] = secret.revisions.isEmpty ? nil : secret
    } else {
      call.context.secrets[secret.id] = nil
    }
    return .empty
  }

  func secretIds(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags)
    try arguments.requireAtMost(0)
    let unit = currentUnit
    let ids = call.context.secrets.values.filter { secretOwned($0, by: unit) }.map(\.id).sorted()
    return try emit(.list(ids.map { .string($0) }), arguments)
  }

  func secretInfoGet(_ call: ToolCall) throws(ToolError) -> ToolOutput {
    let arguments = try ToolArguments(call.arguments, flags: Simulator.formatFlags + [.value("label")])
    try arguments.requireAtMost(1)
    let idText = arguments.positional.first
    guard idText != nil || arguments.value("label") != nil else { throw .usage("require either a secret URI or label") }
    let secret = try findSecret(call, id: idText, label: arguments.value("label"))
    guard secretOwned(secret, by: currentUnit) else { throw .failed("permission denied") }
    var info: [String: Value] = [
      "revision": .int(secret.latest), "owner": .string(secret.owner == "application" ? "application" : "unit"),
    ]
    if let label = secret.label { info["label"] = .string(label) }
    if let description = secret.description { info["description"] = .string(description) }
    if let rotate = secret.rotate { info["rotation"] = .string(rotate) }
    if let expire = secret.expire { info["expiry"] = .string(expire) }
    return try emit(.map([secret.id: .map(info)]), arguments, allowed: [.yaml, .json], fallback: .yaml)
  }
}
