"""Parse systemd time spans such as `5`, `100ms`, `1min 30s` or `infinity` (systemd.time(7))."""

import math
import re

# Unit suffixes that systemd.time(7) lists, in seconds.
_UNITS = {
    "us": 1e-6, "usec": 1e-6, "µs": 1e-6,
    "ms": 1e-3, "msec": 1e-3,
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "week": 604800.0, "weeks": 604800.0,
    "M": 2629800.0, "month": 2629800.0, "months": 2629800.0,
    "y": 31557600.0, "year": 31557600.0, "years": 31557600.0,
}

_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Zµ]*)")


def parse_timespan(text: str) -> float:
    """Return the span in seconds (math.inf for `infinity`); a bare number is seconds.

    Raises ValueError naming the text when it is not a valid time span.
    """
    stripped = text.strip()
    if stripped == "infinity":
        return math.inf
    if not stripped:
        raise ValueError(f"invalid time span {text!r}: empty value")

    total = 0.0
    position = 0
    while position < len(stripped):
        match = _PART.match(stripped, position)
        if not match or match.end() == position:
            raise ValueError(f"invalid time span {text!r}: expected a number and a unit such as 5s or 100ms")
        number, unit = match.groups()
        if unit and unit not in _UNITS:
            raise ValueError(f"invalid time span {text!r}: unknown unit {unit!r}")
        total += float(number) * _UNITS.get(unit, 1.0)
        position = match.end()
        while position < len(stripped) and stripped[position].isspace():
            position += 1
    return total
