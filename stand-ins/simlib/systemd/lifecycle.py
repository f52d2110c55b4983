"""The verbs that start and stop services: start, stop, restart and their variants."""

import math
import os
import signal
import sys
import time

from simlib.systemd import loader, paths, process, state
from simlib.systemd.launch import launch_supervisor
from simlib.systemd.runtime import current_state, main_alive, supervisor_alive

# Maximum time `systemctl start` waits for the supervisor's report of the first start.
START_REPORT_TIMEOUT = 90.0


class CommandError(Exception):
    """A verb failed; the message goes to stderr and exit_code is systemctl's exit status."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def warn(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def append_to_unit_log(unit: str, lines: list[str]) -> None:
    path = paths.log_path(unit)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(f"systemd: {line}\n")


def load_for_job(unit: str, verb: str):
    """Return the loaded definition of unit, printing load warnings and the reload hint."""
    definition, loaded_now = loader.load_definition(unit)
    if definition is None:
        missing = "not loaded" if verb == "stop" else "not found"
        raise CommandError(f"Failed to {verb} {unit}: Unit {unit} {missing}.", 5)
    if loaded_now and definition.warnings:
        for line in definition.warnings:
            warn(line)
        append_to_unit_log(unit, definition.warnings)
    if loader.changed_on_disk(unit):
        warn(f"Warning: The unit file, source configuration file or drop-ins of {unit} changed on disk. "
             "Run 'systemctl daemon-reload' to reload units.")
    return definition


def _kill_orphan(runtime: dict) -> None:
    """Kill a main process whose supervisor was killed from outside."""
    if main_alive(runtime):
        process.signal_group(runtime["mainPid"], signal.SIGKILL)


def start_unit(unit: str) -> None:
    definition = load_for_job(unit, "start")
    if definition.fatal_errors:
        append_to_unit_log(unit, definition.fatal_errors)
        for line in definition.fatal_errors:
            warn(line)
        raise CommandError(f"Failed to start {unit}: Unit {unit} has a bad unit file setting.\n"
                           f"See system logs and 'systemctl status {unit}' for details.")
    with state.unit_lock(unit):
        runtime = state.read_runtime(unit)
        if supervisor_alive(runtime):
            return
        _kill_orphan(runtime)
        report = launch_supervisor(unit, START_REPORT_TIMEOUT)
    if report.get("ok"):
        return
    hint = f'See "systemctl status {unit}" and "journalctl -xeu {unit}" for details.'
    if report.get("result") == "resources":
        raise CommandError(f"Job for {unit} failed because of unavailable resources or another system error.\n"
                           + hint)
    raise CommandError(f"Job for {unit} failed because the control process exited with error code.\n" + hint)


def _wait_for_exit(runtime: dict, timeout: float) -> bool:
    deadline = time.monotonic() + (timeout if math.isfinite(timeout) else 24 * 3600)
    while supervisor_alive(runtime):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def stop_unit(unit: str, verb: str = "stop") -> None:
    definition = load_for_job(unit, verb)
    with state.unit_lock(unit):
        runtime = state.read_runtime(unit)
        if not supervisor_alive(runtime):
            _kill_orphan(runtime)
            return
        process.signal_process(runtime["supervisorPid"], signal.SIGTERM)
        # The supervisor escalates to SIGKILL after TimeoutStopSec=, so allow that plus a margin.
        if not _wait_for_exit(runtime, definition.timeout_stop_sec + 10.0):
            raise CommandError(f"Failed to {verb} {unit}: Connection timed out")


def restart_unit(unit: str) -> None:
    load_for_job(unit, "restart")
    active, _, _ = current_state(unit)
    if active in ("active", "activating", "deactivating"):
        stop_unit(unit, "restart")
    start_unit(unit)


def try_restart_unit(unit: str) -> None:
    active, _, _ = current_state(unit)
    if active in ("active", "activating"):
        restart_unit(unit)


def reload_unit(unit: str) -> None:
    definition = load_for_job(unit, "reload")
    if "Service.ExecReload" in definition.ignored_keys:
        raise CommandError(f"Failed to reload {unit}: ExecReload= is not simulated by the systemctl stand-in; "
                           "use restart.")
    raise CommandError(f"Failed to reload {unit}: Job type reload is not applicable for unit {unit}.")


def kill_unit(unit: str, signum: int, whom: str) -> None:
    _, _, runtime = current_state(unit)
    if not main_alive(runtime):
        raise CommandError(f"Failed to kill unit {unit}: No main process to kill")
    if whom == "main":
        process.signal_process(runtime["mainPid"], signum)
    else:
        process.signal_group(runtime["mainPid"], signum)


def reset_failed_unit(unit: str) -> None:
    with state.unit_lock(unit):
        active, _, runtime = current_state(unit)
        if active == "failed":
            runtime.update(activeState="inactive", subState="dead", result="success", nRestarts=0,
                           supervisorPid=None, mainPid=None)
            state.write_runtime(unit, runtime)


# daemon-reload reads every unit in these directories, where administrators and charms
# write units. Vendor units under /usr/lib are loaded at first use, then reloaded too.
ADMIN_DIRECTORIES = ("/etc/systemd/system", "/run/systemd/system")


def _admin_unit_files() -> set[str]:
    names = set()
    for directory in ADMIN_DIRECTORIES:
        try:
            entries = os.listdir(paths.host_path(directory))
        except OSError:
            continue
        for entry in entries:
            # Templates (name@.service) are loaded only through an instance, as in systemd.
            if entry.endswith(".service") and not entry.endswith("@.service") \
                    and os.path.isfile(paths.host_path(os.path.join(directory, entry))):
                names.add(entry)
    return names


def daemon_reload() -> None:
    """Snapshot the unit files of loaded units and admin units as the definitions later jobs use.

    Units whose file is gone are forgotten unless they are running, as systemd keeps a
    running unit loaded. Parse warnings go to the unit's log, and for units under
    /etc/systemd/system or /run/systemd/system to stderr too.
    """
    with state.unit_lock("daemon-reload"):
        candidates = _admin_unit_files() | set(state.loaded_units())
        for unit in sorted(candidates):
            sources = state.read_unit_sources(unit)
            if sources is None:
                if current_state(unit)[0] not in ("active", "activating", "deactivating"):
                    state.forget_loaded(unit)
                continue
            state.store_loaded_sources(unit, sources)
            definition = loader.definition_from_sources(unit, sources)
            if not definition.warnings:
                continue
            append_to_unit_log(unit, definition.warnings)
            if definition.fragment_path.startswith(ADMIN_DIRECTORIES):
                for line in definition.warnings:
                    warn(line)
