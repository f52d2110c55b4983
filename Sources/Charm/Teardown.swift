import HookTools

/// The stop and remove hooks: the unit is leaving, so its services stop and its files go. The state storage's
/// detaching hook stops the services too, before Juju unmounts their state directory.
struct Teardown {
  let tools: HookTools
  let system: System
  let paths: Paths
  let log: Log

  func run(_ event: Event) throws {
    let services = Services(system: system)
    if event.hookName == "state-storage-detaching" {
      // Juju runs this before stop on a dying unit. A unit that stays keeps its services stopped until the next
      // hook starts them again on the root file system's /var/lib/openclaw.
      for service in [CharmIdentity.gatewayService, CharmIdentity.nodeService]
      where system.readFile(paths.unitFile(service)) != nil {
        try services.disableAndStop(service)
        log.info("Stopped \(service) before the state storage detaches")
      }
      return
    }
    if event.hookName == "stop" {
      for service in [CharmIdentity.gatewayService, CharmIdentity.nodeService]
      where system.readFile(paths.unitFile(service)) != nil {
        try services.disableAndStop(service)
        log.info("Stopped \(service)")
      }
      for port in try tools.openedPorts() {
        try tools.closePort(port)
      }
      return
    }

    // remove: the secrets and units go with the unit; the state directory stays for a later redeploy.
    let files = [
      paths.unitFile(CharmIdentity.gatewayService), paths.unitFile(CharmIdentity.nodeService),
      paths.gatewayEnvironment, paths.nodeEnvironment, paths.stateFile,
    ]
    var removedUnit = false
    for path in files where try system.removeFile(path) {
      removedUnit = removedUnit || path.hasPrefix(paths.systemdDirectory)
      log.info("Removed \(path)")
    }
    if removedUnit { try services.daemonReload() }
  }
}
