"""Persistent state of the stand-in under `<root>/var/lib/juju-sim/systemd/`.

- `loaded/<unit>.json`: the unit file and drop-ins as read at the last daemon-reload (or
  first use), which is the definition start and restart use, as in systemd.
- `units/<unit>.json`: the runtime state the supervisor writes (active state, PIDs,
  NRestarts, result).
- `locks/<unit>.lock`: an flock serializing the verbs that change one unit.
Every file is replaced atomically (write, then rename), so readers never see half a file.
"""

import contextlib
import fcntl
import json
import os
import time

from simlib.systemd import paths


def write_json_atomic(path: str, document: dict) -> None:
    """Write document to path through a temporary file and rename."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, path)


def read_json(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        return None


@contextlib.contextmanager
def unit_lock(unit: str):
    """Hold the exclusive flock of unit for the duration of the block."""
    lock_path = paths.state_path("locks", unit + ".lock")
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    handle = open(lock_path, "a", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle
    finally:
        handle.close()


def read_unit_sources(unit: str) -> list[tuple[str, str]] | None:
    """Return (path, text) of the unit file on disk and its drop-ins, or None if not found."""
    fragment = paths.find_unit_file(unit)
    if fragment is None:
        return None
    sources = []
    for path in [fragment] + paths.drop_in_files(unit):
        try:
            with open(paths.host_path(path), encoding="utf-8") as handle:
                sources.append((path, handle.read()))
        except OSError:
            continue
    return sources


def loaded_sources(unit: str) -> list[tuple[str, str]] | None:
    """Return the sources loaded at the last daemon-reload or first use, or None."""
    document = read_json(paths.state_path("loaded", unit + ".json"))
    if not document:
        return None
    return [(source["path"], source["text"]) for source in document["sources"]]


def store_loaded_sources(unit: str, sources: list[tuple[str, str]]) -> None:
    write_json_atomic(paths.state_path("loaded", unit + ".json"), {
        "unit": unit,
        "loadedAt": time.time(),
        "sources": [{"path": path, "text": text} for path, text in sources],
    })


def forget_loaded(unit: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(paths.state_path("loaded", unit + ".json"))


def loaded_units() -> list[str]:
    try:
        names = os.listdir(paths.state_path("loaded"))
    except FileNotFoundError:
        return []
    return sorted(name[:-5] for name in names if name.endswith(".json"))


def runtime_path(unit: str) -> str:
    return paths.state_path("units", unit + ".json")


def read_runtime(unit: str) -> dict:
    """Return the unit's runtime state; a never-started unit is inactive."""
    return read_json(runtime_path(unit)) or {"activeState": "inactive", "subState": "dead",
                                             "result": "success", "nRestarts": 0}


def write_runtime(unit: str, document: dict) -> None:
    write_json_atomic(runtime_path(unit), document)
