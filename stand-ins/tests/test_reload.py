"""Hot reload of the gateway config under gateway.reload.mode hybrid and off."""

import time
import unittest

from tests.support import ProcessTestCase, SimUnit, free_port, gateway_config, http_status, wait_until

# Longer than several watch intervals (150 ms), so a missed reload would show.
SETTLE_SECONDS = 0.8


class HotReloadTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.unit = SimUnit(self.root, "0")
        self.port = free_port(self.unit.address)
        self.config = gateway_config(self.port)
        self.unit.write_config(self.config)
        self.process = self.start_gateway(self.unit)
        self.wait_healthy(self.unit, self.port, self.process)

    def test_pairing_change_applies_live(self):
        self.config["gateway"]["nodes"]["pairing"]["autoApproveCidrs"] = ["10.0.0.0/24"]
        self.unit.write_config(self.config)
        wait_until(lambda: self.unit.events("reload"), 5, message="reload event")
        time.sleep(SETTLE_SECONDS)
        self.assertEqual(self.unit.events("restart"), [])
        self.assertEqual(self.unit.events("reload")[0]["paths"], ["gateway.nodes.pairing.autoApproveCidrs"])
        self.assertIn("config reloaded", self.read_log(self.process))

    def test_port_change_restarts_once(self):
        new_port = free_port(self.unit.address)
        self.config["gateway"]["port"] = new_port
        self.unit.write_config(self.config)
        wait_until(lambda: http_status(self.unit.address, new_port, "/healthz")[0] == 200, 10,
                   message="health on the new port")
        time.sleep(SETTLE_SECONDS)
        restarts = self.unit.events("restart")
        self.assertEqual(len(restarts), 1)
        self.assertEqual(restarts[0]["paths"], ["gateway.port"])
        self.assertEqual(len(self.unit.events("start")), 1)
        self.assertIsNone(http_status(self.unit.address, self.port, "/healthz")[0])
        self.assertIsNone(self.process.poll())

    def test_invalid_change_skipped(self):
        self.config["gateway"]["port"] = "not-a-port"
        self.unit.write_config(self.config)
        wait_until(lambda: self.unit.events("reload-skipped"), 5, message="reload-skipped event")
        self.assertEqual(self.unit.events("restart"), [])
        self.assertEqual(http_status(self.unit.address, self.port, "/healthz")[0], 200)
        self.assertIn("config reload skipped (invalid config)", self.read_log(self.process))

    def test_off_mode_ignores_changes(self):
        self.config["gateway"]["reload"]["mode"] = "off"
        self.config["gateway"]["port"] = free_port(self.unit.address)
        self.unit.write_config(self.config)
        time.sleep(SETTLE_SECONDS)
        self.assertEqual(self.unit.events("restart"), [])
        self.assertEqual(self.unit.events("reload"), [])
        self.assertEqual(http_status(self.unit.address, self.port, "/healthz")[0], 200)

    def test_channel_change_live(self):
        self.config["channels"] = {"telegram": {"enabled": True, "botToken": "1:x"}}
        self.unit.write_config(self.config)
        wait_until(lambda: self.unit.events("reload"), 5, message="reload event")
        self.assertEqual(self.unit.events("restart"), [])


if __name__ == "__main__":
    unittest.main()
