import Foundation

/// The model-changing commands: deploy, scaling, leadership, config, refresh, resources, actions, faults.
struct Commands {
  let modelOption: String?

  func run(_ command: String, _ arguments: [String]) throws -> Int32 {
    switch command {
    case "deploy": return try deploy(arguments)
    case "add-unit": return try withModel(arguments, valued: ["-n"]) { simulator, options in
        try simulator.prepareAgent()
        try simulator.addUnits(count: try options.count())
      }
    case "remove-unit": return try withModel(arguments) { simulator, options in
        guard !options.positional.isEmpty else {
          throw UsageError.missingArgument(command: "remove-unit", usage: "remove-unit UNIT...")
        }
        try simulator.removeUnits(options.positional)
      }
    case "elect": return try withModel(arguments) { simulator, options in
        guard options.positional.count == 1 else { throw UsageError.missingArgument(command: "elect", usage: "elect UNIT") }
        try simulator.elect(options.positional[0])
      }
    case "config": return try config(arguments)
    case "refresh": return try withModel(arguments, valued: ["--path"]) { simulator, options in
        try simulator.refresh(source: options.last("--path"))
      }
    case "attach-resource": return try withModel(arguments) { simulator, options in
        try simulator.attachResources(options.positional)
      }
    case "update-status": return try withModel(arguments) { simulator, _ in
        for unit in simulator.state.units.values where unit.started && unit.life == .alive && unit.failedHook == nil {
          simulator.state.units[unit.name]!.updateStatusPending = true
        }
      }
    case "resolve": return try withModel(arguments) { simulator, options in
        guard options.positional.count == 1 else { throw UsageError.missingArgument(command: "resolve", usage: "resolve UNIT") }
        try simulator.resolve(options.positional[0])
      }
    case "fault": return try withModel(arguments, settle: false) { simulator, options in
        guard options.positional.count == 2, Simulator.faultModes.contains(options.positional[1]) else {
          throw UsageError.missingArgument(command: "fault", usage: "fault NAME once|always|clear")
        }
        try simulator.setFault(options.positional[0], mode: options.positional[1])
      }
    case "model-config": return try modelConfig(arguments)
    case "add-secret": return try addSecret(arguments)
    case "grant-secret": return try grantSecret(arguments)
    case "update-secret": return try updateSecret(arguments)
    case "run": return try runAction(arguments)
    case "status": return try status(arguments)
    case "show-unit": return try showUnit(arguments)
    case "ssh": return try UnitCommands(modelOption: modelOption).ssh(arguments)
    case "scp": return try UnitCommands(modelOption: modelOption).scp(arguments)
    case "debug-log": return try UnitCommands(modelOption: modelOption).debugLog(arguments)
    case "destroy": return try UnitCommands(modelOption: modelOption).destroy(arguments)
    case "help", "--help", "-h":
      print(CLI.usage)
      return 0
    default: throw UsageError.unknownCommand(command)
    }
  }

  /// Locks the model, loads it, applies `body`, then runs every hook that follows.
  private func withModel(
    _ arguments: [String], valued: Set<String> = [], settle: Bool = true,
    _ body: (Simulator, CommandOptions) throws -> Void
  ) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: valued)
    let simulator = try openModel(options)
    try body(simulator, options)
    if settle { try simulator.settle() } else { try simulator.save() }
    return 0
  }

  func openModel(_ options: CommandOptions) throws -> Simulator {
    let store = ModelStore(paths: ModelPaths.resolve(option: options.last("--model") ?? modelOption))
    try store.lock(create: false)
    return try Simulator(store: store, state: try store.load())
  }

  private func deploy(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: ["-n", "--config", "--storage"])
    guard options.positional.count <= 1 else {
      throw UsageError.missingArgument(
        command: "deploy", usage: "deploy [CHARM] [-n N] [--config k=v]... [--storage NAME=SIZE[,COUNT]]...")
    }
    let store = ModelStore(paths: ModelPaths.resolve(option: options.last("--model") ?? modelOption))
    try store.lock(create: true)
    if store.exists, let existing = try store.load().app { throw ModelError.alreadyDeployed(existing.name) }
    let source = options.positional.first.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
    try CharmSource.stage(source: source, destination: store.paths.charmDir(revision: 1))
    let spec = try CharmSpec.load(directory: store.paths.charmDir(revision: 1))
    var state = ModelState()
    var app = AppState(name: spec.name)
    for (key, value) in try ConfigValidation.parse(options.values["--config"] ?? [], options: spec.options) {
      app.config[key] = value ?? .string("")
    }
    app.storage = try storageDirectives(options.values["--storage"] ?? [], stores: spec.storage)
    state.app = app
    for endpoint in spec.peerEndpoints {
      state.relations.append(RelationState(id: state.nextRelationId, endpoint: endpoint))
      state.nextRelationId += 1
    }
    try store.save(state)
    let simulator = try Simulator(store: store, state: state)
    try simulator.prepareAgent()
    try simulator.addUnits(count: try options.count())
    try simulator.settle()
    return 0
  }

  /// The storage each unit gets: the `--storage` directives, and for a store the charm requires (a minimum count
  /// above zero) its minimum, as `juju deploy` adds by default.
  private func storageDirectives(_ texts: [String], stores: [String: StorageMeta]) throws -> [String: StorageDirective] {
    var directives: [String: StorageDirective] = [:]
    for text in texts {
      let (name, directive) = try StorageDirective.parse(text, stores: stores)
      directives[name] = directive
    }
    for (name, meta) in stores where directives[name] == nil && meta.countMin > 0 {
      directives[name] = StorageDirective(sizeMiB: max(meta.minimumMiB, 1024), count: meta.countMin)
    }
    return directives.filter { $0.value.count > 0 }
  }

  private func config(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    let simulator = try openModel(options)
    if options.positional.isEmpty {
      print(YAML.encode(.map(simulator.effectiveConfig())), terminator: "")
      return 0
    }
    for (key, value) in try ConfigValidation.parse(options.positional, options: simulator.charm.options) {
      simulator.state.app!.config[key] = value
    }
    try simulator.settle()
    return 0
  }

  private func modelConfig(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    let simulator = try openModel(options)
    if options.positional.isEmpty {
      print(YAML.encode(.map(simulator.state.modelConfig.mapValues { .string($0) })), terminator: "")
      return 0
    }
    for argument in options.positional {
      guard let equals = argument.firstIndex(of: "=") else { throw InputError.malformed(argument) }
      let value = String(argument[argument.index(after: equals)...])
      simulator.state.modelConfig[String(argument[..<equals])] = value.isEmpty ? nil : value
    }
    try simulator.save()
    return 0
  }

  private func runAction(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    guard options.positional.count >= 2 else {
      throw UsageError.missingArgument(command: "run", usage: "run UNIT ACTION [k=v]...")
    }
    let simulator = try openModel(options)
    let unit = try simulator.unit(named: options.positional[0])
    let actionName = options.positional[1]
    let parameters = try ActionValidation.parameters(
      action: actionName, arguments: Array(options.positional.dropFirst(2)), actions: simulator.charm.actions)
    let invocation = ActionInvocation(id: simulator.state.nextActionId, name: actionName, parameters: parameters)
    simulator.state.nextActionId += 1
    let outcome = try simulator.runAction(invocation, on: unit.name)
    try simulator.settle()
    if !outcome.results.isEmpty { print(YAML.encode(.map(outcome.results)), terminator: "") }
    if let failure = outcome.failure {
      FileHandle.standardError.write(Data("ERROR action \"\(actionName)\" failed on unit \"\(unit.name)\": \(failure)\n".utf8))
      return 1
    }
    return 0
  }

  private func status(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: ["--format"])
    let format = options.last("--format") ?? "tabular"
    guard ["tabular", "json"].contains(format) else {
      throw UsageError.invalidValue(option: "--format", value: format, expected: "tabular or json")
    }
    let simulator = try openModel(options)
    print(format == "json" ? simulator.statusJSON() : simulator.statusText(), terminator: "")
    return 0
  }
}

extension Simulator {
  /// Stages a new charm revision, copies it into every unit and lets each unit run upgrade-charm.
  func refresh(source: String?) throws {
    let revision = app.charmRevision + 1
    let absolute = source.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
    try CharmSource.stage(source: absolute, destination: paths.charmDir(revision: revision))
    let spec = try CharmSpec.load(directory: paths.charmDir(revision: revision))
    charm = spec
    state.app!.charmRevision = revision
    state.app!.charmVersion += 1
    state.app!.config = app.config.filter { spec.options[$0.key] != nil }
    try prepareAgent()
    for unit in state.sortedUnits {
      try ensureHolder(unit.name)
      try UnitMachine.installCharm(unit: state.units[unit.name]!, paths: paths, charmRevision: revision)
    }
    try save()
  }

  /// Stores `NAME=FILE` resources for the application; each unit then runs upgrade-charm, as in Juju.
  func attachResources(_ arguments: [String]) throws {
    guard !arguments.isEmpty else {
      throw UsageError.missingArgument(command: "attach-resource", usage: "attach-resource NAME=FILE")
    }
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { throw InputError.malformed(argument) }
      let name = String(argument[..<equals])
      let file = String(argument[argument.index(after: equals)...])
      guard FileManager.default.fileExists(atPath: file) else { throw CharmError.missingFile(file) }
      let directory = paths.resourceDir(name: name)
      try? FileManager.default.removeItem(atPath: directory)
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let fileName = (file as NSString).lastPathComponent
      try FileManager.default.copyItem(atPath: file, toPath: directory + "/" + fileName)
      state.app!.resources[name] = fileName
    }
    state.app!.charmVersion += 1
    try save()
  }
}
