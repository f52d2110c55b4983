import Foundation

/// Fault injection. The simulator applies a hook-tool fault when the tool is called. The stand-in on the unit
/// applies a service-command fault such as `systemctl start`. Before each hook the simulator writes the active
/// faults to `/var/lib/juju-sim/faults.json` in the unit. A stand-in that uses a `once` fault appends its name as
/// one line to `/var/lib/juju-sim/faults-used`, and after the hook the simulator clears those faults model-wide.
extension Simulator {
  static let faultModes = ["once", "always", "clear"]

  func setFault(_ name: String, mode: String) throws {
    state.faults[name] = mode == "clear" ? nil : mode
    try save()
    for unit in state.units.values {
      writeFaults(for: unit)
    }
  }

  func writeFaults(for unit: UnitState) {
    let faults = Value.map(state.faults.mapValues { .string($0) })
    try? Files.write(paths.unitSimDir(tag: unit.tag) + "/faults.json", text: JSON.encode(faults) + "\n", mode: 0o644)
  }

  func consumeServiceFaults(for unit: UnitState) {
    let usedPath = paths.unitSimDir(tag: unit.tag) + "/faults-used"
    guard let text = Files.read(usedPath) else { return }
    try? FileManager.default.removeItem(atPath: usedPath)
    for name in text.split(separator: "\n").map(String.init) where state.faults[name] == "once" {
      state.faults[name] = nil
      log(tag: unit.tag, level: "INFO", logger: "juju-sim.fault", "fault \"\(name)\" used once and cleared")
    }
    writeFaults(for: unit)
  }
}
