"""The useradd stand-in: account files, id choice, errors and exit codes as shadow-utils."""

import os

from tests.tool_support import ToolTestCase

CHARM_ARGS = ("--system", "--user-group", "--home-dir", "/var/lib/openclaw", "--no-create-home", "--shell",
              "/usr/sbin/nologin", "openclaw")


class UseraddTest(ToolTestCase):
    def last_line(self, relative: str) -> str:
        return self.read(relative).splitlines()[-1]

    def test_charm_command_creates_system_user_and_group(self):
        result = self.run_tool("useradd", *CHARM_ARGS)
        self.assertEqual(result.returncode, 0, result.err)
        # uid: the highest free below 1000; gid: the same number is taken by systemd-journal, so the highest free.
        self.assertEqual(self.last_line("etc/passwd"), "openclaw:x:999:997::/var/lib/openclaw:/usr/sbin/nologin")
        self.assertEqual(self.last_line("etc/group"), "openclaw:x:997:")
        self.assertRegex(self.last_line("etc/shadow"), r"^openclaw:!:\d+::::::$")
        self.assertEqual(self.last_line("etc/gshadow"), "openclaw:!::")
        self.assertFalse(os.path.exists(self.path("var/lib/openclaw")))

    def test_short_options_and_same_gid_when_free(self):
        self.write("etc/group", "root:x:0:\n")
        result = self.run_tool("useradd", "-r", "-U", "-d", "/var/lib/openclaw", "-M", "-s", "/usr/sbin/nologin",
                               "openclaw")
        self.assertEqual(result.returncode, 0, result.err)
        self.assertEqual(self.last_line("etc/passwd"), "openclaw:x:999:999::/var/lib/openclaw:/usr/sbin/nologin")

    def test_existing_user_exits_9(self):
        self.run_tool("useradd", *CHARM_ARGS)
        result = self.run_tool("useradd", *CHARM_ARGS)
        self.assertEqual(result.returncode, 9)
        self.assertEqual(result.err, "useradd: user 'openclaw' already exists\n")
        self.assertEqual(self.read("etc/passwd").count("\nopenclaw:"), 1)

    def test_existing_group_exits_9(self):
        result = self.run_tool("useradd", "-r", "-U", "systemd-journal")
        self.assertEqual(result.returncode, 9)
        self.assertIn("group systemd-journal exists - if you want to add this user to that group, use -g.", result.err)

    def test_bad_syntax_exits_2_with_usage(self):
        for args, message in ((("--bogus", "x"), "useradd: unrecognized option '--bogus'"),
                              (("-Z", "x"), "useradd: invalid option -- 'Z'"),
                              (("--shell",), "useradd: option '--shell' requires an argument"),
                              (("-U", "-g", "daemon", "x"), "useradd: options -U and -g conflict"),
                              ((), "Usage: useradd [options] LOGIN")):
            with self.subTest(args=args):
                result = self.run_tool("useradd", *args)
                self.assertEqual(result.returncode, 2)
                self.assertIn(message, result.err)
                self.assertIn("Usage: useradd", result.err)

    def test_bad_arguments_exit_3(self):
        for args, message in ((("Bad Name",), "invalid user name 'Bad Name': use --badname to ignore"),
                              (("-s", "nologin", "x"), "invalid shell 'nologin'"),
                              (("-d", "relative", "x"), "invalid home directory 'relative'"),
                              (("-c", "a:b", "x"), "invalid comment 'a:b'"),
                              (("-u", "abc", "x"), "invalid user ID 'abc'")):
            with self.subTest(args=args):
                result = self.run_tool("useradd", *args)
                self.assertEqual(result.returncode, 3)
                self.assertEqual(result.err, f"useradd: {message}\n")

    def test_uid_in_use_and_unknown_group(self):
        result = self.run_tool("useradd", "-u", "998", "x")
        self.assertEqual((result.returncode, result.err), (4, "useradd: UID 998 is not unique\n"))
        result = self.run_tool("useradd", "-g", "nosuch", "x")
        self.assertEqual((result.returncode, result.err), (6, "useradd: group 'nosuch' does not exist\n"))

    def test_explicit_ids_comment_and_home(self):
        result = self.run_tool("useradd", "--uid", "1500", "--gid", "daemon", "--comment", "Claw", "--create-home",
                               "claw")
        self.assertEqual(result.returncode, 0, result.err)
        self.assertEqual(self.last_line("etc/passwd"), "claw:x:1500:1:Claw:/home/claw:/bin/sh")
        self.assertNotIn("claw", self.read("etc/group"))
        self.assertTrue(os.path.isfile(self.path("home/claw/.profile")))
        self.assertEqual(os.stat(self.path("home/claw")).st_mode & 0o777, 0o700)

    def test_regular_user_gets_next_uid_from_1000(self):
        self.run_tool("useradd", "alice")
        self.run_tool("useradd", "bob")
        self.assertIn("alice:x:1000:1000::/home/alice:/bin/sh", self.read("etc/passwd"))
        self.assertIn("bob:x:1001:1001::/home/bob:/bin/sh", self.read("etc/passwd"))

    def test_missing_shadow_files_are_not_created(self):
        os.unlink(self.path("etc/gshadow"))
        self.assertEqual(self.run_tool("useradd", *CHARM_ARGS).returncode, 0)
        self.assertFalse(os.path.exists(self.path("etc/gshadow")))

    def test_call_recorded_with_proxy_environment(self):
        self.run_tool("useradd", *CHARM_ARGS, http_proxy="http://10.0.0.1:3128", DEBIAN_FRONTEND="noninteractive")
        self.run_tool("useradd", *CHARM_ARGS)
        calls = self.calls()
        self.assertEqual(calls[0], {"argv": ["useradd", *CHARM_ARGS], "exit": 0,
                                    "env": {"http_proxy": "http://10.0.0.1:3128", "DEBIAN_FRONTEND": "noninteractive"}})
        self.assertEqual((calls[1]["exit"], calls[1]["env"]), (9, {}))
