"""Helpers for the install-tool stand-in tests: a temporary unit root and a clean environment.

Every tool runs with JUJU_SIM_ROOT pointing at the temporary root, so nothing on the machine
running the tests changes.
"""

import json
import os
import subprocess
import tempfile
import unittest

from tests.support import STANDINS

PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" \
         "systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin\n"
GROUP = "root:x:0:\ndaemon:x:1:\nsystemd-journal:x:999:\nsystemd-network:x:998:\n"
SHADOW = "root:*:20000:0:99999:7:::\ndaemon:*:20000:0:99999:7:::\nsystemd-network:!*:20000::::::\n"
GSHADOW = "root:*::\ndaemon:*::\nsystemd-journal:!*::\nsystemd-network:!*::\n"
NODESOURCE_SOURCES = ("Types: deb\nURIs: https://deb.nodesource.com/node_24.x\nSuites: nodistro\n"
                      "Components: main\nSigned-By: /etc/apt/keyrings/nodesource.gpg\n")
KEY_URL = "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"


def tool(name: str) -> str:
    return os.path.join(STANDINS, name)


class ToolTestCase(unittest.TestCase):
    """A unit root in a temporary directory with account files, apt and dpkg directories."""

    def setUp(self) -> None:
        self._temporary = tempfile.TemporaryDirectory(prefix="tool-test-")
        self.addCleanup(self._temporary.cleanup)
        self.root = self._temporary.name
        for directory in ("etc/apt/sources.list.d", "etc/apt/keyrings", "etc/skel", "var/lib/dpkg",
                          "var/lib/apt/lists", "var/lib/openclaw-charm", "var/lib/juju-sim", "usr/bin", "usr/sbin"):
            os.makedirs(self.path(directory))
        for name, text in (("etc/passwd", PASSWD), ("etc/group", GROUP), ("etc/shadow", SHADOW),
                           ("etc/gshadow", GSHADOW), ("var/lib/dpkg/status", ""), ("etc/skel/.profile", "# profile\n"),
                           ("var/lib/juju-sim/faults.json", "{}\n")):
            self.write(name, text)

    def path(self, relative: str) -> str:
        return os.path.join(self.root, relative.lstrip("/"))

    def write(self, relative: str, text: str | bytes) -> None:
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(self.path(relative), mode) as handle:
            handle.write(text)

    def read(self, relative: str) -> str:
        with open(self.path(relative), encoding="utf-8") as handle:
            return handle.read()

    def env(self, **extra) -> dict:
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("JUJU_", "OPENCLAW_", "npm_"))
                       and key.lower() not in ("http_proxy", "https_proxy", "no_proxy", "debian_frontend")}
        # Only the unit's own commands: the host's node must not answer for a missing one.
        environment.update(JUJU_SIM_ROOT=self.root, JUJU_SIM_UNIT_DIR=self.path("var/lib/juju-sim"),
                           PATH=f"{self.path('usr/bin')}:{self.path('usr/sbin')}")
        environment.update(extra)
        return environment

    def run_tool(self, name: str, *args: str, input: bytes | None = None, **env) -> subprocess.CompletedProcess:
        command = [tool(name)] if os.path.sep not in name else [name]
        result = subprocess.run([*command, *args], env=self.env(**env), capture_output=True, timeout=60,
                                input=input, cwd=self.root)
        result.out = result.stdout.decode(errors="replace")
        result.err = result.stderr.decode(errors="replace")
        return result

    def installed(self, command: str, *args: str, **env) -> subprocess.CompletedProcess:
        """Run a command the unit has in /usr/bin, such as node or openclaw after their install."""
        return self.run_tool(self.path("usr/bin/" + command), *args, **env)

    def calls(self) -> list[dict]:
        try:
            with open(self.path("var/log/juju-sim/commands.jsonl")) as handle:
                return [json.loads(line) for line in handle]
        except FileNotFoundError:
            return []

    def set_fault(self, mode: str, name: str = "download-unreachable") -> None:
        self.write("var/lib/juju-sim/faults.json", json.dumps({name: mode}) + "\n")

    def install_nodesource_node(self) -> None:
        """Run the charm's Node.js steps: keyring, source, apt-get update and install."""
        steps = [("curl", "-fsSL", "-o", "/var/lib/openclaw-charm/key", KEY_URL),
                 ("gpg", "--batch", "--yes", "--dearmor", "-o", "/etc/apt/keyrings/nodesource.gpg",
                  "/var/lib/openclaw-charm/key")]
        for step in steps:
            self.assertEqual(self.run_tool(*step).returncode, 0)
        self.write("etc/apt/sources.list.d/nodesource.sources", NODESOURCE_SOURCES)
        for step in (("apt-get", "update", "--error-on=any"), ("apt-get", "install", "-y", "nodejs")):
            result = self.run_tool(*step)
            self.assertEqual(result.returncode, 0, result.out + result.err)
