import HookTools
import Roles

/// The workload a unit runs: the gateway or a node.
public enum Role: String, Sendable {
  case gateway, node
}

/// A workload status and its message.
public struct UnitStatus: Equatable, Sendable, CustomStringConvertible {
  public var status: WorkloadStatus
  public var message: String

  public init(_ status: WorkloadStatus, _ message: String) {
    self.status = status
    self.message = message
  }

  public var description: String { "\(status.rawValue): \(message)" }
}

/// Whether one service should run, and a digest of every input whose change needs a restart.
public struct ServicePlan: Equatable, Sendable {
  public var name: String
  public var running: Bool
  public var inputDigest: String

  public init(name: String, running: Bool, inputDigest: String = "") {
    self.name = name
    self.running = running
    self.inputDigest = inputDigest
  }
}

/// The desired state of one unit: the output of `Planner.plan`, the input of `Converger`.
public struct Plan: Equatable, Sendable {
  /// Whether converging touches files, services and ports at all; false keeps the unit as it is.
  public var changesWorkload: Bool
  public var role: Role?
  public var files: [ManagedFile] = []
  public var removedFiles: [String] = []
  /// Services in the order to converge them; stopping ones come first.
  public var services: [ServicePlan] = []
  public var ports: [String] = []
  /// Keys of the peer application databag to write; an empty value deletes the key. Leader only.
  public var appDataChanges: [String: String] = [:]
  /// Whether the leader must store `Inputs.token` in a new Juju secret and publish its id.
  public var createsTokenSecret = false
  public var status: UnitStatus
  /// Whether the leader runs the pairing pass, approving the requests of peer units.
  public var runsPairing = false
  /// For a node that should run: where it connects, so the converger can check the connection.
  public var node: NodeSettings?
  public var state: LocalState

  /// Returns a plan that leaves files, services and ports as they are and only sets `status`.
  public static func keep(_ state: LocalState, _ status: UnitStatus) -> Plan {
    Plan(changesWorkload: false, status: status, state: state)
  }
}
