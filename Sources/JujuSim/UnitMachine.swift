import Foundation
import Glibc

/// Errors setting up or entering a unit's machine.
enum UnitMachineError: Error, CustomStringConvertible {
  case holderFailed(unit: String, output: String)
  case setupFailed(unit: String, output: String)

  var description: String {
    switch self {
    case .holderFailed(let unit, let output):
      return "cannot start the mount namespace of \(unit) (juju-sim needs root and overlayfs): \(output)"
    case .setupFailed(let unit, let output):
      return "cannot place files in \(unit): \(output)"
    }
  }
}

/// A unit's machine: an overlay of `/` mounted in a private mount namespace that a holder process keeps alive.
/// Every hook, service and `ssh` command of the unit enters that namespace with `nsenter` and chroots into the
/// overlay, so writes to `/etc` or `/var/lib` land in the unit's upper directory and the host stays untouched.
enum UnitMachine {
  static let nsenter = "/usr/bin/nsenter"
  static let chroot = "/usr/sbin/chroot"
  static let hookToolNames = [
    "action-fail", "action-get", "action-log", "action-set", "application-version-set", "close-port", "config-get",
    "is-leader", "juju-log", "leader-get", "leader-set", "network-get", "open-port", "opened-ports", "relation-get",
    "relation-ids", "relation-list", "relation-set", "resource-get", "secret-add", "secret-get", "secret-grant",
    "secret-ids", "secret-info-get", "secret-remove", "secret-revoke", "secret-set", "state-delete", "state-get",
    "state-set", "status-get", "status-set", "storage-get", "storage-list", "unit-get",
  ]

  /// Mounts the overlay and binds, then parks as `sleep infinity`. Prints `ready` once everything is mounted.
  private static let holderScript = """
    set -e
    unit_dir="$1"; agent_dir="$2"; root="$unit_dir/root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$unit_dir/upper,workdir=$unit_dir/work" "$root"
    for fs in proc dev sys; do mount --rbind "/$fs" "$root/$fs"; done
    mkdir -p "$root/var/lib/juju-sim" "$root/opt/juju-sim/agent"
    mount --bind "$unit_dir/sim" "$root/var/lib/juju-sim"
    mount --bind "$agent_dir" "$root/opt/juju-sim/agent"
    echo ready
    exec sleep infinity </dev/null >/dev/null 2>&1
    """

  /// Starts the holder of `unit`; returns its pid and mount namespace (`mnt:[inode]`).
  static func startHolder(paths: ModelPaths, unit: UnitState) throws -> (pid: pid_t, namespace: String) {
    let unitDir = paths.unitDir(tag: unit.tag)
    for name in ["upper", "work", "root", "sim"] {
      try FileManager.default.createDirectory(atPath: unitDir + "/" + name, withIntermediateDirectories: true)
      chmod(unitDir + "/" + name, 0o755)
    }
    chmod(unitDir, 0o700)
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw SpawnError.openFailed(path: "pipe", errno: errno) }
    _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
    let devNull = try Spawn.openFile("/dev/null", flags: O_RDONLY)
    defer { close(devNull) }
    let pid: pid_t
    do {
      pid = try Spawn.start(
        "/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", holderScript, "holder", unitDir, paths.agentDir],
        environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], stdin: devNull, stdout: pipeEnds[1], stderr: pipeEnds[1],
        newSession: true)
    } catch {
      close(pipeEnds[0])
      close(pipeEnds[1])
      throw error
    }
    close(pipeEnds[1])
    let output = String(decoding: SocketIO.readAll(pipeEnds[0]), as: UTF8.self)
    close(pipeEnds[0])
    guard output.contains("ready"), kill(pid, 0) == 0 else {
      _ = Spawn.poll(pid)
      throw UnitMachineError.holderFailed(unit: unit.name, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return (pid, namespace(of: pid) ?? "")
  }

  /// Returns the mount namespace link of a process, nil when it no longer exists.
  static func namespace(of pid: pid_t) -> String? {
    try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt")
  }

  /// True when the holder still runs in the namespace recorded for the unit.
  static func holderAlive(_ unit: UnitState, namespace: String) -> Bool {
    unit.holderPid > 0 && !namespace.isEmpty && self.namespace(of: unit.holderPid) == namespace
  }

  /// Arguments that run `command` as root inside the unit, with `directory` as the working directory.
  static func enterArguments(unit: UnitState, paths: ModelPaths, directory: String, command: [String]) -> [String] {
    ["-t", String(unit.holderPid), "-m", chroot, paths.unitRoot(tag: unit.tag), "/usr/bin/env", "-C", directory] + command
  }

  /// Runs a short shell script inside the unit and returns its exit code and output.
  static func runScript(unit: UnitState, paths: ModelPaths, script: String, arguments: [String] = [], input: Data? = nil)
    throws -> Spawn.Result
  {
    let command = ["/bin/sh", "-c", script, "sh"] + arguments
    return try Spawn.run(
      nsenter, enterArguments(unit: unit, paths: paths, directory: "/", command: command),
      environment: ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"],
      input: input)
  }

  /// Where each stand-in goes in a unit. node, npm and openclaw are not among them: they appear only when the
  /// charm installs the nodejs package and OpenClaw.
  static let standInLinks = ["/usr/bin/systemctl", "/usr/bin/apt-get", "/usr/bin/curl", "/usr/bin/gpg", "/usr/sbin/useradd"]

  /// Makes the unit a machine without Node.js: the host's nodejs package (files and dpkg entry) and any OpenClaw
  /// are deleted from the unit's overlay only, so the charm's install starts as on a bare Ubuntu machine.
  private static let removeHostNodeScript = """
    rm -rf /usr/bin/node /usr/bin/nodejs /usr/bin/npm /usr/bin/npx /usr/bin/corepack /usr/bin/openclaw \\
          /usr/local/bin/openclaw /usr/lib/node_modules /usr/include/node /usr/share/doc/nodejs \\
          /etc/alternatives/nodejs /var/lib/dpkg/info/nodejs.*
        if grep -q '^Package: nodejs$' /var/lib/dpkg/status 2>/dev/null; then
          awk 'BEGIN { RS = ""; ORS = "\\n\\n" } $0 !~ /^Package: nodejs\\n/' /var/lib/dpkg/status > /var/lib/dpkg/status.juju-sim
          mv /var/lib/dpkg/status.juju-sim /var/lib/dpkg/status
        fi
    """

  /// Binds a storage directory of the model at `location` in the unit (inside its mount namespace only).
  static func bind(unit: UnitState, paths: ModelPaths, source: String, location: String) throws {
    let script = "set -e; mkdir -p \"$2\"; mountpoint -q \"$2\" || mount --bind \"$1\" \"$2\""
    let result = try Spawn.run(
      nsenter, ["-t", String(unit.holderPid), "-m", "/bin/sh", "-c", script, "sh", source, paths.unitRoot(tag: unit.tag) + location],
      environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    guard result.status == 0 else { throw UnitMachineError.setupFailed(unit: unit.name, output: result.output) }
  }

  /// Unmounts a storage location in the unit; lazily, so files a service still holds open do not block it.
  static func unbind(unit: UnitState, paths: ModelPaths, location: String) {
    _ = try? Spawn.run(
      nsenter, ["-t", String(unit.holderPid), "-m", "/bin/umount", "-l", paths.unitRoot(tag: unit.tag) + location],
      environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
  }

  /// Places the hook tools, the charm, the agent socket link and the stand-ins in a new unit.
  static func setUp(unit: UnitState, paths: ModelPaths, charmRevision: Int) throws {
    let tools = UnitPaths.toolsDir(unit)
    let links = hookToolNames.map { "ln -sf \(UnitPaths.agentMount)/bin/juju-sim \(tools)/\($0)" }.joined(separator: "\n")
    let script = """
      set -e
      umask 022
      mkdir -p \(tools) \(UnitPaths.charmDir(unit)) /var/log/juju-sim
      \(links)
      ln -sf \(UnitPaths.agentMount)/hooks.sock \(UnitPaths.socketLink(unit))
      cp -a \(UnitPaths.agentMount)/charms/\(charmRevision)/. \(UnitPaths.charmDir(unit))/
      if [ -d \(UnitPaths.agentMount)/stand-ins ]; then
        rm -rf \(UnitPaths.standIns)
        cp -a \(UnitPaths.agentMount)/stand-ins \(UnitPaths.standIns)
        chmod 755 /opt/juju-sim \(UnitPaths.standIns)
        \(removeHostNodeScript)
        for target in \(standInLinks.joined(separator: " ")); do
          name=${target##*/}
          if [ -f \(UnitPaths.standIns)/$name ]; then ln -sf \(UnitPaths.standIns)/$name $target; fi
        done
      fi
      """
    let result = try runScript(unit: unit, paths: paths, script: script)
    guard result.status == 0 else { throw UnitMachineError.setupFailed(unit: unit.name, output: result.output) }
  }

  /// Copies a charm revision over the unit's charm directory, keeping files the charm wrote there.
  static func installCharm(unit: UnitState, paths: ModelPaths, charmRevision: Int) throws {
    let script = "set -e; cp -a \(UnitPaths.agentMount)/charms/\(charmRevision)/. \(UnitPaths.charmDir(unit))/"
    let result = try runScript(unit: unit, paths: paths, script: script)
    guard result.status == 0 else { throw UnitMachineError.setupFailed(unit: unit.name, output: result.output) }
  }

  /// Kills every process in the unit's mount namespace (services a hook left running included) and waits until
  /// none remains, at most about five seconds.
  static func killAll(namespace: String, holderPid: pid_t) {
    guard !namespace.isEmpty else { return }
    // An open descriptor of the namespace keeps it alive until every member is gone. Without it, the kernel may
    // give its inode number to a unit that another model creates meanwhile, and this loop would kill that unit.
    var pin: Int32 = -1
    for pid in [holderPid] + processes(in: namespace) where pin < 0 {
      let fd = open("/proc/\(pid)/ns/mnt", O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { continue }
      if self.namespace(of: pid) == namespace { pin = fd } else { close(fd) }
    }
    defer { if pin >= 0 { close(pin) } }
    for _ in 0..<100 {
      let members = processes(in: namespace)
      if members.isEmpty { break }
      for pid in members { kill(pid, SIGKILL) }
      if members.contains(holderPid) { _ = Spawn.poll(holderPid) }
      usleep(50_000)
    }
  }

  /// Lists the pids whose mount namespace is `namespace`, zombies excluded.
  static func processes(in namespace: String) -> [pid_t] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return entries.compactMap { entry -> pid_t? in
      guard let pid = pid_t(entry), self.namespace(of: pid) == namespace else { return nil }
      if let stat = Files.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") {
        let state = stat[stat.index(close, offsetBy: 2)]
        if state == "Z" { return nil }
      }
      return pid
    }
  }
}
