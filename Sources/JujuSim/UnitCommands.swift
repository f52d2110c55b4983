import Foundation
import Glibc

/// Errors of commands that reach into a unit.
enum UnitCommandError: Error, CustomStringConvertible {
  case invalidTarget(String)
  case copyFailed(String)

  var description: String {
    switch self {
    case .invalidTarget(let arguments):
      return "expected UNIT:PATH DEST or SRC UNIT:PATH, got \(arguments)"
    case .copyFailed(let output):
      return "copy failed: \(output)"
    }
  }
}

/// Commands that work inside units or on the model as a whole: ssh, scp, debug-log, destroy.
struct UnitCommands {
  let modelOption: String?

  private func open(_ options: CommandOptions) throws -> Simulator {
    try Commands(modelOption: modelOption).openModel(options)
  }

  /// Runs `/bin/sh -c COMMAND` as root in the unit with this process's stdin, stdout and stderr.
  func ssh(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [], stopAfter: 1)
    guard options.positional.count >= 2 else { throw UsageError.missingArgument(command: "ssh", usage: "ssh UNIT COMMAND...") }
    let simulator = try open(options)
    let unitName = try simulator.unit(named: options.positional[0]).name
    try simulator.ensureHolder(unitName)
    let unit = simulator.state.units[unitName]!
    simulator.store.unlock()
    let command = options.positional.dropFirst().joined(separator: " ")
    var environment = [
      "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
      "USER": "root", "LOGNAME": "root",
    ]
    environment["TERM"] = ProcessInfo.processInfo.environment["TERM"]
    let pid = try Spawn.start(
      UnitMachine.nsenter,
      UnitMachine.enterArguments(unit: unit, paths: simulator.paths, directory: "/root", command: ["/bin/sh", "-c", command]),
      environment: environment, stdin: 0, stdout: 1, stderr: 2)
    return Spawn.wait(pid)
  }

  /// Copies one file out of a unit (`UNIT:PATH DEST`) or into one (`SRC UNIT:PATH`).
  func scp(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    guard options.positional.count == 2 else { throw UnitCommandError.invalidTarget(options.positional.joined(separator: " ")) }
    let (source, destination) = (options.positional[0], options.positional[1])
    let simulator = try open(options)
    if let (unitName, path) = splitTarget(source) {
      let unit = try simulator.unit(named: unitName)
      try simulator.ensureHolder(unit.name)
      // The first line is the file's mode: like scp, a new copy gets the mode of the original.
      let result = try UnitMachine.runScript(
        unit: simulator.state.units[unit.name]!, paths: simulator.paths, script: "stat -c %a \"$1\" && base64 < \"$1\"",
        arguments: [path])
      let lines = result.output.split(separator: "\n", maxSplits: 1)
      guard result.status == 0, lines.count == 2, let mode = Int(lines[0], radix: 8),
        let data = Data(base64Encoded: String(lines[1]), options: .ignoreUnknownCharacters)
      else {
        throw UnitCommandError.copyFailed(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      var target = destination
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
        target += "/" + (path as NSString).lastPathComponent
      }
      let existed = FileManager.default.fileExists(atPath: target)
      guard FileManager.default.createFile(atPath: target, contents: data, attributes: existed ? nil : [.posixPermissions: mode])
      else {
        throw UnitCommandError.copyFailed("cannot write \(target)")
      }
      return 0
    }
    guard let (unitName, path) = splitTarget(destination) else {
      throw UnitCommandError.invalidTarget(options.positional.joined(separator: " "))
    }
    let unit = try simulator.unit(named: unitName)
    try simulator.ensureHolder(unit.name)
    guard let data = FileManager.default.contents(atPath: source) else { throw CharmError.missingFile(source) }
    let mode = (try? FileManager.default.attributesOfItem(atPath: source)[.posixPermissions] as? Int) ?? 0o644
    let script = "set -e; target=\"$1\"; if [ -d \"$target\" ]; then target=\"$target/$2\"; fi; cat > \"$target\"; chmod \"$3\" \"$target\""
    let result = try UnitMachine.runScript(
      unit: simulator.state.units[unit.name]!, paths: simulator.paths, script: script,
      arguments: [path, (source as NSString).lastPathComponent, String(mode, radix: 8)], input: data)
    guard result.status == 0 else { throw UnitCommandError.copyFailed(result.output) }
    return 0
  }

  /// Splits `app/0:/path` into the unit and the path; nil for a host path.
  private func splitTarget(_ text: String) -> (String, String)? {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let unit = String(text[..<colon])
    guard unit.contains("/"), !unit.hasPrefix("/"), !unit.hasPrefix(".") else { return nil }
    return (unit, String(text[text.index(after: colon)...]))
  }

  func debugLog(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    let paths = ModelPaths.resolve(option: options.last("--model") ?? modelOption)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: paths.logsDir)) ?? []
    let wanted = options.positional.first.map { $0.replacingOccurrences(of: "/", with: "-") + ".log" }
    for file in files.sorted() where wanted == nil || file == wanted {
      print(Files.read(paths.logsDir + "/" + file) ?? "", terminator: "")
    }
    return 0
  }

  /// Kills every process of the model (services started in units included), which drops its mounts with the
  /// mount namespaces, releases its addresses and removes the model directory.
  func destroy(_ arguments: [String]) throws -> Int32 {
    let options = try CommandOptions(arguments, valued: [])
    let paths = ModelPaths.resolve(option: options.last("--model") ?? modelOption)
    guard FileManager.default.fileExists(atPath: paths.root) else { return 0 }
    let store = ModelStore(paths: paths)
    try store.lock(create: false)
    if let state = try? store.load() {
      for unit in state.units.values {
        UnitMachine.killAll(namespace: unit.mountNamespace, holderPid: unit.holderPid)
      }
    }
    killChrootedProcesses(under: paths.unitsDir + "/")
    try AddressRegistry.release(model: paths.root, unit: nil)
    try FileManager.default.removeItem(atPath: paths.root)
    return 0
  }

  /// Kills processes whose root directory lies under `prefix`: a fallback for a model whose state is lost.
  private func killChrootedProcesses(under prefix: String) {
    for _ in 0..<50 {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      let pids = entries.compactMap { entry -> pid_t? in
        guard let pid = pid_t(entry), let root = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root"),
          root.hasPrefix(prefix)
        else { return nil }
        return pid
      }
      if pids.isEmpty { return }
      for pid in pids { kill(pid, SIGKILL) }
      usleep(50_000)
    }
  }
}
