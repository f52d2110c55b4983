import Foundation

/// Errors in how a juju-sim command was called.
enum UsageError: Error, CustomStringConvertible {
  case unknownCommand(String)
  case missingArgument(command: String, usage: String)
  case invalidValue(option: String, value: String, expected: String)
  case unknownOption(String)

  var description: String {
    switch self {
    case .unknownCommand(let name):
      return "unknown command \"\(name)\"; run `juju-sim help` for the list"
    case .missingArgument(let command, let usage):
      return "missing arguments for \(command); usage: juju-sim \(usage)"
    case .invalidValue(let option, let value, let expected):
      return "invalid value \"\(value)\" for \(option): expected \(expected)"
    case .unknownOption(let option):
      return "option provided but not defined: \(option)"
    }
  }
}

/// Parsed options of one juju-sim command. `--model` is accepted by every command.
struct CommandOptions {
  var values: [String: [String]] = [:]
  var positional: [String] = []

  /// Parses `arguments`; options named in `valued` take a value. With `stopAfter`, everything after that many
  /// positional arguments is positional (the command of `ssh`).
  init(_ arguments: [String], valued: Set<String>, flags: Set<String> = [], stopAfter: Int? = nil) throws {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if let stopAfter, positional.count >= stopAfter {
        positional.append(argument)
        continue
      }
      if argument == "--" {
        positional += arguments[index...]
        break
      }
      guard argument.hasPrefix("-"), argument.count > 1 else {
        positional.append(argument)
        continue
      }
      var name = argument
      var inline: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inline = String(argument[argument.index(after: equals)...])
      }
      if valued.contains(name) || name == "--model" {
        guard let value = inline ?? (index < arguments.count ? arguments[index] : nil) else {
          throw UsageError.invalidValue(option: name, value: "", expected: "a value")
        }
        if inline == nil { index += 1 }
        values[name, default: []].append(value)
      } else if flags.contains(name) {
        values[name, default: []].append("true")
      } else {
        throw UsageError.unknownOption(name)
      }
    }
  }

  func last(_ name: String) -> String? { values[name]?.last }

  func count(_ name: String = "-n") throws -> Int {
    guard let text = last(name) else { return 1 }
    guard let number = Int(text), number >= 0 else {
      throw UsageError.invalidValue(option: name, value: text, expected: "a whole number of units")
    }
    return number
  }
}

/// The `juju-sim` command line.
enum CLI {
  static let usage = """
    Usage: juju-sim [--model DIR] COMMAND [ARGUMENTS]
    A local Juju model for one machine charm. The model directory is --model, else $JUJU_SIM_MODEL,
    else .juju-sim in the current directory. Every command runs the hooks it causes before it returns.

    Commands:
      deploy [CHARM] [-n N] [--config k=v]... [--storage NAME=SIZE[,COUNT]]...
                                               deploy a charm directory or .charm file (default: the source tree)
      add-unit [-n N]                          add N units (default 1)
      remove-unit UNIT...                      remove units
      elect UNIT                               move leadership to UNIT
      config [k=v ...]                         set options (k= resets to the default) or print them
      refresh [--path DIR|FILE]                upgrade the charm (default: the source tree)
      attach-resource NAME=FILE                attach a resource; every unit runs upgrade-charm
      update-status                            run update-status on every started unit
      run UNIT|APP/leader ACTION [k=v]...      run an action and print its results as YAML
      ssh UNIT COMMAND...                      run /bin/sh -c COMMAND as root on the unit
      scp UNIT:PATH DEST | SRC UNIT:PATH       copy a file out of or into a unit
      status [--format json]                   print the model status
      show-unit UNIT... [--format json]        print a unit's leadership, ports and relation data
      resolve UNIT                             retry the hook that failed on UNIT
      fault NAME once|always|clear             make a hook tool or service command fail
      model-config [k=v ...]                   set or print model config (juju-http-proxy and the like)
      add-secret NAME k=v... [--info TEXT]     create a user secret and print its URI
      grant-secret NAME|URI APP[,APP...]       let an application's units read a user secret
      update-secret NAME|URI k=v...            store a new revision of a user secret
      debug-log [UNIT]                         print the unit logs
      destroy                                  end every process of the model and remove it
    """

  /// Runs one command and returns the process exit code.
  static func main(_ arguments: [String]) -> Int32 {
    var arguments = arguments
    var modelOption: String?
    while let first = arguments.first, first.hasPrefix("--model") {
      arguments.removeFirst()
      if first.hasPrefix("--model=") {
        modelOption = String(first.dropFirst("--model=".count))
      } else if !arguments.isEmpty {
        modelOption = arguments.removeFirst()
      }
    }
    guard let command = arguments.first else {
      print(usage)
      return 2
    }
    let rest = Array(arguments.dropFirst())
    do {
      let commands = Commands(modelOption: modelOption)
      return try commands.run(command, rest)
    } catch let error as UsageError {
      FileHandle.standardError.write(Data("ERROR \(error.description)\n".utf8))
      return 2
    } catch {
      FileHandle.standardError.write(Data("ERROR \(error)\n".utf8))
      return 1
    }
  }
}
