"""OpenClaw releases as the stand-ins know them: the one place that defines their order.

The npm registry stand-in offers exactly these releases; the openclaw stand-in uses the
order for the gateway-node protocol and each release's Node.js floor. The protocol
number of a release is its position in RELEASES, so a gateway accepts a node of its own
release or of the release just before it (one protocol version behind), never a newer one.
"""

import re

# Oldest first.
RELEASES = ("2026.8.21", "2026.9.3", "2026.10.2")
DIST_TAGS = {"latest": "2026.10.2"}

# engines.node of each release's package.json.
NODE_FLOOR = {release: ">=24.16.0 <25 || >=26.1.0" for release in RELEASES}
DEFAULT_NODE_FLOOR = ">=24.16.0 <25 || >=26.1.0"

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")


def version_tuple(version: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(version.strip())
    return tuple(int(part) for part in match.groups()) if match else None


def protocol(version: str) -> int:
    """The node protocol of `version`: the position of the newest known release not after it."""
    wanted = version_tuple(version)
    if wanted is None:
        return len(RELEASES) - 1
    known = [index for index, release in enumerate(RELEASES) if version_tuple(release) <= wanted]
    return known[-1] if known else 0


def node_floor(version: str) -> str:
    return NODE_FLOOR.get(version.split("-")[0], DEFAULT_NODE_FLOOR)


def satisfies(node_version: str, floor: str) -> bool:
    """Whether a Node.js version meets a range such as `>=24.16.0 <25 || >=26.1.0`."""
    current = version_tuple(node_version)
    if current is None:
        return False
    for alternative in floor.split("||"):
        if all(_meets(current, condition) for condition in alternative.split()):
            return True
    return False


def _meets(current: tuple[int, int, int], condition: str) -> bool:
    operator = re.match(r"^(>=|<=|>|<|=)?", condition).group(1) or "="
    parts = condition[len(operator):].split(".")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
        return False
    bound = tuple(int(part) for part in parts) + (0,) * (3 - len(parts))
    return {">=": current >= bound, "<=": current <= bound, ">": current > bound, "<": current < bound,
            "=": current == bound}[operator]


def minimum_of(floor: str) -> str:
    """The human form of a floor's first bound, such as `v24.16+`."""
    bound = version_tuple(floor.split("||")[0].split()[0].lstrip(">="))
    return f"v{bound[0]}.{bound[1]}+" if bound else floor
