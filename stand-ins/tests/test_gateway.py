"""Gateway start rules, health endpoints, auth and shutdown of the openclaw stand-in."""

import json
import signal
import socket
import time
import unittest

from tests.support import ProcessTestCase, SimUnit, free_port, gateway_config, http_status, wait_until


class GatewayStartRulesTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.unit = SimUnit(self.root, "0")
        self.port = free_port(self.unit.address)

    def run_gateway(self, *args, **env):
        process = self.start_gateway(self.unit, *args, **env)
        process.wait(timeout=15)
        return process.returncode, self.read_log(process)

    def test_remote_mode_refused(self):
        config = gateway_config(self.port)
        config["gateway"]["mode"] = "remote"
        self.unit.write_config(config)
        code, log = self.run_gateway()
        self.assertEqual(code, 1)
        self.assertIn("set gateway.mode=local (current: remote)", log)

    def test_missing_mode_is_damaged(self):
        config = gateway_config(self.port)
        del config["gateway"]["mode"]
        self.unit.write_config(config)
        code, log = self.run_gateway()
        self.assertEqual(code, 1)
        self.assertIn("damaged", log)

    def test_lan_without_auth_refused(self):
        self.unit.write_config({"gateway": {"mode": "local", "port": self.port, "bind": "lan",
                                            "auth": {"mode": "none"}}})
        code, log = self.run_gateway()
        self.assertEqual(code, 78)
        self.assertIn("Refusing to bind gateway to lan without auth.", log)

    def test_invalid_config_refused(self):
        config = gateway_config(self.port)
        config["gateway"]["unknownKey"] = 1
        self.unit.write_config(config)
        code, log = self.run_gateway()
        self.assertEqual(code, 1)
        self.assertIn('Unrecognized key: "unknownKey"', log)

    def test_allow_unconfigured_starts(self):
        process = self.start_gateway(self.unit, "--allow-unconfigured", "--port", str(self.port))
        self.wait_healthy(self.unit, self.port, process)

    def test_token_never_logged(self):
        refused = self.start_gateway(self.unit, "--port", str(self.port))
        # The first gateway has no config and must exit before the config exists, or it could start with it and
        # hold the port that the second one needs.
        self.assertNotEqual(refused.wait(timeout=30), 0)
        self.unit.write_config(gateway_config(self.port, token="very-secret-token"))
        process = self.start_gateway(self.unit)
        self.wait_healthy(self.unit, self.port, process)
        self.assertNotIn("very-secret-token", self.read_log(process))


class GatewayServingTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.unit = SimUnit(self.root, "0")
        self.port = free_port(self.unit.address)
        self.unit.write_config(gateway_config(self.port, token="right"))
        self.process = self.start_gateway(self.unit)
        self.wait_healthy(self.unit, self.port, self.process)

    def test_health_endpoints(self):
        for path, body in (("/health", {"ok": True, "status": "live"}), ("/healthz", {"ok": True, "status": "live"}),
                           ("/ready", {"ready": True}), ("/readyz", {"ready": True})):
            with self.subTest(path=path):
                status, payload = http_status(self.unit.address, self.port, path)
                self.assertEqual(status, 200)
                self.assertEqual(json.loads(payload), body)
                self.assertEqual(http_status(self.unit.address, self.port, path, method="HEAD")[0], 200)

    def test_other_paths_need_auth(self):
        self.assertEqual(http_status(self.unit.address, self.port, "/api/anything")[0], 401)

    def test_cli_health_json(self):
        result = self.run_openclaw(self.unit, "health", "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        document = json.loads(result.stdout)
        self.assertTrue(document["ok"])
        self.assertIn("durationMs", document)
        self.assertEqual(document["channels"], {})

    def test_cli_wrong_token_fails(self):
        result = self.run_openclaw(self.unit, "health", "--json", OPENCLAW_GATEWAY_TOKEN="wrong")
        self.assertEqual(result.returncode, 1)
        self.assertIn("unauthorized", json.loads(result.stdout)["error"]["message"])

    def test_cli_url_with_token(self):
        result = self.run_openclaw(self.unit, "health", "--json", "--url", f"ws://{self.unit.address}:{self.port}",
                                   "--token", "right", OPENCLAW_GATEWAY_TOKEN="ignored-with-url")
        self.assertEqual(result.returncode, 0, result.stdout)

    def test_sigterm_exits_quickly(self):
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.assertEqual(self.process.wait(timeout=5), 0)
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertIsNone(http_status(self.unit.address, self.port, "/healthz")[0])


class GatewayBindTest(ProcessTestCase):
    def test_loopback_rejects_other_units(self):
        unit = SimUnit(self.root, "0")
        other = SimUnit(self.root, "1")
        port = free_port(unit.address)
        config = gateway_config(port)
        config["gateway"]["bind"] = "loopback"
        unit.write_config(config)
        process = self.start_gateway(unit)
        self.wait_healthy(unit, port, process)

        with socket.create_connection((unit.address, port), timeout=5, source_address=(other.address, 0)) as peer:
            peer.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(peer.recv(100), b"")

    def test_port_flag_beats_env_and_config(self):
        unit = SimUnit(self.root, "0")
        flag_port, env_port, config_port = (free_port(unit.address) for _ in range(3))
        unit.write_config(gateway_config(config_port))
        process = self.start_gateway(unit, "--port", str(flag_port), OPENCLAW_GATEWAY_PORT=str(env_port))
        self.wait_healthy(unit, flag_port, process)

    def test_env_port_beats_config(self):
        unit = SimUnit(self.root, "0")
        env_port, config_port = free_port(unit.address), free_port(unit.address)
        unit.write_config(gateway_config(config_port))
        process = self.start_gateway(unit, OPENCLAW_GATEWAY_PORT=str(env_port))
        self.wait_healthy(unit, env_port, process)
        wait_until(lambda: unit.events("start"), 5, message="start event")
        self.assertEqual(unit.events("start")[0]["port"], env_port)


if __name__ == "__main__":
    unittest.main()
