"""The read-only verbs: is-active, is-failed, status and show."""

import collections
import datetime

from simlib.systemd import loader, paths
from simlib.systemd.install import enablement_state
from simlib.systemd.runtime import current_state

STATUS_LOG_LINES = 10


def _format_timestamp(seconds: float | None) -> str:
    if not seconds:
        return ""
    return datetime.datetime.fromtimestamp(seconds).astimezone().strftime("%a %Y-%m-%d %H:%M:%S %Z")


def _process_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


def _tail(path: str, count: int) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return list(collections.deque(handle, maxlen=count))
    except FileNotFoundError:
        return []


def unit_properties(unit: str) -> dict[str, str]:
    """Return the properties `systemctl show` prints, as strings."""
    definition, _ = loader.load_definition(unit)
    active, sub, runtime = current_state(unit)
    main_pid = runtime.get("mainPid") if active in ("active", "deactivating") else None
    enablement = enablement_state(unit)
    return {
        "Id": unit,
        "Description": definition.description if definition else unit,
        "LoadState": "loaded" if definition else "not-found",
        "ActiveState": active,
        "SubState": sub,
        "Result": runtime.get("result", "success"),
        "MainPID": str(main_pid or 0),
        "ExecMainPID": str(runtime.get("mainPid") or 0),
        "ExecMainCode": {"exited": "1", "killed": "2"}.get(runtime.get("execMainCode"), "0"),
        "ExecMainStatus": str(runtime.get("execMainStatus") or 0),
        "NRestarts": str(runtime.get("nRestarts") or 0),
        "InvocationID": runtime.get("invocationId") or "",
        "FragmentPath": definition.fragment_path if definition else "",
        "UnitFileState": "" if enablement == "not-found" else enablement,
        "NeedDaemonReload": "yes" if loader.changed_on_disk(unit) else "no",
        "ActiveEnterTimestamp": _format_timestamp(runtime.get("activeEnterTimestamp")),
        "InactiveEnterTimestamp": _format_timestamp(runtime.get("inactiveEnterTimestamp")),
        "Restart": definition.restart if definition else "no",
        "User": (definition.user or "") if definition else "",
    }


def show(unit: str, properties: list[str], value_only: bool) -> list[str]:
    values = unit_properties(unit)
    names = properties or list(values)
    lines = []
    for name in names:
        value = values.get(name, "")
        lines.append(value if value_only else f"{name}={value}")
    return lines


def status_text(unit: str, lines: int) -> tuple[str, int]:
    """Return the text of `systemctl status unit` and its exit status (0, 3 or 4)."""
    definition, _ = loader.load_definition(unit)
    if definition is None:
        return f"Unit {unit} could not be found.", 4
    active, sub, runtime = current_state(unit)
    enablement = enablement_state(unit)
    marker = {"active": "●", "failed": "×"}.get(active, "○")
    since = runtime.get("activeEnterTimestamp") if active == "active" else runtime.get("inactiveEnterTimestamp")
    result = runtime.get("result", "success")
    detail = f" (Result: {result})" if active == "failed" else ""
    text = [
        f"{marker} {unit} - {definition.description or unit}",
        f"     Loaded: loaded ({definition.fragment_path}; {enablement}; preset: enabled)",
        f"     Active: {active} ({sub}){detail}" + (f" since {_format_timestamp(since)}" if since else ""),
    ]
    if active == "active" and runtime.get("mainPid"):
        text.append(f"   Main PID: {runtime['mainPid']} ({_process_name(runtime['mainPid'])})")
    if loader.changed_on_disk(unit):
        text.insert(1, f"Warning: The unit file, source configuration file or drop-ins of {unit} changed on disk. "
                       "Run 'systemctl daemon-reload' to reload units.")
    log_lines = _tail(paths.log_path(unit), lines) if lines > 0 else []
    if log_lines:
        text.append("")
        text.extend(line.rstrip("\n") for line in log_lines)
    return "\n".join(text), (0 if active == "active" else 3)


def active_state(unit: str) -> str:
    """Return the state is-active prints; a unit without a file or state is inactive."""
    return current_state(unit)[0]

