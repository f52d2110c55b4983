"""Gateway TLS with a generated certificate, and node fingerprint pinning."""

import json
import os
import shutil
import stat
import unittest

from simlib.openclaw.tlsutil import file_fingerprint
from tests.support import ProcessTestCase, SimUnit, free_port, gateway_config, http_status, wait_until

TOKEN = "tls-test-token"


@unittest.skipIf(shutil.which("openssl") is None, "the openssl command is not installed (Debian package openssl)")
class TlsTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = SimUnit(self.root, "gateway")
        self.node_unit = SimUnit(self.root, "node")
        self.port = free_port(self.gateway.address)
        config = gateway_config(self.port, token=TOKEN, tls={"enabled": True})
        config["gateway"]["nodes"]["pairing"]["autoApproveCidrs"] = [f"{self.node_unit.address}/32"]
        self.gateway.write_config(config)
        self.process = self.start_gateway(self.gateway)
        self.wait_healthy(self.gateway, self.port, self.process, tls=True)
        tls_dir = os.path.join(self.gateway.state_dir, "gateway", "tls")
        self.cert = os.path.join(tls_dir, "gateway-cert.pem")
        self.key = os.path.join(tls_dir, "gateway-key.pem")

    def node(self, *flags):
        return self.start_node(self.node_unit, self.gateway, self.port, *flags, OPENCLAW_GATEWAY_TOKEN=TOKEN)

    def test_certificate_generated_private(self):
        self.assertTrue(os.path.exists(self.cert))
        self.assertEqual(stat.S_IMODE(os.stat(self.key).st_mode), 0o600)
        self.assertIsNone(http_status(self.gateway.address, self.port, "/healthz")[0])

    def test_right_fingerprint_connects(self):
        fingerprint = file_fingerprint(self.cert)
        colon_form = ":".join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2)).upper()
        self.node("--tls", "--tls-fingerprint", colon_form)
        nodes = wait_until(lambda: [n for n in self.nodes_status(self.gateway) if n["connected"]], 10,
                           message="TLS node connected")
        self.assertTrue(nodes[0]["paired"])

    def test_wrong_fingerprint_exits(self):
        process = self.node("--tls", "--tls-fingerprint", "00" * 32)
        self.assertNotEqual(process.wait(timeout=15), 0)
        self.assertIn("fingerprint mismatch", self.read_log(process))
        self.assertEqual(self.nodes_status(self.gateway), [])

    def remote_cli(self, fingerprint, *args):
        self.node_unit.write_config({"gateway": {"mode": "remote", "remote": {
            "url": f"wss://{self.gateway.address}:{self.port}", "token": TOKEN, "tlsFingerprint": fingerprint}}})
        return self.run_openclaw(self.node_unit, "nodes", "status", *args)

    def test_remote_cli_right_fingerprint(self):
        result = self.remote_cli(file_fingerprint(self.cert), "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(result.stdout)["nodes"], [])

    def test_remote_cli_wrong_fingerprint_fails(self):
        result = self.remote_cli("00" * 32, "--json")
        self.assertEqual(result.returncode, 1)
        document = json.loads(result.stdout)
        self.assertFalse(document["ok"])
        self.assertIn("fingerprint mismatch", document["error"]["message"])

        result = self.remote_cli("00" * 32)
        self.assertEqual(result.returncode, 1)
        self.assertIn("fingerprint mismatch", result.stderr)

    def test_cli_uses_tls_from_config(self):
        result = self.run_openclaw(self.gateway, "health", "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertTrue(json.loads(result.stdout)["ok"])


if __name__ == "__main__":
    unittest.main()
