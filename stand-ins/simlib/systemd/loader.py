"""Load unit definitions as systemd does: from the snapshot taken at daemon-reload.

A unit that was never loaded is read from disk at first use and snapshotted then.
"""

from simlib.systemd import state
from simlib.systemd.definition import build_service
from simlib.systemd.service import ServiceDefinition
from simlib.systemd.unitfile import parse_unit_files


def normalize_unit_name(name: str) -> str:
    """Return name with `.service` appended when it has no unit type suffix."""
    known_suffixes = (".service", ".socket", ".target", ".timer", ".path", ".mount", ".slice", ".scope")
    return name if name.endswith(known_suffixes) else name + ".service"


def definition_from_sources(unit: str, sources: list[tuple[str, str]]) -> ServiceDefinition:
    return build_service(unit, sources[0][0], parse_unit_files(sources))


def load_definition(unit: str) -> tuple[ServiceDefinition | None, bool]:
    """Return (definition, loaded now) of unit, or (None, False) if no unit file exists.

    "Loaded now" is true when this call read the file from disk for the first time, so
    the caller can print its warnings once, as systemd logs them at load time.
    """
    sources = state.loaded_sources(unit)
    if sources is not None:
        return definition_from_sources(unit, sources), False
    sources = state.read_unit_sources(unit)
    if sources is None:
        return None, False
    state.store_loaded_sources(unit, sources)
    return definition_from_sources(unit, sources), True


def changed_on_disk(unit: str) -> bool:
    """Return whether the unit file or a drop-in differs from the loaded snapshot."""
    loaded = state.loaded_sources(unit)
    if loaded is None:
        return False
    return state.read_unit_sources(unit) != loaded
