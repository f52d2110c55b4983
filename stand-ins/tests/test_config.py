"""Config loading and strict validation of the openclaw stand-in."""

import json
import os
import unittest
from unittest import mock

from simlib.openclaw.config import parse_config_text
from tests.support import ProcessTestCase, SimUnit

CHARM_CONFIG = """{
  // Written by the charm.
  "$schema": "https://openclaw.ai/schema.json",
  "gateway": {
    "mode": "local", "port": 18789, "bind": "lan",
    "auth": {"mode": "token", "token": "${OPENCLAW_GATEWAY_TOKEN}"},
    "reload": {"mode": "hybrid"},
    "controlUi": {"allowedOrigins": ["https://claw.example.com"], "allowInsecureAuth": false},
    "nodes": {"pairing": {"autoApproveLocal": true, "autoApproveCidrs": ["10.0.0.0/24", "127.0.0.2/32"],
                          "sshVerify": false}},
    "tls": {"enabled": false, "autoGenerate": true},
  },
  "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4", "fallbacks": ["openai/gpt-5"]},
                          "workspace": "/var/lib/openclaw/workspace"}},
  "models": {"mode": "merge", "providers": {"local": {"baseUrl": "http://10.0.0.5:8000/v1", "apiKey": "x",
             "api": "openai-completions", "models": [{"id": "qwen", "contextWindow": 32768}]}}},
  "auth": {"profiles": {"anthropic:default": {"provider": "anthropic", "mode": "api_key"}},
           "order": {"anthropic": ["anthropic:default"]}},
  "channels": {"telegram": {"enabled": true, "botToken": "123:abc", "dmPolicy": "pairing", "allowFrom": [42]}},
  "session": {"dmScope": "per-channel-peer"},
  "logging": {"level": "info", "consoleLevel": "warn"},
  "browser": {"enabled": false, "headless": true, "noSandbox": true},
  "tools": {"exec": {"host": "node", "node": "worker-1", "security": "allowlist"}},
  "env": {"vars": {"EXTRA": "1"}},
}
"""


def issues_of(text: str, **environment) -> list[str]:
    with mock.patch.dict(os.environ, environment):
        return [str(issue) for issue in parse_config_text(text, "/test/openclaw.json").issues]


class ConfigValidationTest(unittest.TestCase):
    def test_charm_config_valid(self):
        self.assertEqual(issues_of(CHARM_CONFIG, OPENCLAW_GATEWAY_TOKEN="t0ken"), [])

    def test_variable_substituted(self):
        with mock.patch.dict(os.environ, {"OPENCLAW_GATEWAY_TOKEN": "t0ken"}):
            loaded = parse_config_text(CHARM_CONFIG, "/test/openclaw.json")
        self.assertEqual(loaded.get("gateway.auth.token"), "t0ken")

    def test_unset_variable_named(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            issues = [str(i) for i in parse_config_text(CHARM_CONFIG, "/test/openclaw.json").issues]
        self.assertEqual(len(issues), 1)
        self.assertIn('Missing env var "OPENCLAW_GATEWAY_TOKEN"', issues[0])
        self.assertIn("gateway.auth.token", issues[0])

    def test_escaped_variable_literal(self):
        loaded = parse_config_text('{"gateway": {"auth": {"token": "$${NOT_SET_ANYWHERE}"}}}', "/x")
        self.assertEqual(loaded.issues, [])
        self.assertEqual(loaded.get("gateway.auth.token"), "${NOT_SET_ANYWHERE}")

    def test_unknown_key_rejected(self):
        issues = issues_of('{"gateway": {"mode": "local", "prot": 1}}')
        self.assertEqual(issues, ['gateway: Unrecognized key: "prot"'])

    def test_unknown_root_key_rejected(self):
        self.assertEqual(issues_of('{"gatway": {}}'), ['<root>: Unrecognized key: "gatway"'])

    def test_wrong_type_rejected(self):
        issues = issues_of('{"gateway": {"port": "18789"}}')
        self.assertEqual(issues, ["gateway.port: Invalid input: expected int, received string"])

    def test_port_range_checked(self):
        self.assertEqual(issues_of('{"gateway": {"port": 70000}}'),
                         ["gateway.port: Too big: expected number to be <=65535"])

    def test_bad_enum_rejected(self):
        for text, path in (('{"gateway": {"bind": "0.0.0.0"}}', "gateway.bind"),
                           ('{"gateway": {"mode": "server"}}', "gateway.mode"),
                           ('{"gateway": {"reload": {"mode": "hot"}}}', "gateway.reload.mode"),
                           ('{"session": {"dmScope": "global"}}', "session.dmScope")):
            with self.subTest(path=path):
                issues = issues_of(text)
                self.assertEqual(len(issues), 1)
                self.assertTrue(issues[0].startswith(f"{path}: Invalid option"), issues[0])

    def test_bad_cidr_rejected(self):
        issues = issues_of('{"gateway": {"nodes": {"pairing": {"autoApproveCidrs": ["10.0.0.0/33"]}}}}')
        self.assertEqual(len(issues), 1)
        self.assertIn("gateway.nodes.pairing.autoApproveCidrs.0", issues[0])

    def test_open_dm_policy_needs_wildcard(self):
        issues = issues_of('{"channels": {"telegram": {"dmPolicy": "open", "allowFrom": [1]}}}')
        self.assertEqual(len(issues), 1)
        self.assertIn('allowFrom to include "*"', issues[0])

    def test_invalid_json_reported(self):
        issues = issues_of('{"gateway": }')
        self.assertEqual(len(issues), 1)
        self.assertIn("Invalid JSON5", issues[0])


class ConfigValidateCommandTest(ProcessTestCase):
    def test_validate_json_valid(self):
        unit = SimUnit(self.root, "0")
        unit.write_config(CHARM_CONFIG)
        result = self.run_openclaw(unit, "config", "validate", "--json", OPENCLAW_GATEWAY_TOKEN="t")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["ok"], True)

    def test_validate_json_invalid(self):
        unit = SimUnit(self.root, "0")
        unit.write_config({"gateway": {"mode": "local", "bogus": True}})
        result = self.run_openclaw(unit, "config", "validate", "--json")
        self.assertEqual(result.returncode, 1)
        document = json.loads(result.stdout)
        self.assertFalse(document["ok"])
        self.assertEqual(document["issues"], [{"path": "gateway", "message": 'Unrecognized key: "bogus"'}])
        self.assertEqual(document["error"]["type"], "cli_error")

    def test_validate_missing_file(self):
        unit = SimUnit(self.root, "0")
        result = self.run_openclaw(unit, "config", "validate", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertIn("Config file not found", json.loads(result.stdout)["error"]["message"])


if __name__ == "__main__":
    unittest.main()
