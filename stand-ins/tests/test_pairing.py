"""Node connections through the openclaw stand-in: auth, device pairing and command approval."""

import json
import time
import unittest

from tests.support import ProcessTestCase, SimUnit, free_port, gateway_config, wait_until

TOKEN = "pairing-test-token"


class PairingTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = SimUnit(self.root, "gateway")
        self.node_unit = SimUnit(self.root, "node")
        self.port = free_port(self.gateway.address)

    def start(self, cidrs: list[str], ssh_verify: bool | None = False):
        config = gateway_config(self.port, token=TOKEN)
        pairing = {"autoApproveCidrs": cidrs}
        if ssh_verify is not None:
            pairing["sshVerify"] = ssh_verify
        config["gateway"]["nodes"]["pairing"] = pairing
        self.gateway.write_config(config)
        process = self.start_gateway(self.gateway)
        self.wait_healthy(self.gateway, self.port, process)
        return process

    def node(self, token: str = TOKEN):
        return self.start_node(self.node_unit, self.gateway, self.port, OPENCLAW_GATEWAY_TOKEN=token,
                               OPENCLAW_ALLOW_INSECURE_PRIVATE_WS="1")

    def gateway_cli(self, *args: str):
        result = self.run_openclaw(self.gateway, *args)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return json.loads(result.stdout)

    def connected_nodes(self):
        return [node for node in self.nodes_status(self.gateway) if node["connected"]]

    def test_cidr_node_paired_connected(self):
        self.start([f"{self.node_unit.address}/32"])
        self.node()
        nodes = wait_until(self.connected_nodes, 10, message="node connected")
        self.assertEqual(len(nodes), 1)
        self.assertTrue(nodes[0]["paired"])
        self.assertEqual(nodes[0]["remoteIp"], self.node_unit.address)
        self.assertEqual(nodes[0]["displayName"], f"node-{self.node_unit.address}")

    def test_node_unit_sees_itself_remotely(self):
        self.start([f"{self.node_unit.address}/32"])
        self.node()
        wait_until(self.connected_nodes, 10, message="node connected")
        self.node_unit.write_config({"gateway": {"mode": "remote", "remote": {
            "url": f"ws://{self.gateway.address}:{self.port}", "token": "${OPENCLAW_GATEWAY_TOKEN}"}}})
        nodes = self.nodes_status(self.node_unit, OPENCLAW_GATEWAY_TOKEN=TOKEN)
        self.assertEqual([node["connected"] for node in nodes], [True])

    def test_idle_node_stays_connected(self):
        self.start([f"{self.node_unit.address}/32"])
        process = self.node()
        wait_until(self.connected_nodes, 10, message="node connected")
        # Longer than the 10 s connect timeout, which must not apply to an idle connection.
        time.sleep(11)
        self.assertEqual(len(self.connected_nodes()), 1)
        self.assertNotIn("Node reconnecting", self.read_log(process))

    def test_wrong_token_exits_nonzero(self):
        self.start([f"{self.node_unit.address}/32"])
        process = self.node(token="wrong-token")
        self.assertNotEqual(process.wait(timeout=15), 0)
        self.assertIn("unauthorized", self.read_log(process))
        self.assertEqual(self.nodes_status(self.gateway), [])

    def test_outside_cidr_pending_until_restart(self):
        self.start(["10.0.0.0/24"])
        first = self.node()
        pending = wait_until(lambda: self.gateway_cli("devices", "list", "--json")["pending"], 10,
                             message="pending device request")
        self.assertEqual(pending[0]["remoteIp"], self.node_unit.address)
        self.assertEqual(pending[0]["role"], "node")
        wait_until(lambda: "pairing required" in self.read_log(first), 5, message="pairing required log")
        self.assertEqual(self.connected_nodes(), [])

        approved = self.gateway_cli("devices", "approve", pending[0]["requestId"], "--json")
        self.assertEqual(approved["requestId"], pending[0]["requestId"])
        self.assertEqual(len(self.gateway_cli("devices", "list", "--json")["paired"]), 1)
        self.assertIsNone(first.poll(), "the node must keep running while it waits")
        self.assertEqual(self.connected_nodes(), [])

        self._kill(first)
        self.node()
        nodes = wait_until(self.connected_nodes, 10, message="node connected after restart")
        self.assertTrue(nodes[0]["paired"])
        self.assertFalse(nodes[0]["commandsApproved"])
        self.assertEqual(nodes[0]["commands"], [])

        node_requests = self.gateway_cli("nodes", "pending", "--json")["pending"]
        self.assertEqual(len(node_requests), 1)
        self.assertNotEqual(node_requests[0]["requestId"], pending[0]["requestId"])
        self.assertIn("system.run", node_requests[0]["commands"])
        self.gateway_cli("nodes", "approve", node_requests[0]["requestId"], "--json")
        node = self.connected_nodes()[0]
        self.assertTrue(node["commandsApproved"])
        self.assertIn("system.which", node["commands"])
        self.assertEqual(self.gateway_cli("nodes", "pending", "--json")["pending"], [])

    def test_ssh_verify_default_blocks_auto_approval(self):
        self.start([f"{self.node_unit.address}/32"], ssh_verify=None)
        self.node()
        wait_until(lambda: self.gateway_cli("devices", "list", "--json")["pending"], 10,
                   message="pending device request")
        self.assertEqual(self.connected_nodes(), [])

    def test_approve_without_id_previews(self):
        self.start([])
        self.node()
        pending = wait_until(lambda: self.gateway_cli("devices", "list", "--json")["pending"], 10,
                             message="pending device request")
        result = self.run_openclaw(self.gateway, "devices", "approve", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertIn(pending[0]["requestId"], json.loads(result.stdout)["error"]["message"])
        self.assertEqual(self.gateway_cli("devices", "list", "--json")["paired"], [])

    def test_unknown_request_rejected(self):
        self.start([])
        result = self.run_openclaw(self.gateway, "nodes", "approve", "no-such-request", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown requestId", json.loads(result.stdout)["error"]["message"])

    def test_local_node_auto_approved(self):
        self.start([])
        self.start_node(self.gateway, self.gateway, self.port, OPENCLAW_GATEWAY_TOKEN=TOKEN)
        nodes = wait_until(self.connected_nodes, 10, message="local node connected")
        self.assertTrue(nodes[0]["paired"])

    def test_node_reconnects_after_gateway_restart(self):
        gateway_process = self.start([f"{self.node_unit.address}/32"])
        node_process = self.node()
        wait_until(self.connected_nodes, 10, message="node connected")
        self._kill(gateway_process)
        gateway_process = self.start_gateway(self.gateway)
        self.wait_healthy(self.gateway, self.port, gateway_process)
        wait_until(self.connected_nodes, 10, message="node reconnected")
        self.assertIn("Node reconnecting in 1000ms", self.read_log(node_process))


class PlaintextRulesTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = SimUnit(self.root, "gateway")
        self.node_unit = SimUnit(self.root, "node")

    def test_private_address_needs_opt_in(self):
        result = self.run_openclaw(self.node_unit, "node", "run", "--host", self.gateway.address, "--port", "1",
                                   OPENCLAW_GATEWAY_TOKEN=TOKEN)
        self.assertEqual(result.returncode, 1)
        self.assertIn("SECURITY ERROR", result.stdout + result.stderr)

    def test_public_address_refused_even_with_opt_in(self):
        result = self.run_openclaw(self.node_unit, "node", "run", "--host", "8.8.8.8", "--port", "1",
                                   OPENCLAW_GATEWAY_TOKEN=TOKEN, OPENCLAW_ALLOW_INSECURE_PRIVATE_WS="1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("SECURITY ERROR", result.stdout + result.stderr)

    def test_own_address_allowed_plaintext(self):
        port = free_port(self.node_unit.address)
        process = self.start_node(self.node_unit, self.node_unit, port, OPENCLAW_GATEWAY_TOKEN=TOKEN)
        wait_until(lambda: "Node reconnecting in 1000ms" in self.read_log(process), 10, message="reconnect attempt")
        self.assertIsNone(process.poll())

    def test_private_host_rules(self):
        from simlib.openclaw.addresses import is_private_host
        for host, expected in (("10.1.2.3", True), ("192.168.0.9", True), ("gw.local", True),
                               ("box.tail1234.ts.net", True), ("8.8.8.8", False), ("example.com", False)):
            with self.subTest(host=host):
                self.assertEqual(is_private_host(host), expected)


if __name__ == "__main__":
    unittest.main()
