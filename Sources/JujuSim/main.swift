import Foundation

// Started under a hook tool's name (a link in the unit's tools directory), juju-sim is that tool's client;
// otherwise it is the command-line simulator.
let invokedName = (CommandLine.arguments[0] as NSString).lastPathComponent
if UnitMachine.hookToolNames.contains(invokedName) {
  exit(ToolClient.run(tool: invokedName, arguments: Array(CommandLine.arguments.dropFirst())))
}
umask(0o022)
exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
