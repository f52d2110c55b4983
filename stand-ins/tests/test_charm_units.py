"""The charm's rendered unit files run under the systemctl stand-in with the openclaw stand-in."""

import json
import os
import signal
import subprocess
import unittest

from tests.support import SYSTEMCTL, ProcessTestCase, SimUnit, free_port, gateway_config, wait_until
from tests.test_unit_parsing import render_template

TOKEN = "charm-units-token"


class SimMachine:
    """A SimUnit plus a SYSTEMCTL_ROOT with the account and env files the charm would write."""

    def __init__(self, root: str, name: str):
        self.unit = SimUnit(root, name)
        self.systemd_root = os.path.join(self.unit.directory, "root")
        for directory in ("etc/systemd/system", "etc/openclaw"):
            os.makedirs(os.path.join(self.systemd_root, directory))
        # The service user maps to the test's own uid, so no privilege drop is needed.
        with open(os.path.join(self.systemd_root, "etc/passwd"), "w") as handle:
            handle.write(f"openclaw:x:{os.getuid()}:{os.getgid()}:OpenClaw:{self.unit.state_dir}:/bin/sh\n")
        with open(os.path.join(self.systemd_root, "etc/group"), "w") as handle:
            handle.write(f"openclaw:x:{os.getgid()}:\n")

    def install_unit(self, template: str, name: str, environment_file: str, replacements: dict) -> None:
        text = render_template(template).replace("/var/lib/openclaw", self.unit.state_dir)
        for old, new in replacements.items():
            text = text.replace(old, new)
        with open(os.path.join(self.systemd_root, "etc/systemd/system", name), "w") as handle:
            handle.write(text)
        with open(os.path.join(self.systemd_root, "etc/openclaw", environment_file), "w") as handle:
            handle.write(f"OPENCLAW_GATEWAY_TOKEN={TOKEN}\n")

    def systemctl(self, *args: str) -> subprocess.CompletedProcess:
        environment = self.unit.env(SYSTEMCTL_ROOT=self.systemd_root)
        return subprocess.run([SYSTEMCTL, *args], env=environment, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def kill_services(self) -> None:
        for name in ("openclaw.service", "openclaw-node.service"):
            path = os.path.join(self.systemd_root, "var/lib/juju-sim/systemd/units", name + ".json")
            try:
                with open(path) as handle:
                    runtime = json.load(handle)
            except FileNotFoundError:
                continue
            for key, kill in (("supervisorPid", os.kill), ("mainPid", os.killpg)):
                if runtime.get(key):
                    try:
                        kill(runtime[key], signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass


class CharmUnitsTest(ProcessTestCase):
    def test_gateway_and_node_services(self):
        gateway = SimMachine(self.root, "gateway")
        node = SimMachine(self.root, "node")
        for machine in (gateway, node):
            self.addCleanup(machine.kill_services)
        port = free_port(gateway.unit.address)
        config = gateway_config(port, token="${OPENCLAW_GATEWAY_TOKEN}")
        config["gateway"]["nodes"]["pairing"]["autoApproveCidrs"] = [f"{node.unit.address}/32"]
        gateway.unit.write_config(config)

        gateway.install_unit("openclaw.service", "openclaw.service", "gateway.env", {})
        node.install_unit("openclaw-node.service", "openclaw-node.service", "node.env",
                          {"10.0.0.5": gateway.unit.address, "18789": str(port)})

        for machine, unit in ((gateway, "openclaw"), (node, "openclaw-node")):
            self.assertEqual(machine.systemctl("daemon-reload").returncode, 0)
            enable = machine.systemctl("enable", "--now", unit)
            self.assertEqual(enable.returncode, 0, enable.stderr)

        def node_connected():
            result = self.run_openclaw(gateway.unit, "nodes", "status", "--json", OPENCLAW_GATEWAY_TOKEN=TOKEN)
            return result.returncode == 0 and any(n["connected"] for n in json.loads(result.stdout)["nodes"])

        wait_until(node_connected, 15, message="node service connected to the gateway service")
        self.assertEqual(gateway.systemctl("is-active", "openclaw").stdout.strip(), "active")

        self.assertEqual(node.systemctl("stop", "openclaw-node").returncode, 0)
        self.assertEqual(gateway.systemctl("stop", "openclaw").returncode, 0)
        self.assertEqual(gateway.systemctl("is-active", "openclaw").stdout.strip(), "inactive")
        self.assertEqual(node.systemctl("is-active", "openclaw-node").stdout.strip(), "inactive")


if __name__ == "__main__":
    unittest.main()
