"""The systemctl stand-in: lifecycle verbs, unit loading, supervision and fault injection."""

import glob
import json
import os
import pwd
import signal
import subprocess
import tempfile
import time
import unittest

from tests.support import SYSTEMCTL, wait_until

SLEEPER = "/bin/sh -c 'exec sleep 300'"


class SystemctlTestCase(unittest.TestCase):
    """A temp root for SYSTEMCTL_ROOT; cleanup kills every supervisor and service it started."""

    def setUp(self):
        self._temporary = tempfile.TemporaryDirectory(prefix="systemctl-test-")
        self.root = self._temporary.name
        self.unit_dir = os.path.join(self.root, "var/lib/juju-sim")
        os.makedirs(os.path.join(self.root, "etc/systemd/system"))
        os.makedirs(self.unit_dir)
        self.addCleanup(self._temporary.cleanup)
        self.addCleanup(self._kill_everything)

    def _kill_everything(self):
        for path in glob.glob(os.path.join(self.root, "var/lib/juju-sim/systemd/units/*.json")):
            with open(path) as handle:
                runtime = json.load(handle)
            for key, kill in (("supervisorPid", os.kill), ("mainPid", os.killpg)):
                if runtime.get(key):
                    try:
                        kill(runtime[key], signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass

    def env(self) -> dict:
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("SYSTEMCTL_", "JUJU_"))}
        environment.update(SYSTEMCTL_ROOT=self.root, JUJU_SIM_UNIT_DIR=self.unit_dir)
        return environment

    def systemctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([SYSTEMCTL, *args], env=self.env(), capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def write_unit(self, name: str, service: str, install: str = "[Install]\nWantedBy=multi-user.target\n",
                   description: str = "Test service") -> str:
        path = os.path.join(self.root, "etc/systemd/system", name)
        with open(path, "w") as handle:
            handle.write(f"[Unit]\nDescription={description}\n\n[Service]\n{service}\n\n{install}")
        return path

    def show(self, unit: str, prop: str) -> str:
        return self.systemctl("show", unit, "-p", prop, "--value").stdout.strip()

    def log_text(self, unit: str) -> str:
        try:
            with open(os.path.join(self.root, "var/log/juju-sim", unit + ".log")) as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    def process_environment(self, pid: int) -> dict:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            pairs = [item.decode().split("=", 1) for item in handle.read().split(b"\0") if item]
        return dict(pairs)


class LifecycleTest(SystemctlTestCase):
    def test_start_stop_is_active(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "inactive")
        self.assertEqual(self.systemctl("start", "demo").returncode, 0)
        active = self.systemctl("is-active", "demo.service")
        self.assertEqual((active.returncode, active.stdout.strip()), (0, "active"))
        pid = int(self.show("demo", "MainPID"))
        self.assertGreater(pid, 0)

        stop = self.systemctl("stop", "demo")
        self.assertEqual(stop.returncode, 0, stop.stderr)
        inactive = self.systemctl("is-active", "demo")
        self.assertEqual((inactive.returncode, inactive.stdout.strip()), (3, "inactive"))
        self.assertFalse(os.path.exists(f"/proc/{pid}"))

    def test_start_twice_is_noop(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.systemctl("start", "demo")
        pid = self.show("demo", "MainPID")
        self.assertEqual(self.systemctl("start", "demo").returncode, 0)
        self.assertEqual(self.show("demo", "MainPID"), pid)

    def test_restart_replaces_process(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("restart", "demo").returncode, 0)
        first = self.show("demo", "MainPID")
        self.assertEqual(self.systemctl("restart", "demo").returncode, 0)
        self.assertNotEqual(self.show("demo", "MainPID"), first)
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "active")

    def test_unknown_unit_not_found(self):
        result = self.systemctl("start", "nothing")
        self.assertEqual(result.returncode, 5)
        self.assertEqual(result.stderr.strip(), "Failed to start nothing.service: Unit nothing.service not found.")

    def test_is_active_mixed_exit_code(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.systemctl("start", "demo")
        result = self.systemctl("is-active", "demo", "other")
        self.assertEqual(result.returncode, 3)
        self.assertEqual(result.stdout.split(), ["active", "inactive"])

    def test_status_exit_codes(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("status", "demo").returncode, 3)
        self.systemctl("start", "demo")
        status = self.systemctl("status", "demo")
        self.assertEqual(status.returncode, 0)
        self.assertIn("Active: active (running)", status.stdout)
        self.assertEqual(self.systemctl("status", "nothing").returncode, 4)

    def test_enable_disable(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("is-enabled", "demo").returncode, 1)
        enable = self.systemctl("enable", "--now", "demo")
        self.assertEqual(enable.returncode, 0, enable.stderr)
        self.assertIn("Created symlink /etc/systemd/system/multi-user.target.wants/demo.service", enable.stderr)
        link = os.path.join(self.root, "etc/systemd/system/multi-user.target.wants/demo.service")
        self.assertEqual(os.readlink(link), "/etc/systemd/system/demo.service")
        self.assertEqual(self.systemctl("is-enabled", "demo").stdout.strip(), "enabled")
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "active")

        disable = self.systemctl("disable", "--now", "demo")
        self.assertEqual(disable.returncode, 0, disable.stderr)
        self.assertFalse(os.path.lexists(link))
        self.assertEqual(self.systemctl("is-enabled", "demo").stdout.strip(), "disabled")
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "inactive")

    def test_exit_failure_marks_failed(self):
        self.write_unit("demo.service", "ExecStart=/bin/sh -c 'exit 3'")
        self.systemctl("start", "demo")
        wait_until(lambda: self.systemctl("is-active", "demo").stdout.strip() == "failed", 5, message="failed state")
        self.assertEqual(self.systemctl("is-failed", "demo").returncode, 0)
        self.assertEqual(self.show("demo", "ExecMainStatus"), "3")
        self.systemctl("reset-failed", "demo")
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "inactive")


class LoadingTest(SystemctlTestCase):
    def test_changed_file_warns_and_keeps_loaded(self):
        path = self.write_unit("demo.service", f"ExecStart={SLEEPER}\nEnvironment=VERSION=one")
        self.systemctl("daemon-reload")
        self.write_unit("demo.service", f"ExecStart={SLEEPER}\nEnvironment=VERSION=two")
        start = self.systemctl("start", "demo")
        self.assertEqual(start.returncode, 0)
        self.assertIn("Warning: The unit file, source configuration file or drop-ins of demo.service changed on "
                      "disk. Run 'systemctl daemon-reload' to reload units.", start.stderr)
        self.assertEqual(self.process_environment(int(self.show("demo", "MainPID")))["VERSION"], "one")
        self.assertEqual(self.show("demo", "NeedDaemonReload"), "yes")

        self.systemctl("daemon-reload")
        restart = self.systemctl("restart", "demo")
        self.assertNotIn("Warning", restart.stderr)
        self.assertEqual(self.process_environment(int(self.show("demo", "MainPID")))["VERSION"], "two")
        self.assertTrue(os.path.exists(path))

    def test_unknown_key_warned(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}\nRestartt=always\nRestart=allways")
        reload = self.systemctl("daemon-reload")
        self.assertIn("Unknown key name 'Restartt' in section 'Service', ignoring.", reload.stderr)
        self.assertIn("Failed to parse service restart specifier, ignoring: allways", reload.stderr)
        self.assertEqual(self.show("demo", "Restart"), "no")

    def test_vendor_units_quiet_on_reload(self):
        vendor = os.path.join(self.root, "usr/lib/systemd/system")
        os.makedirs(vendor)
        with open(os.path.join(vendor, "vendor.service"), "w") as handle:
            handle.write("[Service]\nExecStart=!!/bin/true\nSuccessExitStatus=DATAERR\nUser=%i\n")
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("start", "vendor").returncode, 0)
        reload = self.systemctl("daemon-reload")
        self.assertEqual(reload.returncode, 0)
        self.assertEqual(reload.stderr, "")

    def test_missing_exec_start_refused(self):
        self.write_unit("demo.service", "Type=simple")
        result = self.systemctl("start", "demo")
        self.assertEqual(result.returncode, 1)
        self.assertIn("Unit demo.service has a bad unit file setting.", result.stderr)


class SupervisionTest(SystemctlTestCase):
    def test_restart_always_after_kill(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}\nRestart=always\nRestartSec=200ms")
        self.systemctl("start", "demo")
        first = int(self.show("demo", "MainPID"))
        os.kill(first, signal.SIGKILL)
        second = wait_until(lambda: int(self.show("demo", "MainPID") or 0) not in (0, first) and
                            self.systemctl("is-active", "demo").stdout.strip() == "active" and
                            int(self.show("demo", "MainPID")), 5, message="restarted process")
        self.assertNotEqual(second, first)
        self.assertEqual(self.show("demo", "NRestarts"), "1")
        self.assertIn("Scheduled restart job, restart counter is at 1.", self.log_text("demo.service"))

    def test_restart_no_leaves_failed(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.systemctl("start", "demo")
        os.kill(int(self.show("demo", "MainPID")), signal.SIGKILL)
        wait_until(lambda: self.systemctl("is-active", "demo").stdout.strip() == "failed", 5, message="failed state")
        self.assertEqual(self.show("demo", "Result"), "signal")

    def test_stop_timeout_escalates(self):
        self.write_unit("demo.service", "ExecStart=/bin/sh -c 'trap \"\" TERM; while :; do sleep 0.1; done'\n"
                                        "TimeoutStopSec=1\nKillMode=mixed")
        self.systemctl("start", "demo")
        started = time.monotonic()
        self.assertEqual(self.systemctl("stop", "demo").returncode, 0)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "failed")
        self.assertEqual(self.show("demo", "Result"), "timeout")

    def test_output_goes_to_log(self):
        self.write_unit("demo.service", "ExecStart=/bin/echo hello from the service")
        self.systemctl("start", "demo")
        wait_until(lambda: "hello from the service" in self.log_text("demo.service"), 5, message="service output")
        wait_until(lambda: self.systemctl("is-active", "demo").stdout.strip() == "inactive", 5,
                   message="inactive after a clean exit")


class EnvironmentTest(SystemctlTestCase):
    def test_environment_and_file(self):
        os.makedirs(os.path.join(self.root, "etc/demo"))
        with open(os.path.join(self.root, "etc/demo/demo.env"), "w") as handle:
            handle.write("# comment\nFROM_FILE=\"quoted value\"\nSHARED=file\n")
        self.write_unit("demo.service", "Environment=\"SPACED=a b\" SHARED=unit PLAIN=1\n"
                                        "EnvironmentFile=/etc/demo/demo.env\n"
                                        "EnvironmentFile=-/etc/demo/missing.env\n"
                                        f"ExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("start", "demo").returncode, 0)
        environment = self.process_environment(int(self.show("demo", "MainPID")))
        self.assertEqual(environment["SPACED"], "a b")
        self.assertEqual(environment["FROM_FILE"], "quoted value")
        self.assertEqual(environment["SHARED"], "file")
        self.assertEqual(environment["PATH"], "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin")
        self.assertNotIn("SYSTEMCTL_ROOT", environment)
        self.assertEqual(len(environment["INVOCATION_ID"]), 32)

    def test_missing_environment_file_fails(self):
        self.write_unit("demo.service", f"EnvironmentFile=/etc/demo/missing.env\nExecStart={SLEEPER}")
        result = self.systemctl("start", "demo")
        self.assertEqual(result.returncode, 1)
        self.assertIn("Job for demo.service failed because of unavailable resources", result.stderr)
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "failed")

    def test_exec_arguments_expanded(self):
        self.write_unit("demo.service", "Environment=WORDS=\"one two\" NAME=x\n"
                                        "ExecStart=/bin/sh -c 'echo \"[$1][$2][$3]\"' sh $WORDS ${NAME}y")
        self.systemctl("start", "demo")
        wait_until(lambda: "[one][two][xy]" in self.log_text("demo.service"), 5, message="expanded arguments")

    def test_user_drops_privileges(self):
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("the host has no user nobody to run a service as")
        if os.getuid() != 0:
            self.skipTest("dropping privileges needs root")
        self.write_unit("demo.service", f"User=nobody\nWorkingDirectory=/\nExecStart={SLEEPER}")
        self.assertEqual(self.systemctl("start", "demo").returncode, 0)
        pid = int(self.show("demo", "MainPID"))
        self.assertEqual(os.stat(f"/proc/{pid}").st_uid, nobody.pw_uid)
        environment = self.process_environment(pid)
        self.assertEqual(environment["USER"], "nobody")
        self.assertEqual(environment["HOME"], nobody.pw_dir)
        self.assertEqual(environment["LOGNAME"], "nobody")

    def test_unknown_user_fails_unit(self):
        self.write_unit("demo.service", f"User=no-such-user-xyz\nExecStart={SLEEPER}")
        self.systemctl("start", "demo")
        wait_until(lambda: self.systemctl("is-active", "demo").stdout.strip() == "failed", 5, message="failed state")
        self.assertEqual(self.show("demo", "ExecMainStatus"), "217")


class FaultInjectionTest(SystemctlTestCase):
    def write_faults(self, faults: dict) -> None:
        with open(os.path.join(self.unit_dir, "faults.json"), "w") as handle:
            json.dump(faults, handle)

    def used(self) -> list[str]:
        try:
            with open(os.path.join(self.unit_dir, "faults-used")) as handle:
                return handle.read().split("\n")[:-1]
        except FileNotFoundError:
            return []

    def test_once_fault(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.write_faults({"systemctl start": "once"})
        result = self.systemctl("start", "demo")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.splitlines(), ["Failed to start demo.service: injected fault",
                                                      "ERROR injected fault: systemctl start"])
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "inactive")
        self.assertEqual(self.used(), ["systemctl start"])

        self.assertEqual(self.systemctl("start", "demo").returncode, 0)
        self.assertEqual(self.used(), ["systemctl start"])

    def test_always_fault(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}")
        self.write_faults({"systemctl restart": "always"})
        for _ in range(2):
            result = self.systemctl("restart", "demo")
            self.assertEqual(result.returncode, 1)
            self.assertIn("Failed to restart demo.service: injected fault", result.stderr)
        self.assertEqual(self.used(), [])
        self.assertEqual(self.systemctl("start", "demo").returncode, 0)

    def test_start_fault_stops_enable_now(self):
        self.write_unit("demo.service", f"ExecStart={SLEEPER}\n\n[Install]\nWantedBy=multi-user.target")
        self.write_faults({"systemctl start": "once"})
        result = self.systemctl("enable", "--now", "demo")
        self.assertEqual(result.returncode, 1)
        self.assertIn("ERROR injected fault: systemctl start", result.stderr)
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "inactive")
        self.assertEqual(self.used(), ["systemctl start"])

        self.assertEqual(self.systemctl("enable", "--now", "demo").returncode, 0)
        self.assertEqual(self.systemctl("is-active", "demo").stdout.strip(), "active")
        self.systemctl("stop", "demo")


if __name__ == "__main__":
    unittest.main()
