"""systemd parsing rules in the systemctl stand-in, checked against systemd-analyze where possible."""

import os
import shutil
import subprocess
import tempfile
import unittest

from simlib.systemd.definition import build_service
from simlib.systemd.envfile import parse_environment_file
from simlib.systemd.timespan import parse_timespan
from simlib.systemd.unitfile import parse_unit_files
from simlib.systemd.words import expand_exec_argument, split_exec_commands, split_words
from tests.support import OPENCLAW, STANDINS

TEMPLATES = os.path.join(os.path.dirname(STANDINS), "templates")


def render_template(name: str) -> str:
    """Fill the charm template's placeholders with plausible values."""
    with open(os.path.join(TEMPLATES, name)) as handle:
        text = handle.read()
    values = {"openclaw_path": OPENCLAW, "gateway_host": "10.0.0.5", "gateway_port": "18789",
              "display_name": "openclaw-1", "tls_flags": "",
              "transport_environment": "Environment=OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1"}
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


class WordsTest(unittest.TestCase):
    def test_quotes_and_escapes(self):
        self.assertEqual(split_words(r'a "b c" d\ e \x41'), ["a", "b c", "d e", "A"])

    def test_unterminated_quote(self):
        with self.assertRaises(ValueError):
            split_words('a "b')

    def test_command_separator(self):
        self.assertEqual(split_exec_commands(r"/bin/a x \; ; /bin/b"), [["/bin/a", "x", ";"], ["/bin/b"]])

    def test_variable_expansion(self):
        environment = {"WORDS": "one two", "NAME": "x"}
        self.assertEqual(expand_exec_argument("$WORDS", environment), ["one", "two"])
        self.assertEqual(expand_exec_argument("${NAME}y", environment), ["xy"])
        self.assertEqual(expand_exec_argument("$UNSET", environment), [])
        self.assertEqual(expand_exec_argument("$$NAME", environment), ["$NAME"])


class EnvironmentFileTest(unittest.TestCase):
    def test_parsing_rules(self):
        warnings = []
        values = parse_environment_file('# c\n; c\nA=1\nB = spaced  \nC="q \\" x"\nD=\'$lit\'\nE=a\\\nb\nbad-name=1\n',
                                        warnings)
        self.assertEqual(values, {"A": "1", "B": "spaced", "C": 'q " x', "D": "$lit", "E": "ab"})
        self.assertEqual(len(warnings), 1)


class TimespanTest(unittest.TestCase):
    def test_units(self):
        self.assertEqual(parse_timespan("5"), 5)
        self.assertAlmostEqual(parse_timespan("100ms"), 0.1)
        self.assertEqual(parse_timespan("1min 30s"), 90)
        self.assertEqual(parse_timespan("infinity"), float("inf"))
        with self.assertRaises(ValueError):
            parse_timespan("5 parsecs")


class CharmTemplateTest(unittest.TestCase):
    def test_templates_load_cleanly(self):
        for name in ("openclaw.service", "openclaw-node.service"):
            with self.subTest(template=name):
                path = f"/etc/systemd/system/{name}"
                definition = build_service(name, path, parse_unit_files([(path, render_template(name))]))
                self.assertEqual(definition.warnings, [])
                self.assertEqual(definition.fatal_errors, [])
                self.assertEqual(definition.restart, "always")
                self.assertEqual(definition.kill_mode, "mixed")
                self.assertEqual(definition.timeout_stop_sec, 10)
                self.assertEqual(definition.wanted_by, ["multi-user.target"])


@unittest.skipIf(shutil.which("systemd-analyze") is None, "systemd-analyze is not installed (Debian package systemd)")
class SystemdAgreementTest(unittest.TestCase):
    """The stand-in warns about a unit file exactly when systemd-analyze verify does."""

    CASES = {
        "clean": "ExecStart=/bin/true\nRestart=always\n",
        "unknown key": "ExecStart=/bin/true\nRestartt=always\n",
        "bad restart": "ExecStart=/bin/true\nRestart=allways\n",
        "bad kill mode": "ExecStart=/bin/true\nKillMode=everything\n",
        "bad time": "ExecStart=/bin/true\nRestartSec=soon\n",
        "relative env file": "ExecStart=/bin/true\nEnvironmentFile=relative.env\n",
    }

    def verify(self, text: str) -> str:
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "case.service")
            with open(path, "w") as handle:
                handle.write(text)
            result = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True, timeout=60)
        return (result.stdout + result.stderr).strip()

    def test_same_verdict(self):
        for case, service in self.CASES.items():
            with self.subTest(case=case):
                text = f"[Unit]\nDescription=x\n[Service]\n{service}"
                systemd_output = self.verify(text)
                path = "/etc/systemd/system/case.service"
                definition = build_service("case.service", path, parse_unit_files([(path, text)]))
                self.assertEqual(bool(definition.warnings), bool(systemd_output),
                                 f"stand-in: {definition.warnings}; systemd: {systemd_output}")

    def test_rendered_templates_pass_verify(self):
        for name in ("openclaw.service", "openclaw-node.service"):
            with self.subTest(template=name):
                self.assertEqual(self.verify(render_template(name)), "")


if __name__ == "__main__":
    unittest.main()
