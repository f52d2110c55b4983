"""Parse unit files into sections of assignments, with systemd 252's warnings.

Parsing follows systemd's config_parse(): `#` and `;` start comment lines, a trailing
backslash continues a line, `[Section]` headers group `Key=Value` assignments, and
keys or sections unknown to systemd are reported and ignored. Sections and keys that
start with `X-` are ignored silently, as systemd does.
"""

from dataclasses import dataclass, field

from simlib.systemd.known_keys import INSTALL_KEYS, SERVICE_KEYS, UNIT_KEYS

KNOWN_KEYS = {"Unit": UNIT_KEYS, "Service": SERVICE_KEYS, "Install": INSTALL_KEYS}


@dataclass
class Assignment:
    """One `Key=Value` line, with the file and line it came from for warnings."""

    key: str
    value: str
    path: str
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class ParsedUnit:
    """The assignments of a unit file and its drop-ins, by section, in file order."""

    sections: dict[str, list[Assignment]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def values(self, section: str, key: str) -> list[Assignment]:
        """Return every assignment of key in section, in order."""
        return [item for item in self.sections.get(section, []) if item.key == key]

    def last(self, section: str, key: str) -> Assignment | None:
        """Return the last assignment of key in section, which wins for single-valued keys."""
        found = self.values(section, key)
        return found[-1] if found else None


def _logical_lines(text: str):
    """Yield (line number, text) with continuation lines joined and comments dropped."""
    pending = None
    start_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if pending is not None and line.startswith(("#", ";")):
            continue
        if pending is None:
            if not line or line.startswith(("#", ";")):
                continue
            start_line = number
            pending = ""
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start_line, pending + line
        pending = None
    if pending is not None:
        yield start_line, pending


def parse_unit_text(parsed: ParsedUnit, text: str, path: str) -> None:
    """Add the assignments of one file (the unit file or a drop-in) to parsed."""
    section = None
    for number, line in _logical_lines(text):
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                parsed.warnings.append(f"{path}:{number}: Invalid section header '{line}'")
                section = None
                continue
            section = line[1:-1]
            if section not in KNOWN_KEYS and not section.startswith("X-"):
                parsed.warnings.append(f"{path}:{number}: Unknown section '{section}'. Ignoring.")
            parsed.sections.setdefault(section, [])
            continue
        if section is None:
            parsed.warnings.append(f"{path}:{number}: Assignment outside of section. Ignoring.")
            continue
        if "=" not in line:
            parsed.warnings.append(f"{path}:{number}: Missing '=', ignoring line.")
            continue
        key, value = line.split("=", 1)
        key = key.strip()
        value = value.strip()
        if section not in KNOWN_KEYS or key.startswith("X-"):
            continue
        if key not in KNOWN_KEYS[section]:
            parsed.warnings.append(
                f"{path}:{number}: Unknown key name '{key}' in section '{section}', ignoring.")
            continue
        parsed.sections[section].append(Assignment(key, value, path, number))


def parse_unit_files(files: list[tuple[str, str]]) -> ParsedUnit:
    """Parse the unit file and then its drop-ins, given as (path, text) pairs in that order."""
    parsed = ParsedUnit()
    for path, text in files:
        parse_unit_text(parsed, text, path)
    return parsed
