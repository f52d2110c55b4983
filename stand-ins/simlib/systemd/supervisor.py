"""The detached supervisor that runs one service, as systemd's service manager would.

systemctl starts it in a new session with stdout and stderr on the unit's log. It
starts the main process, reports the outcome of the first start through a pipe,
restarts the process according to Restart=, RestartSec= and the start rate limit, and on
SIGTERM stops the service according to KillMode= and TimeoutStopSec=. It writes every state
change to the unit's runtime state file and exits once the unit is inactive or failed.
"""

import datetime
import json
import os
import signal
import socket
import time
import uuid

from simlib.systemd import process, state
from simlib.systemd.loader import definition_from_sources
from simlib.systemd.service import ServiceDefinition
from simlib.systemd.spawn import SpawnFailure, spawn_main_process

POLL_INTERVAL = 0.05
CLEAN_SIGNALS = {signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE}


def log(message: str) -> None:
    """Write one journal-style line to the unit log."""
    stamp = datetime.datetime.now().strftime("%b %d %H:%M:%S")
    print(f"{stamp} {socket.gethostname()} systemd[{os.getpid()}]: {message}", flush=True)


def describe_exit(returncode: int) -> tuple[str, int, str]:
    """Return (code, status, text) as systemd shows them, e.g. ("exited", 1, "1/FAILURE")."""
    if returncode < 0:
        name = signal.Signals(-returncode).name[3:]
        return "killed", -returncode, f"{-returncode}/{name}"
    names = {0: "SUCCESS", 1: "FAILURE", 2: "INVALIDARGUMENT", 200: "CHDIR", 203: "EXEC", 216: "GROUP",
             217: "USER"}
    text = f"{returncode}/{names[returncode]}" if returncode in names else str(returncode)
    return "exited", returncode, text


class Supervisor:
    """Runs and watches the main process of one unit."""

    def __init__(self, unit: str, report_fd: int | None):
        self.unit = unit
        self.report_fd = report_fd
        self.stop_requested = False
        self.n_restarts = 0
        self.start_times: list[float] = []
        self.invocation_id = uuid.uuid4().hex
        self.main_pid = None
        self.main_start = None
        self.exec_main = {"code": None, "status": 0}
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _request_stop(self, _signum, _frame) -> None:
        self.stop_requested = True

    def write_state(self, active: str, sub: str, result: str = "success") -> None:
        now = time.time()
        previous = state.read_runtime(self.unit)
        document = {
            "unit": self.unit,
            "activeState": active,
            "subState": sub,
            "result": result,
            "supervisorPid": os.getpid() if active in ("active", "activating", "deactivating") else None,
            "supervisorStart": process.start_time(os.getpid()),
            "mainPid": self.main_pid,
            "mainStart": self.main_start,
            "nRestarts": self.n_restarts,
            "execMainCode": self.exec_main["code"],
            "execMainStatus": self.exec_main["status"],
            "invocationId": self.invocation_id,
            "activeEnterTimestamp": previous.get("activeEnterTimestamp"),
            "inactiveEnterTimestamp": previous.get("inactiveEnterTimestamp"),
            "stateChangeTimestamp": now,
        }
        if active == "active" and previous.get("activeState") != "active":
            document["activeEnterTimestamp"] = now
        if active in ("inactive", "failed"):
            document["inactiveEnterTimestamp"] = now
        state.write_runtime(self.unit, document)

    def report(self, ok: bool, result: str = "success", message: str = "") -> None:
        """Tell the waiting `systemctl start` how the first start went (only once)."""
        if self.report_fd is None:
            return
        try:
            os.write(self.report_fd, json.dumps({"ok": ok, "result": result, "message": message}).encode())
        except OSError:
            pass
        os.close(self.report_fd)
        self.report_fd = None

    def load_definition(self) -> ServiceDefinition | None:
        sources = state.loaded_sources(self.unit)
        return definition_from_sources(self.unit, sources) if sources else None

    def finish(self, active: str, result: str) -> None:
        self.main_pid = None
        self.main_start = None
        self.write_state(active, "failed" if active == "failed" else "dead", result)
        if active == "failed":
            log(f"{self.unit}: Failed with result '{result}'.")
        self.report(active != "failed", result)

    def start_limit_hit(self, definition: ServiceDefinition) -> bool:
        """Record a start and return whether it exceeds StartLimitBurst= in StartLimitIntervalSec=."""
        now = time.monotonic()
        self.start_times = [t for t in self.start_times if now - t < definition.start_limit_interval]
        self.start_times.append(now)
        return definition.start_limit_burst > 0 and len(self.start_times) > definition.start_limit_burst

    def sleep_unless_stopped(self, seconds: float) -> bool:
        """Sleep for seconds; return False early if a stop was requested."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.stop_requested:
                return False
            time.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))
        return not self.stop_requested

    def stop_main_process(self, child, definition: ServiceDefinition) -> tuple[int, bool]:
        """Stop the running main process; return (its return code, whether the stop timed out)."""
        self.write_state("deactivating", "stop-sigterm")
        log(f"Stopping {self.unit} - {definition.description or self.unit}...")
        pid = child.pid
        if definition.kill_mode == "control-group":
            process.signal_group(pid, definition.kill_signal)
            process.signal_group(pid, signal.SIGCONT)
        elif definition.kill_mode in ("mixed", "process"):
            process.signal_process(pid, definition.kill_signal)
            process.signal_process(pid, signal.SIGCONT)

        deadline = time.monotonic() + definition.timeout_stop_sec
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
        timed_out = child.poll() is None
        if timed_out and definition.kill_mode != "none":
            if not definition.send_sigkill:
                log(f"{self.unit}: State 'stop-sigterm' timed out. Skipping SIGKILL.")
                child.wait()
            else:
                log(f"{self.unit}: State 'stop-sigterm' timed out. Killing.")
                if definition.kill_mode == "process":
                    process.signal_process(pid, signal.SIGKILL)
                else:
                    process.signal_group(pid, signal.SIGKILL)
                child.wait()
        elif timed_out:
            # KillMode=none leaves the process running, as systemd does.
            pass

        if definition.kill_mode == "control-group":
            while process.group_members(pid) and time.monotonic() < deadline:
                time.sleep(POLL_INTERVAL)
        if definition.kill_mode in ("control-group", "mixed") and definition.send_sigkill:
            if process.group_members(pid):
                log(f"{self.unit}: Killing remaining processes of the control group.")
                process.signal_group(pid, signal.SIGKILL)
        return (child.returncode if child.returncode is not None else 0), timed_out

    def is_clean_exit(self, returncode: int, definition: ServiceDefinition, ignore_failure: bool) -> bool:
        if returncode >= 0:
            return returncode == 0 or returncode in definition.success_exit_status or ignore_failure
        signum = -returncode
        return signum in CLEAN_SIGNALS or signum in definition.success_signals

    def should_restart(self, returncode: int, clean: bool, definition: ServiceDefinition) -> bool:
        if returncode >= 0 and returncode in definition.restart_prevent_status:
            return False
        if returncode < 0 and -returncode in definition.restart_prevent_signals:
            return False
        unclean_signal = returncode < 0 and not clean
        return {
            "no": False,
            "always": True,
            "on-success": clean,
            "on-failure": not clean,
            "on-abnormal": unclean_signal,
            "on-abort": unclean_signal,
            "on-watchdog": False,
        }[definition.restart]

    def record_exit(self, returncode: int) -> str:
        code, status, text = describe_exit(returncode)
        self.exec_main = {"code": code, "status": status}
        log(f"{self.unit}: Main process exited, code={code}, status={text}")
        return "signal" if code == "killed" else "exit-code"

    def run_oneshot(self, definition: ServiceDefinition) -> None:
        """Run every ExecStart= command in order, then settle as exited or dead."""
        self.write_state("activating", "start")
        for command in definition.commands:
            try:
                child = spawn_main_process(definition, command, self.invocation_id)
            except SpawnFailure as failure:
                log(f"{self.unit}: {failure}")
                if failure.result == "resources":
                    self.finish("failed", "resources")
                    return
                returncode = failure.exit_status
            else:
                self.main_pid = child.pid
                while child.poll() is None:
                    if self.stop_requested:
                        self.stop_main_process(child, definition)
                        self.finish("inactive", "success")
                        return
                    time.sleep(POLL_INTERVAL)
                returncode = child.returncode
            if not self.is_clean_exit(returncode, definition, command.ignore_failure):
                self.finish("failed", self.record_exit(returncode))
                return
        self.main_pid = None
        if definition.remain_after_exit:
            self.write_state("active", "exited")
            self.report(True)
            while not self.stop_requested:
                time.sleep(POLL_INTERVAL)
        log(f"{self.unit}: Deactivated successfully.")
        self.finish("inactive", "success")

    def run(self) -> None:
        """Run the service until it is stopped, exits for good or hits the start limit."""
        definition = self.load_definition()
        if definition is None:
            self.finish("failed", "resources")
            return
        if definition.ignored_keys:
            log(f"{self.unit}: settings not simulated by the stand-in, ignored: {', '.join(definition.ignored_keys)}")
        if definition.service_type == "oneshot":
            self.run_oneshot(definition)
            return
        command = definition.commands[0]
        while True:
            if self.start_limit_hit(definition):
                log(f"{self.unit}: Start request repeated too quickly.")
                self.finish("failed", "start-limit-hit")
                return
            try:
                child = spawn_main_process(definition, command, self.invocation_id)
            except SpawnFailure as failure:
                log(f"{self.unit}: {failure}")
                if failure.result == "resources":
                    self.finish("failed", "resources")
                    return
                # For Type=simple the start job succeeds before exec, as in systemd.
                self.report(definition.service_type != "exec", "exit-code", str(failure))
                returncode = failure.exit_status
            else:
                self.main_pid = child.pid
                self.main_start = process.start_time(child.pid)
                self.write_state("active", "running")
                log(f"Started {self.unit} - {definition.description or self.unit}.")
                self.report(True)
                while child.poll() is None and not self.stop_requested:
                    time.sleep(POLL_INTERVAL)
                if self.stop_requested:
                    returncode, timed_out = self.stop_main_process(child, definition)
                    self.record_exit(returncode)
                    clean = self.is_clean_exit(returncode, definition, command.ignore_failure)
                    if timed_out:
                        self.finish("failed", "timeout")
                    elif clean:
                        log(f"Stopped {self.unit} - {definition.description or self.unit}.")
                        self.finish("inactive", "success")
                    else:
                        self.finish("failed", "exit-code" if returncode >= 0 else "signal")
                    return
                returncode = child.returncode

            result = self.record_exit(returncode)
            clean = self.is_clean_exit(returncode, definition, command.ignore_failure)
            if not self.should_restart(returncode, clean, definition) or self.stop_requested:
                if clean:
                    log(f"{self.unit}: Deactivated successfully.")
                    self.finish("inactive", "success")
                else:
                    self.finish("failed", result)
                return

            self.main_pid = None
            self.main_start = None
            self.write_state("activating", "auto-restart", "success" if clean else result)
            if not self.sleep_unless_stopped(definition.restart_sec):
                log(f"Stopped {self.unit} - {definition.description or self.unit}.")
                self.finish("inactive", "success")
                return
            self.n_restarts += 1
            log(f"{self.unit}: Scheduled restart job, restart counter is at {self.n_restarts}.")
            # Auto-restarts use the definition loaded now, which daemon-reload may have changed.
            definition = self.load_definition() or definition
            command = definition.commands[0] if definition.commands else command


def run_supervisor(unit: str, report_fd: int | None) -> int:
    """Entry point of the detached supervisor process."""
    Supervisor(unit, report_fd).run()
    return 0
