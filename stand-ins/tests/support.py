"""Helpers for the stand-in tests: simulated units in temp dirs, processes that are always
cleaned up, free ports and polling with timeouts.

Tests use loopback addresses 127.0.0.200-250, which juju-sim does not hand out early
(it allocates from 127.0.0.2 upward).
"""

import itertools
import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

STANDINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENCLAW = os.path.join(STANDINS, "openclaw")
SYSTEMCTL = os.path.join(STANDINS, "systemctl")
COMMAND_TIMEOUT = 30

_addresses = itertools.cycle(range(200, 251))
for _ in range(random.randrange(51)):
    next(_addresses)


def next_address() -> str:
    return f"127.0.0.{next(_addresses)}"


def free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    """Poll predicate until it returns a truthy value; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def http_status(address: str, port: int, path: str, method: str = "GET", tls: bool = False):
    """Return (status, body) of a request, or (None, error text) when the connection fails."""
    import ssl
    url = f"{'https' if tls else 'http'}://{address}:{port}{path}"
    context = ssl._create_unverified_context() if tls else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5, context=context) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return None, str(error)


class SimUnit:
    """A simulated machine: its unit dir (address), OpenClaw state dir and environment."""

    def __init__(self, root: str, name: str, address: str | None = None):
        self.address = address or next_address()
        self.directory = os.path.join(root, name)
        self.unit_dir = os.path.join(self.directory, "juju-sim")
        self.state_dir = os.path.join(self.directory, "openclaw")
        os.makedirs(self.unit_dir)
        os.makedirs(self.state_dir)
        with open(os.path.join(self.unit_dir, "unit-address"), "w") as handle:
            handle.write(self.address + "\n")
        with open(os.path.join(self.unit_dir, "unit-name"), "w") as handle:
            handle.write(f"openclaw/{name}\n")
        self.config_path = os.path.join(self.state_dir, "openclaw.json")

    def env(self, **extra) -> dict:
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("OPENCLAW_", "JUJU_SIM_", "SYSTEMCTL_"))}
        environment.update(JUJU_SIM_UNIT_DIR=self.unit_dir, OPENCLAW_STATE_DIR=self.state_dir,
                           OPENCLAW_CONFIG_PATH=self.config_path, HOME=self.directory)
        environment.update({key: value for key, value in extra.items() if value is not None})
        return environment

    def write_config(self, document) -> None:
        text = document if isinstance(document, str) else json.dumps(document, indent=2)
        temporary = self.config_path + ".tmp"
        with open(temporary, "w") as handle:
            handle.write(text)
        os.replace(temporary, self.config_path)

    def events(self, kind: str | None = None) -> list[dict]:
        path = os.path.join(self.state_dir, "sim", "gateway-events.jsonl")
        try:
            with open(path) as handle:
                found = [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []
        return [event for event in found if kind is None or event["event"] == kind]


def gateway_config(port: int, token: str = "test-token", **gateway_extra) -> dict:
    """Return a config like the charm writes for a gateway unit."""
    gateway = {
        "mode": "local", "port": port, "bind": "lan",
        "auth": {"mode": "token", "token": token},
        "reload": {"mode": "hybrid"},
        "nodes": {"pairing": {"autoApproveCidrs": [], "sshVerify": False}},
    }
    gateway.update(gateway_extra)
    return {"gateway": gateway}


class ProcessTestCase(unittest.TestCase):
    """A test case that kills every process group it started, even when the test fails."""

    def setUp(self) -> None:
        self._temporary = tempfile.TemporaryDirectory(prefix="standin-test-")
        self.root = self._temporary.name
        self.addCleanup(self._temporary.cleanup)

    def spawn(self, args: list[str], env: dict, name: str) -> subprocess.Popen:
        log_path = os.path.join(self.root, f"{name}.log")
        log = open(log_path, "ab")
        self.addCleanup(log.close)
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log_path = log_path
        self.addCleanup(self._kill, process)
        return process

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=3)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)

    @staticmethod
    def read_log(process: subprocess.Popen) -> str:
        with open(process.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def run_openclaw(self, unit: SimUnit, *args: str, **env) -> subprocess.CompletedProcess:
        return subprocess.run([OPENCLAW, *args], env=unit.env(**env), capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)

    def start_gateway(self, unit: SimUnit, *args: str, **env) -> subprocess.Popen:
        """Start `openclaw gateway run` on unit without waiting (see wait_healthy)."""
        return self.spawn([OPENCLAW, "gateway", "run", *args], unit.env(**env), f"gateway-{unit.address}")

    def wait_healthy(self, unit: SimUnit, port: int, process: subprocess.Popen, tls: bool = False) -> None:
        def healthy():
            if process.poll() is not None:
                raise AssertionError(f"gateway exited with {process.returncode}:\n{self.read_log(process)}")
            return http_status(unit.address, port, "/healthz", tls=tls)[0] == 200
        wait_until(healthy, 15, message=f"gateway health on {unit.address}:{port}")

    def start_node(self, unit: SimUnit, gateway: SimUnit, port: int, *args: str, **env) -> subprocess.Popen:
        return self.spawn([OPENCLAW, "node", "run", "--host", gateway.address, "--port", str(port),
                           "--display-name", f"node-{unit.address}", *args], unit.env(**env), f"node-{unit.address}")

    def nodes_status(self, unit: SimUnit, **env) -> list[dict]:
        result = self.run_openclaw(unit, "nodes", "status", "--json", **env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return json.loads(result.stdout)["nodes"]
