#if canImport(Glibc)
import Glibc
#endif
import Charm
import HookTools

// Juju runs `dispatch`, which sets JUJU_DISPATCH_PATH; runs from the source tree start through hooks/<name> links.
let environment = Subprocess.currentEnvironment()
let event = Event.from(
  dispatchPath: environment["JUJU_DISPATCH_PATH"], executablePath: CommandLine.arguments.first ?? "")
guard let event else { exit(0) }

let charmDirectory = environment["JUJU_CHARM_DIR"] ?? "."
let charm = Charm(
  tools: HookTools(), system: HostSystem(), environment: environment, paths: Paths(charmDirectory: charmDirectory))
exit(charm.handle(event))
