"""Identify processes by PID and start time, so a reused PID is not taken for the old one.

Zombies count as dead: the supervisor is reparented to PID 1, which may never reap it.
"""

import os


def _read_stat(pid: int) -> tuple[str, int] | None:
    """Return (state letter, start time in clock ticks) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces or parentheses.
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[19])


def start_time(pid: int) -> int | None:
    """Return the start time of pid in clock ticks since boot, or None if it is gone."""
    stat = _read_stat(pid)
    return stat[1] if stat else None


def is_alive(pid: int | None, started: int | None) -> bool:
    """Return whether pid runs and is the process that started at `started`."""
    if not pid:
        return False
    stat = _read_stat(pid)
    if stat is None or stat[0] in ("Z", "X"):
        return False
    return started is None or stat[1] == started


def signal_group(pgid: int, signum: int) -> None:
    """Send signum to a process group, ignoring a group that is already gone."""
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def signal_process(pid: int, signum: int) -> None:
    """Send signum to one process, ignoring a process that is already gone."""
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def group_members(pgid: int) -> list[int]:
    """Return the live PIDs of the process group pgid."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry))
    return members
