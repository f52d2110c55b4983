import Foundation

/// `juju-sim status`: a table like `juju status`, or JSON in the shape of `juju status --format=json`.
extension Simulator {
  /// The workload status and message `juju status` shows: a failed hook reads as `error`.
  func displayedWorkload(_ unit: UnitState) -> StatusValue {
    if let failed = unit.failedHook { return StatusValue(status: "error", message: "hook failed: \"\(failed.name)\"") }
    return unit.workload
  }

  func statusText() -> String {
    let time = ISO8601DateFormatter().string(from: Date()).split(separator: "T").last.map(String.init) ?? ""
    var output = table([
      ["Model", "Controller", "Cloud/Region", "Version", "Timestamp"],
      [state.name, "juju-sim", "local/localhost", "3.6.14", time],
    ])
    let application = applicationStatus()
    output += "\n" + table([
      ["App", "Version", "Status", "Scale", "Charm", "Rev", "Message"],
      [app.name, app.version, application.status, String(state.units.count), app.name, String(app.charmRevision), application.message],
    ])
    var rows = [["Unit", "Workload", "Agent", "Address", "Ports", "Message"]]
    for unit in state.sortedUnits {
      let workload = displayedWorkload(unit)
      let agent = unit.life == .dying ? "executing" : "idle"
      rows.append([
        unit.name + (state.leader == unit.name ? "*" : ""), workload.status, agent, unit.address,
        unit.ports.sorted().map(\.text).joined(separator: ","), workload.message,
      ])
    }
    output += "\n" + table(rows)
    return output
  }

  /// Left-aligned columns separated by two spaces, trailing spaces trimmed.
  private func table(_ rows: [[String]]) -> String {
    let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      var line = ""
      for (column, cell) in row.enumerated() {
        line += column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
      }
      return line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
    }.joined()
  }

  func statusJSON() -> String {
    var units: [String: Value] = [:]
    var machines: [String: Value] = [:]
    for unit in state.sortedUnits {
      let workload = displayedWorkload(unit)
      var workloadEntry: [String: Value] = ["current": .string(workload.status)]
      if !workload.message.isEmpty { workloadEntry["message"] = .string(workload.message) }
      var entry: [String: Value] = [
        "workload-status": .map(workloadEntry),
        "juju-status": .map(["current": .string(unit.life == .dying ? "executing" : "idle")]),
        "machine": .string(unit.machine),
        "public-address": .string(unit.address),
      ]
      if state.leader == unit.name { entry["leader"] = .bool(true) }
      if !unit.ports.isEmpty { entry["open-ports"] = .list(unit.ports.sorted().map { .string($0.text) }) }
      units[unit.name] = .map(entry)
      machines[unit.machine] = .map([
        "juju-status": .map(["current": .string("started")]),
        "dns-name": .string(unit.address),
        "ip-addresses": .list([.string(unit.address)]),
      ])
    }
    let application = applicationStatus()
    var applicationStatusEntry: [String: Value] = ["current": .string(application.status)]
    if !application.message.isEmpty { applicationStatusEntry["message"] = .string(application.message) }
    var appEntry: [String: Value] = [
      "charm": .string(app.name),
      "charm-rev": .int(app.charmRevision),
      "exposed": .bool(false),
      "application-status": .map(applicationStatusEntry),
    ]
    if !units.isEmpty { appEntry["units"] = .map(units) }
    if !app.version.isEmpty { appEntry["version"] = .string(app.version) }
    var document: [String: Value] = [
      "model": .map([
        "name": .string(state.name), "type": .string("iaas"), "controller": .string("juju-sim"),
        "cloud": .string("local"), "version": .string("3.6.14"),
      ]),
      "machines": .map(machines),
      "applications": .map([app.name: .map(appEntry)]),
    ]
    if !state.storage.isEmpty { document["storage"] = .map(["storage": .map(storageEntries())]) }
    return JSON.encode(.map(document)) + "\n"
  }

  /// Storage instances in the shape of `juju status --storage --format=json`: attached ones with their unit and
  /// location, detached ones with status `detached`.
  private func storageEntries() -> [String: Value] {
    state.storage.mapValues { instance in
      var entry: [String: Value] = [
        "kind": .string(instance.kind), "life": .string("alive"), "persistent": .bool(false),
        "status": .map(["current": .string(instance.unit == nil ? "detached" : "attached")]),
      ]
      if let unit = instance.unit {
        entry["attachments"] = .map([
          "units": .map([unit: .map(["location": .string(instance.location), "life": .string("alive")])])
        ])
      }
      return .map(entry)
    }
  }
}
