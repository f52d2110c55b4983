"""The curl and gpg stand-ins: the NodeSource key download, dearmoring, errors and the download fault."""

import os

from simlib.tools import pgp
from tests.tool_support import KEY_URL, ToolTestCase

CHARM_CURL = ("--fail", "--silent", "--show-error", "--location", "--max-time", "120", "--output",
              "/var/lib/openclaw-charm/nodesource-repo.gpg.key")
KEY_FILE = "var/lib/openclaw-charm/nodesource-repo.gpg.key"
CHARM_GPG = ("--batch", "--yes", "--dearmor", "--output", "/etc/apt/keyrings/nodesource.gpg",
             "/var/lib/openclaw-charm/nodesource-repo.gpg.key")


class CurlTest(ToolTestCase):
    def test_key_download_with_charm_options(self):
        result = self.run_tool("curl", *CHARM_CURL, KEY_URL)
        self.assertEqual((result.returncode, result.err), (0, ""))
        self.assertTrue(self.read(KEY_FILE).startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"))
        mirror = self.run_tool("curl", "-fsSL", "-m", "120", "-o", "/tmp-key",
                               "http://mirror.internal/nodesource/gpgkey/nodesource-repo.gpg.key")
        self.assertEqual(mirror.returncode, 0, mirror.err)
        self.assertEqual(self.read("tmp-key"), self.read(KEY_FILE))

    def test_other_url_is_404(self):
        result = self.run_tool("curl", "--fail", "--silent", "--show-error", "https://deb.nodesource.com/nope")
        self.assertEqual((result.returncode, result.err), (22, "curl: (22) The requested URL returned error: 404\n"))
        quiet = self.run_tool("curl", "-fs", "https://deb.nodesource.com/nope")
        self.assertEqual((quiet.returncode, quiet.err), (22, ""))
        page = self.run_tool("curl", "-s", "https://deb.nodesource.com/nope")
        self.assertEqual(page.returncode, 0)
        self.assertIn("404 Not Found", page.out)

    def test_usage_errors_exit_2(self):
        for args, message in ((("--bogus", KEY_URL), "curl: option --bogus: is unknown"),
                              (("-o",), "curl: option -o: requires parameter"),
                              (("-m", "soon", KEY_URL), "curl: option --max-time: expected a proper numerical parameter"),
                              (("-fsS",), "curl: no URL specified")):
            with self.subTest(args=args):
                result = self.run_tool("curl", *args)
                self.assertEqual(result.returncode, 2)
                self.assertIn(message, result.err)

    def test_unwritable_output_exits_23(self):
        result = self.run_tool("curl", "-fsS", "-o", "/no/such/dir/key", KEY_URL)
        self.assertEqual(result.returncode, 23)
        self.assertIn("curl: (23) Failure writing output to destination", result.err)

    def test_download_fault_once_then_recovers(self):
        self.set_fault("once")
        result = self.run_tool("curl", *CHARM_CURL, KEY_URL)
        self.assertEqual((result.returncode, result.err), (6, "curl: (6) Could not resolve host: deb.nodesource.com\n"))
        self.assertFalse(os.path.exists(self.path(KEY_FILE)))
        self.assertEqual(self.read("var/lib/juju-sim/faults-used"), "download-unreachable\n")
        self.assertEqual(self.run_tool("curl", *CHARM_CURL, KEY_URL).returncode, 0)

    def test_download_fault_through_a_proxy(self):
        self.set_fault("always")
        by_address = self.run_tool("curl", "-fsS", "--proxy", "http://10.0.0.1:3128", KEY_URL)
        self.assertEqual(by_address.returncode, 7)
        self.assertIn("curl: (7) Failed to connect to 10.0.0.1 port 3128", by_address.err)
        by_name = self.run_tool("curl", "-fsS", KEY_URL, https_proxy="http://squid.internal:3128")
        self.assertEqual((by_name.returncode, by_name.err), (5, "curl: (5) Could not resolve proxy: squid.internal\n"))
        bypassed = self.run_tool("curl", "-fsS", "-x", "http://squid.internal:3128", "--noproxy", "nodesource.com",
                                 KEY_URL)
        self.assertEqual(bypassed.returncode, 6)

    def test_calls_recorded_with_proxy_environment(self):
        proxies = {"http_proxy": "http://p:3128", "HTTP_PROXY": "http://p:3128", "https_proxy": "http://p:3128",
                   "HTTPS_PROXY": "http://p:3128", "no_proxy": "localhost", "NO_PROXY": "localhost"}
        self.run_tool("curl", *CHARM_CURL, KEY_URL, **proxies, UNRELATED="x")
        self.assertEqual(self.calls(), [{"argv": ["curl", *CHARM_CURL, KEY_URL], "env": proxies, "exit": 0}])

    def test_proxy_environment_as_curl_reads_it(self):
        self.set_fault("always")
        http_url = KEY_URL.replace("https://", "http://")
        # An http URL uses http_proxy; curl ignores HTTP_PROXY in upper case.
        lower = self.run_tool("curl", "-fsS", http_url, http_proxy="http://10.0.0.1:3128")
        self.assertEqual(lower.returncode, 7)
        upper = self.run_tool("curl", "-fsS", http_url, HTTP_PROXY="http://10.0.0.1:3128")
        self.assertEqual(upper.returncode, 6)
        # An https URL uses https_proxy or HTTPS_PROXY, never http_proxy.
        self.assertEqual(self.run_tool("curl", "-fsS", KEY_URL, HTTPS_PROXY="http://10.0.0.1:3128").returncode, 7)
        self.assertEqual(self.run_tool("curl", "-fsS", KEY_URL, http_proxy="http://10.0.0.1:3128").returncode, 6)
        # no_proxy or NO_PROXY sends a matching host direct.
        for name in ("no_proxy", "NO_PROXY"):
            bypassed = self.run_tool("curl", "-fsS", KEY_URL, https_proxy="http://10.0.0.1:3128",
                                     **{name: "localhost,.nodesource.com"})
            self.assertEqual(bypassed.returncode, 6, name)


class GpgTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.write(KEY_FILE, pgp.NODESOURCE_KEY_ARMORED)

    def test_dearmor_writes_binary_keyring(self):
        result = self.run_tool("gpg", *CHARM_GPG)
        self.assertEqual((result.returncode, result.err), (0, ""))
        with open(self.path("etc/apt/keyrings/nodesource.gpg"), "rb") as handle:
            keyring = handle.read()
        self.assertEqual(keyring, pgp.KEY_BYTES)
        self.assertTrue(pgp.is_public_key(keyring))
        self.assertEqual(self.calls()[0]["argv"], ["gpg", *CHARM_GPG])

    def test_stdin_and_short_output(self):
        result = self.run_tool("gpg", "--dearmor", "-o", "/out.gpg", input=pgp.NODESOURCE_KEY_ARMORED.encode())
        self.assertEqual(result.returncode, 0, result.err)
        to_stdout = self.run_tool("gpg", "--dearmor", input=pgp.NODESOURCE_KEY_ARMORED.encode())
        self.assertEqual(to_stdout.stdout, pgp.KEY_BYTES)

    def test_not_armored_input_fails(self):
        self.write(KEY_FILE, "<html>404 Not Found</html>\n")
        result = self.run_tool("gpg", *CHARM_GPG)
        self.assertEqual((result.returncode, result.err), (2, "gpg: no valid OpenPGP data found.\n"))
        self.assertFalse(os.path.exists(self.path("etc/apt/keyrings/nodesource.gpg")))

    def test_damaged_checksum_fails(self):
        text = pgp.NODESOURCE_KEY_ARMORED.replace("\n=", "\n=AAAA", 1)
        self.write(KEY_FILE, text)
        self.assertEqual(self.run_tool("gpg", *CHARM_GPG).returncode, 2)

    def test_existing_output_needs_yes(self):
        self.write("etc/apt/keyrings/nodesource.gpg", b"old")
        args = [arg for arg in CHARM_GPG if arg != "--yes"]
        result = self.run_tool("gpg", *args)
        self.assertEqual(result.returncode, 2)
        self.assertIn("gpg: Sorry, we are in batchmode - can't get input", result.err)
        self.assertEqual(self.read("etc/apt/keyrings/nodesource.gpg"), "old")
        self.assertEqual(self.run_tool("gpg", *CHARM_GPG).returncode, 0)

    def test_missing_input_and_bad_option(self):
        result = self.run_tool("gpg", "--batch", "--dearmor", "-o", "/x.gpg", "/missing.key")
        self.assertEqual(result.returncode, 2)
        self.assertIn("gpg: can't open '/missing.key': No such file or directory", result.err)
        bad = self.run_tool("gpg", "--frobnicate")
        self.assertEqual((bad.returncode, bad.err), (2, 'gpg: invalid option "--frobnicate"\n'))
