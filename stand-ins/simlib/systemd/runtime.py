"""The truthful state of a unit, from its runtime file checked against live processes."""

from simlib.systemd import process, state

RUNNING_STATES = ("active", "activating", "deactivating")


def supervisor_alive(runtime: dict) -> bool:
    return process.is_alive(runtime.get("supervisorPid"), runtime.get("supervisorStart"))


def main_alive(runtime: dict) -> bool:
    return process.is_alive(runtime.get("mainPid"), runtime.get("mainStart"))


def current_state(unit: str) -> tuple[str, str, dict]:
    """Return (ActiveState, SubState, runtime document) of unit.

    A running state whose supervisor is gone (killed from outside) reads as failed. An
    "active" unit whose main process just died reads as activating until the supervisor
    records the exit a moment later.
    """
    runtime = state.read_runtime(unit)
    active = runtime.get("activeState", "inactive")
    sub = runtime.get("subState", "dead")
    if active in RUNNING_STATES and not supervisor_alive(runtime):
        return "failed", "failed", runtime
    if active == "active" and sub == "running" and not main_alive(runtime):
        return "activating", "auto-restart", runtime
    return active, sub, runtime
