"""Fault injection shared with juju-sim's `fault` command.

`<unit dir>/faults.json` maps a name such as "systemctl start" to "once" or "always".
A stand-in that fires a "once" fault appends the name to `<unit dir>/faults-used`, and
juju-sim removes used faults after the hook. A "once" fault already listed there has
been consumed and does not fire again.
"""

import fcntl
import json
import os

from simlib.unitinfo import unit_dir


def _used_names(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return {line.strip() for line in handle if line.strip()}
    except FileNotFoundError:
        return set()


def fault_fires(name: str) -> bool:
    """Return whether the fault `name` is injected now, and record a consumed "once" fault."""
    faults_path = os.path.join(unit_dir(), "faults.json")
    try:
        with open(faults_path, encoding="utf-8") as handle:
            faults = json.load(handle)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        # A half-written or broken faults file must not break the service commands.
        return False
    if not isinstance(faults, dict):
        return False

    mode = faults.get(name)
    if mode == "always":
        return True
    if mode != "once":
        return False

    used_path = os.path.join(unit_dir(), "faults-used")
    with open(used_path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if name in _used_names(used_path):
            return False
        handle.write(name + "\n")
    return True
