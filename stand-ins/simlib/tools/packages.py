"""The packages apt-get can install, and the unit's dpkg database.

Only `nodejs` is simulated: NodeSource's 24.x build (with npm) when the NodeSource lists are
fetched, else Ubuntu noble's own 18.x build (no npm). Installing writes small launchers that run
the node and npm stand-ins, a `/var/lib/dpkg/status` entry and `/var/lib/dpkg/info/nodejs.list`.
"""

import os
import shutil
from dataclasses import dataclass

from simlib.tools.common import host_path, stand_ins_dir, write_atomically

STATUS = "/var/lib/dpkg/status"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    node_version: str
    maintainer: str
    size_kb: int
    with_npm: bool
    pool_path: str

    def deb_name(self) -> str:
        return f"{self.name}_{self.version}_amd64.deb"


NODESOURCE_NODEJS = Package("nodejs", "24.18.0-1nodesource1", "24.18.0", "NodeSource Support <support@nodesource.com>",
                            260218, True, "pool/main/n/nodejs")
UBUNTU_NODEJS = Package("nodejs", "18.19.1+dfsg-6ubuntu5", "18.19.1",
                        "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", 1070, False,
                        "pool/universe/n/nodejs")
NPM_VERSION = "11.6.2"


def _stanzas(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block.strip()]


def installed_version(name: str) -> str | None:
    """The version dpkg records as installed for `name`, or None."""
    try:
        with open(host_path(STATUS), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    for block in _stanzas(text):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != " ")
        if fields.get("Package") == name and fields.get("Status", "").endswith(" installed"):
            return fields.get("Version")
    return None


def _record_status(package: Package) -> None:
    path = host_path(STATUS)
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            blocks = _stanzas(handle.read())
    except FileNotFoundError:
        blocks = []
    blocks = [block for block in blocks if not block.startswith(f"Package: {package.name}\n")]
    blocks.append("\n".join([
        f"Package: {package.name}", "Status: install ok installed", "Priority: optional", "Section: web",
        f"Installed-Size: {package.size_kb}", f"Maintainer: {package.maintainer}", "Architecture: amd64",
        f"Version: {package.version}", "Description: Node.js event-based server-side javascript engine"]))
    write_atomically(path, ("\n\n".join(block.strip("\n") for block in blocks) + "\n").encode(), like=path)


def _write_executable(path: str, text: str) -> None:
    write_atomically(host_path(path), text.encode(), mode=0o755)


def install_files(package: Package) -> None:
    """Put the package's files in place and record it in the dpkg database."""
    stand_ins = stand_ins_dir()
    files = ["/usr/bin/node"]
    _write_executable("/usr/bin/node", "#!/bin/sh\n# Node.js from the juju-sim nodejs package: runs the node stand-in.\n"
                                       f"JUJU_SIM_NODE_VERSION={package.node_version} exec {stand_ins}/node \"$@\"\n")
    npm_directory = host_path("/usr/lib/node_modules/npm")
    if package.with_npm:
        _write_executable("/usr/lib/node_modules/npm/bin/npm-cli.js",
                          f"#!/bin/sh\n# npm from the juju-sim nodejs package: runs the npm stand-in.\nexec {stand_ins}/npm \"$@\"\n")
        write_atomically(os.path.join(npm_directory, "package.json"),
                         f'{{"name": "npm", "version": "{NPM_VERSION}"}}\n'.encode())
        link = host_path("/usr/bin/npm")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink("../lib/node_modules/npm/bin/npm-cli.js", link)
        files += ["/usr/bin/npm", "/usr/lib/node_modules/npm/bin/npm-cli.js", "/usr/lib/node_modules/npm/package.json"]
    else:
        shutil.rmtree(npm_directory, ignore_errors=True)
        if os.path.lexists(host_path("/usr/bin/npm")):
            os.unlink(host_path("/usr/bin/npm"))
    write_atomically(host_path(f"/var/lib/dpkg/info/{package.name}.list"), ("\n".join(files) + "\n").encode())
    _record_status(package)
