"""APT sources as apt-get reads them: one-line `.list` files and deb822 `.sources` files.

A source whose URI path ends in `/node_<major>.x` is a NodeSource repository (or a mirror of
one); the stand-in serves only `node_24.x` with suite `nodistro`. Every other source is the
distribution archive, which always responds unless downloads fail.
"""

import glob
import os
import re
from dataclasses import dataclass, field

from simlib.tools.common import host_path

NODESOURCE_PATH = re.compile(r"/node_(\d+)\.x/?$")


@dataclass
class Source:
    uri: str
    suite: str
    components: list[str]
    signed_by: str = ""
    origin_file: str = ""
    options: dict = field(default_factory=dict)

    @property
    def nodesource_major(self) -> str | None:
        match = NODESOURCE_PATH.search(self.uri)
        return match.group(1) if match else None

    @property
    def list_prefix(self) -> str:
        """The list file prefix apt uses: the URI without scheme, `_` escaped, `/` as `_`."""
        trimmed = re.sub(r"^[a-z0-9+]+://", "", self.uri.rstrip("/"))
        trimmed = re.sub(r"^[^@/]*@", "", trimmed)
        return trimmed.replace("_", "%5f").replace("/", "_") + "_dists_" + self.suite.replace("/", "_")

    def list_files(self) -> list[str]:
        files = [self.list_prefix + "_InRelease"]
        files += [f"{self.list_prefix}_{component}_binary-amd64_Packages" for component in self.components]
        return files


def _deb822_stanzas(text: str) -> list[dict]:
    stanzas, current, key = [], {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                stanzas.append(current)
            current, key = {}, None
        elif line[0] in " \t" and key:
            current[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip().lower()
            current[key] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def read_sources() -> list[Source]:
    """Every enabled `deb` source of the unit, in the order apt reads them."""
    sources: list[Source] = []
    directory = host_path("/etc/apt/sources.list.d")
    list_files = [host_path("/etc/apt/sources.list")] + sorted(glob.glob(os.path.join(directory, "*.list")))
    for path in list_files:
        if not os.path.isfile(path):
            continue
        for line in _read(path).splitlines():
            line = line.split("#", 1)[0].strip()
            options = {}
            match = re.match(r"^deb\s+\[([^\]]*)\]\s+(.*)$", line)
            if match:
                options = dict(item.split("=", 1) for item in match.group(1).split() if "=" in item)
                line = "deb " + match.group(2)
            words = line.split()
            if len(words) >= 3 and words[0] == "deb":
                sources.append(Source(words[1], words[2], words[3:], options.get("signed-by", ""), path, options))
    for path in sorted(glob.glob(os.path.join(directory, "*.sources"))):
        for stanza in _deb822_stanzas(_read(path)):
            if stanza.get("enabled", "yes").lower() == "no" or "deb" not in stanza.get("types", "").split():
                continue
            for uri in stanza.get("uris", "").split():
                for suite in stanza.get("suites", "").split():
                    sources.append(Source(uri, suite, stanza.get("components", "").split(),
                                          stanza.get("signed-by", "").strip(), path, stanza))
    return sources


def lists_dir() -> str:
    return host_path("/var/lib/apt/lists")


def nodesource_lists_present() -> Source | None:
    """The configured NodeSource 24.x source whose package list is fetched, if any."""
    for source in read_sources():
        if source.nodesource_major == "24" and source.suite == "nodistro" and all(
                os.path.exists(os.path.join(lists_dir(), name)) for name in source.list_files()):
            return source
    return None
