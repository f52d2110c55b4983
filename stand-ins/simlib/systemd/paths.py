"""File locations of the systemctl stand-in, all under `$SYSTEMCTL_ROOT` (default `/`).

Tests set SYSTEMCTL_ROOT to a temporary directory so nothing on the host is touched.
Paths inside unit files and symlink targets stay unprefixed, as on the machine itself.
"""

import os

# Searched in this order, like systemd's system unit path on Debian 12.
UNIT_DIRECTORIES = ("/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system",
                    "/lib/systemd/system")
STATE_DIRECTORY = "/var/lib/juju-sim/systemd"
LOG_DIRECTORY = "/var/log/juju-sim"


def root() -> str:
    return os.environ.get("SYSTEMCTL_ROOT") or "/"


def host_path(path: str) -> str:
    """Return where the unprefixed path `path` lives on this host, under the root."""
    return os.path.join(root(), path.lstrip("/"))


def state_path(*parts: str) -> str:
    return host_path(os.path.join(STATE_DIRECTORY, *parts))


def log_path(unit: str) -> str:
    """Return the host path of the journal stand-in for unit, such as `openclaw.service.log`."""
    return host_path(os.path.join(LOG_DIRECTORY, unit + ".log"))


def find_unit_file(unit: str) -> str | None:
    """Return the unprefixed path of the unit's file in the first directory that has it."""
    for directory in UNIT_DIRECTORIES:
        candidate = os.path.join(directory, unit)
        if os.path.isfile(host_path(candidate)):
            return candidate
    return None


def drop_in_files(unit: str) -> list[str]:
    """Return the unprefixed paths of the unit's `<unit>.d/*.conf` drop-ins, sorted by name."""
    by_name = {}
    for directory in reversed(UNIT_DIRECTORIES):
        drop_in_dir = os.path.join(directory, unit + ".d")
        try:
            names = os.listdir(host_path(drop_in_dir))
        except OSError:
            continue
        for name in names:
            if name.endswith(".conf"):
                by_name[name] = os.path.join(drop_in_dir, name)
    return [by_name[name] for name in sorted(by_name)]
