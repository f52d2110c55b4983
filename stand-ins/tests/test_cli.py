"""Command-line surface of the openclaw stand-in: version and rejected options."""

import unittest

from tests.support import ProcessTestCase, SimUnit


class CliTest(ProcessTestCase):
    def setUp(self):
        super().setUp()
        self.unit = SimUnit(self.root, "0")

    def test_version_flags(self):
        for flag in ("--version", "-V", "-v"):
            with self.subTest(flag=flag):
                result = self.run_openclaw(self.unit, flag)
                self.assertEqual(result.returncode, 0)
                self.assertEqual(result.stdout.strip(), "2026.9.3")

    def test_version_override(self):
        result = self.run_openclaw(self.unit, "--version", OPENCLAW_SIM_VERSION="2026.10.1")
        self.assertEqual(result.stdout.strip(), "2026.10.1")

    def test_node_token_flag_rejected(self):
        result = self.run_openclaw(self.unit, "node", "run", "--host", "127.0.0.1", "--token", "x")
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: unknown option '--token'", result.stderr)

    def test_node_empty_host_rejected(self):
        result = self.run_openclaw(self.unit, "node", "run", "--host", "")
        self.assertEqual(result.returncode, 1)
        self.assertIn("--host must not be empty", result.stderr)

    def test_gateway_unknown_flag_rejected(self):
        result = self.run_openclaw(self.unit, "gateway", "--listen", "1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: unknown option '--listen'", result.stderr)

    def test_missing_option_value(self):
        result = self.run_openclaw(self.unit, "gateway", "run", "--port")
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: option '--port <port>' argument missing", result.stderr)

    def test_approve_needs_request_id(self):
        result = self.run_openclaw(self.unit, "nodes", "approve")
        self.assertEqual(result.returncode, 1)
        self.assertIn("missing required argument 'requestId'", result.stderr)

    def test_url_needs_token(self):
        result = self.run_openclaw(self.unit, "health", "--json", "--url", "ws://127.0.0.250:1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("--url needs --token", result.stdout)

    def test_unreachable_health_fails(self):
        self.unit.write_config({"gateway": {"mode": "local", "port": 1}})
        result = self.run_openclaw(self.unit, "health", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertIn('"type": "cli_error"', result.stdout)

    def test_injected_fault(self):
        with open(f"{self.unit.unit_dir}/faults.json", "w") as handle:
            handle.write('{"openclaw nodes approve": "once"}')
        result = self.run_openclaw(self.unit, "nodes", "approve", "some-id", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertIn("ERROR injected fault: openclaw nodes approve", result.stderr)
        with open(f"{self.unit.unit_dir}/faults-used") as handle:
            self.assertEqual(handle.read(), "openclaw nodes approve\n")


if __name__ == "__main__":
    unittest.main()
