"""Facts juju-sim writes into each simulated unit: its loopback address and unit name.

Both files live in the unit directory, `$JUJU_SIM_UNIT_DIR` (default /var/lib/juju-sim),
so tests can point the stand-ins at a temporary directory.
"""

import os

DEFAULT_UNIT_DIR = "/var/lib/juju-sim"

# Outside a simulated unit (no unit-address file) the stand-ins act as a lone machine
# whose own address is the host loopback address.
FALLBACK_ADDRESS = "127.0.0.1"


def unit_dir() -> str:
    """Return the directory that holds unit-address, unit-name and faults.json."""
    return os.environ.get("JUJU_SIM_UNIT_DIR") or DEFAULT_UNIT_DIR


def _read_first_line(name: str) -> str | None:
    try:
        with open(os.path.join(unit_dir(), name), encoding="utf-8") as handle:
            value = handle.readline().strip()
    except FileNotFoundError:
        return None
    return value or None


def unit_address() -> str:
    """Return this unit's own IPv4 address (127.0.0.x in the simulator)."""
    return _read_first_line("unit-address") or FALLBACK_ADDRESS


def unit_name() -> str | None:
    """Return the Juju unit name, such as `openclaw/1`, or None outside a unit."""
    return _read_first_line("unit-name")
