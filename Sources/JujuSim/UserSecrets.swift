import Foundation

/// Errors of the user-secret commands, worded like Juju 3.6's.
enum UserSecretError: Error, CustomStringConvertible {
  case nameTaken(String)
  case notFound(String)
  case applicationNotFound(String)
  case invalidContent(String)

  var description: String {
    switch self {
    case .nameTaken(let name): return "secret with name \"\(name)\" already exists"
    case .notFound(let reference): return "secret \"\(reference)\" not found"
    case .applicationNotFound(let name): return "application \"\(name)\" not found"
    case .invalidContent(let detail): return detail
    }
  }
}

/// User secrets, as `juju add-secret`, `grant-secret` and `update-secret` make them in Juju 3.6.
///
/// The model owns them (`owner` is `model`) and their name is the label. A unit reads one with `secret-get <URI>`
/// once its application has been granted access, and the URI usually reaches the charm through an option of type
/// `secret`. Granting runs no hook (not confirmed against Juju). A new revision gives secret-changed on the units
/// that track the secret.
extension Simulator {
  static let userSecretOwner = "model"

  /// Creates a secret from `key=value`, `key#base64=value` or `key#file=path` arguments and returns its URI.
  func addUserSecret(name: String, arguments: [String], description: String?) throws -> String {
    guard !state.secrets.values.contains(where: { $0.owner == Self.userSecretOwner && $0.label == name }) else {
      throw UserSecretError.nameTaken(name)
    }
    let content = try userSecretContent(arguments)
    guard !content.isEmpty else { throw UserSecretError.invalidContent("missing secret value or filename") }
    let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
    var id = ""
    repeat {
      id = String((0..<20).map { _ in alphabet.randomElement()! })
    } while state.secrets[id] != nil
    var secret = SecretState(id: id, owner: Self.userSecretOwner, revisions: [1])
    secret.label = name
    secret.description = description
    try writeUserSecretRevision(id: id, revision: 1, content: content)
    state.secrets[id] = secret
    return secret.uri
  }

  /// Lets every unit of the named applications read the secret.
  func grantUserSecret(_ reference: String, applications: [String]) throws {
    var secret = try userSecret(reference)
    for name in applications {
      guard state.app?.name == name else { throw UserSecretError.applicationNotFound(name) }
      let grant = "application:" + name
      if !secret.grants.contains(grant) { secret.grants.append(grant) }
    }
    state.secrets[secret.id] = secret
  }

  /// Stores a new revision when the content differs from the latest one.
  func updateUserSecret(_ reference: String, arguments: [String]) throws {
    var secret = try userSecret(reference)
    let content = try userSecretContent(arguments)
    guard !content.isEmpty else { throw UserSecretError.invalidContent("missing secret value or filename") }
    guard content != secretContent(id: secret.id, revision: secret.latest) else { return }
    let revision = secret.latest + 1
    try writeUserSecretRevision(id: secret.id, revision: revision, content: content)
    secret.revisions.append(revision)
    state.secrets[secret.id] = secret
  }

  /// Finds a user secret by name, `secret:<id>` or bare id.
  private func userSecret(_ reference: String) throws -> SecretState {
    let id = reference.hasPrefix("secret:") ? String(reference.dropFirst("secret:".count)) : reference
    let match = state.secrets.values.first { secret in
      secret.owner == Self.userSecretOwner && (secret.id == id || secret.label == reference)
    }
    guard let match else { throw UserSecretError.notFound(reference) }
    return match
  }

  private func userSecretContent(_ arguments: [String]) throws -> [String: String] {
    var content: [String: String] = [:]
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
        throw UserSecretError.invalidContent("expected \"key=value\", got \"\(argument)\"")
      }
      var key = String(argument[..<equals])
      var value = String(argument[argument.index(after: equals)...])
      if key.hasSuffix("#base64") {
        key = String(key.dropLast("#base64".count))
        guard let data = Data(base64Encoded: value) else {
          throw UserSecretError.invalidContent("invalid base64 value for key \"\(key)\"")
        }
        value = String(decoding: data, as: UTF8.self)
      } else if key.hasSuffix("#file") {
        key = String(key.dropLast("#file".count))
        guard let text = Files.read(value) else { throw UserSecretError.invalidContent("cannot read file \"\(value)\"") }
        value = text
      }
      guard key.range(of: Simulator.secretKeyPattern, options: .regularExpression) != nil else {
        throw UserSecretError.invalidContent("invalid key \"\(key)\"")
      }
      content[key] = value
    }
    return content
  }

  private func writeUserSecretRevision(id: String, revision: Int, content: [String: String]) throws {
    let directory = paths.secretsDir + "/" + id
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    chmod(directory, 0o700)
    try Files.write(
      directory + "/\(revision).json", text: JSON.encode(.map(content.mapValues { .string($0) })), mode: 0o600)
  }
}

extension Commands {
  /// `add-secret NAME [k=v ...] [--info TEXT]`: prints the new secret's URI.
  func addSecret(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: ["--info"])
    guard let name = options.positional.first else {
      throw UsageError.missingArgument(command: "add-secret", usage: "add-secret NAME key=value... [--info TEXT]")
    }
    let simulator = try openModel(options)
    let uri = try simulator.addUserSecret(
      name: name, arguments: Array(options.positional.dropFirst()), description: options.last("--info"))
    try simulator.save()
    print(uri)
    return 0
  }

  /// `grant-secret NAME|URI APP[,APP...]`.
  func grantSecret(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    guard options.positional.count == 2 else {
      throw UsageError.missingArgument(command: "grant-secret", usage: "grant-secret NAME|URI APP[,APP...]")
    }
    let simulator = try openModel(options)
    let applications = options.positional[1].split(separator: ",").map(String.init)
    try simulator.grantUserSecret(options.positional[0], applications: applications)
    try simulator.save()
    return 0
  }

  /// `update-secret NAME|URI k=v...`: a new revision, then the hooks it causes.
  func updateSecret(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    guard options.positional.count >= 2 else {
      throw UsageError.missingArgument(command: "update-secret", usage: "update-secret NAME|URI key=value...")
    }
    let simulator = try openModel(options)
    try simulator.updateUserSecret(options.positional[0], arguments: Array(options.positional.dropFirst()))
    try simulator.settle()
    return 0
  }
}
