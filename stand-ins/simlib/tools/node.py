"""node as the nodejs package installs it: `--version`, and running OpenClaw's entry point.

The launcher apt-get writes at /usr/bin/node sets JUJU_SIM_NODE_VERSION to the packaged version.
`node SCRIPT ARGS...` finds the package.json next to the script (after resolving links, as node
does); for the `openclaw` package it becomes the openclaw stand-in at that package's version,
which checks its Node.js floor itself. Other scripts are out of scope (exit 1).
"""

import json
import os
import sys

from simlib.tools.common import error, record_call, stand_ins_dir

DEFAULT_VERSION = "24.18.0"


def node_version() -> str:
    return os.environ.get("JUJU_SIM_NODE_VERSION") or DEFAULT_VERSION


def _package_of(script: str) -> dict | None:
    directory = os.path.dirname(script)
    while True:
        try:
            with open(os.path.join(directory, "package.json"), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            pass
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def main(args: list[str]) -> int:
    if args and args[0] in ("--version", "-v"):
        print(f"v{node_version()}")
        record_call(["node", *args], 0)
        return 0
    if not args or args[0].startswith("-"):
        error("node: the juju-sim stand-in runs only `node --version` and `node SCRIPT`")
        record_call(["node", *args], 9)
        return 9
    script = os.path.realpath(args[0])
    if not os.path.isfile(script):
        error(f"node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '{script}'")
        record_call(["node", *args], 1)
        return 1
    package = _package_of(script)
    if not package or package.get("name") != "openclaw":
        error(f"node: the juju-sim stand-in cannot run {args[0]} (only the openclaw package)")
        record_call(["node", *args], 1)
        return 1
    environment = dict(os.environ, JUJU_SIM_NODE_VERSION=node_version(),
                       OPENCLAW_SIM_VERSION=str(package.get("version", "")))
    openclaw = os.path.join(stand_ins_dir(), "openclaw")
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, openclaw, *args[1:]], environment)
    return 1
