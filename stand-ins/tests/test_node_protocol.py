"""The gateway's protocol check: a node of its own release or one release older connects, a newer one does not."""

from tests.support import ProcessTestCase, SimUnit, free_port, gateway_config, wait_until

TOKEN = "protocol-test-token"


class NodeProtocolTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = SimUnit(self.root, "gateway")
        self.node_unit = SimUnit(self.root, "node")
        self.port = free_port(self.gateway.address)
        config = gateway_config(self.port, token=TOKEN)
        config["gateway"]["nodes"]["pairing"] = {"autoApproveCidrs": [f"{self.node_unit.address}/32"],
                                                 "sshVerify": False}
        self.gateway.write_config(config)
        process = self.start_gateway(self.gateway, OPENCLAW_SIM_VERSION="2026.9.3")
        self.wait_healthy(self.gateway, self.port, process)

    def node(self, version: str):
        return self.start_node(self.node_unit, self.gateway, self.port, OPENCLAW_GATEWAY_TOKEN=TOKEN,
                               OPENCLAW_ALLOW_INSECURE_PRIVATE_WS="1", OPENCLAW_SIM_VERSION=version)

    def connected(self):
        return [node for node in self.nodes_status(self.gateway, OPENCLAW_SIM_VERSION="2026.9.3") if node["connected"]]

    def test_one_release_older_node_connects(self):
        self.node("2026.8.21")
        nodes = wait_until(self.connected, 10, message="older node connected")
        self.assertEqual(nodes[0]["version"], "2026.8.21")

    def test_newer_node_rejected(self):
        process = self.node("2026.10.2")
        wait_until(lambda: "upgrade the gateway first" in self.read_log(process), 10, message="rejection logged")
        self.assertEqual(self.connected(), [])
