"""The apt-get stand-in: sources, key checks, package lists, installing nodejs and the download fault."""

import os

from simlib.tools import pgp
from tests.tool_support import NODESOURCE_SOURCES, ToolTestCase

LISTS = ("deb.nodesource.com_node%5f24.x_dists_nodistro_InRelease",
         "deb.nodesource.com_node%5f24.x_dists_nodistro_main_binary-amd64_Packages")
INSTALL = ("install", "--yes", "--no-install-recommends", "nodejs")


class AptTest(ToolTestCase):
    def add_nodesource(self, keyring: bytes | str | None = pgp.KEY_BYTES, sources: str = NODESOURCE_SOURCES):
        if keyring is not None:
            self.write("etc/apt/keyrings/nodesource.gpg", keyring)
        self.write("etc/apt/sources.list.d/nodesource.sources", sources)

    def dpkg_entry(self) -> str:
        return self.read("var/lib/dpkg/status")

    def test_update_and_install_from_nodesource(self):
        self.add_nodesource()
        self.write("etc/apt/sources.list.d/ubuntu.sources",
                   "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu\nSuites: noble noble-updates\n"
                   "Components: main universe\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n")
        update = self.run_tool("apt-get", "update", "--error-on=any")
        self.assertEqual(update.returncode, 0, update.err)
        self.assertIn("Get:1 https://deb.nodesource.com/node_24.x nodistro InRelease", update.out)
        self.assertIn("Hit:2 http://archive.ubuntu.com/ubuntu noble InRelease", update.out)
        self.assertIn("Get:4 https://deb.nodesource.com/node_24.x nodistro/main amd64 Packages", update.out)
        for name in LISTS:
            self.assertTrue(os.path.exists(self.path("var/lib/apt/lists/" + name)), name)

        install = self.run_tool("apt-get", *INSTALL, DEBIAN_FRONTEND="noninteractive")
        self.assertEqual(install.returncode, 0, install.err)
        self.assertIn("Setting up nodejs (24.18.0-1nodesource1) ...", install.out)
        self.assertEqual(self.installed("node", "--version").out, "v24.18.0\n")
        self.assertEqual(os.readlink(self.path("usr/bin/npm")), "../lib/node_modules/npm/bin/npm-cli.js")
        self.assertIn("Package: nodejs\nStatus: install ok installed\n", self.dpkg_entry())
        self.assertIn("Version: 24.18.0-1nodesource1\n", self.dpkg_entry())

        again = self.run_tool("apt-get", *INSTALL)
        self.assertEqual(again.returncode, 0)
        self.assertIn("nodejs is already the newest version (24.18.0-1nodesource1).", again.out)
        self.assertEqual(self.calls()[-1]["argv"], ["apt-get", *INSTALL])

    def test_without_nodesource_installs_ubuntu_node_18(self):
        result = self.run_tool("apt-get", *INSTALL)
        self.assertEqual(result.returncode, 0, result.err)
        self.assertEqual(self.installed("node", "--version").out, "v18.19.1\n")
        self.assertFalse(os.path.lexists(self.path("usr/bin/npm")))
        self.assertIn("Version: 18.19.1+dfsg-6ubuntu5\n", self.dpkg_entry())

    def test_upgrade_from_ubuntu_node_once_nodesource_is_fetched(self):
        self.run_tool("apt-get", *INSTALL)
        self.add_nodesource()
        self.run_tool("apt-get", "update")
        result = self.run_tool("apt-get", *INSTALL)
        self.assertIn("The following packages will be upgraded:\n  nodejs\n1 upgraded", result.out)
        self.assertEqual(self.installed("node", "--version").out, "v24.18.0\n")
        self.assertEqual(self.dpkg_entry().count("Package: nodejs"), 1)

    def test_missing_keyring_is_not_signed(self):
        self.add_nodesource(keyring=None)
        result = self.run_tool("apt-get", "update")
        self.assertEqual(result.returncode, 100)
        self.assertIn(f"NO_PUBKEY {pgp.KEY_ID}", result.err)
        self.assertIn("E: The repository 'https://deb.nodesource.com/node_24.x nodistro InRelease' is not signed.",
                      result.err)
        self.assertFalse(os.path.exists(self.path("var/lib/apt/lists/" + LISTS[1])))
        self.run_tool("apt-get", *INSTALL)
        self.assertEqual(self.installed("node", "--version").out, "v18.19.1\n")

    def test_armored_keyring_is_ignored(self):
        self.add_nodesource(keyring=pgp.NODESOURCE_KEY_ARMORED)
        result = self.run_tool("apt-get", "update")
        self.assertEqual(result.returncode, 100)
        self.assertIn("W: The key(s) in the keyring /etc/apt/keyrings/nodesource.gpg are ignored as the file has an "
                      "unsupported filetype.", result.err)

    def test_one_line_list_with_signed_by(self):
        self.write("etc/apt/keyrings/nodesource.gpg", pgp.KEY_BYTES)
        self.write("etc/apt/sources.list.d/nodesource.list",
                   "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_24.x nodistro main\n")
        self.assertEqual(self.run_tool("apt-get", "update", "--error-on=any").returncode, 0)
        self.run_tool("apt-get", *INSTALL)
        self.assertEqual(self.installed("node", "--version").out, "v24.18.0\n")

    def test_unknown_suite_has_no_release_file(self):
        self.add_nodesource(sources=NODESOURCE_SOURCES.replace("nodistro", "noble"))
        result = self.run_tool("apt-get", "update")
        self.assertEqual(result.returncode, 100)
        self.assertIn("E: The repository 'https://deb.nodesource.com/node_24.x noble Release' does not have a "
                      "Release file.", result.err)

    def test_download_fault_warns_unless_error_on_any(self):
        self.add_nodesource()
        self.set_fault("always")
        plain = self.run_tool("apt-get", "update")
        self.assertEqual(plain.returncode, 0)
        self.assertIn("W: Failed to fetch https://deb.nodesource.com/node_24.x/dists/nodistro/InRelease  "
                      "Temporary failure resolving 'deb.nodesource.com'", plain.err)
        strict = self.run_tool("apt-get", "update", "--error-on=any")
        self.assertEqual(strict.returncode, 100)
        self.assertIn("E: Failed to fetch https://deb.nodesource.com/node_24.x/dists/nodistro/InRelease", strict.err)
        self.assertIn("E: Some index files failed to download.", strict.err)
        install = self.run_tool("apt-get", *INSTALL)
        self.assertEqual(install.returncode, 100)
        self.assertIn("E: Failed to fetch http://archive.ubuntu.com/ubuntu/pool/universe/n/nodejs/", install.err)
        self.assertFalse(os.path.exists(self.path("usr/bin/node")))

    def test_download_fault_through_proxy_option(self):
        self.add_nodesource()
        self.set_fault("once")
        result = self.run_tool("apt-get", "-o", "Acquire::https::Proxy=http://10.0.0.1:3128", "update",
                               "--error-on=any")
        self.assertEqual(result.returncode, 100)
        self.assertIn("Could not connect to 10.0.0.1:3128 (10.0.0.1). - connect (111: Connection refused)", result.err)
        self.assertEqual(self.run_tool("apt-get", "update", "--error-on=any").returncode, 0)

    def test_proxy_from_the_environment(self):
        self.add_nodesource()
        self.set_fault("always")
        refused = "Could not connect to 10.0.0.1:3128 (10.0.0.1). - connect (111: Connection refused)"
        # An https source uses https_proxy, else http_proxy; apt reads no upper-case variable.
        for variables in ({"https_proxy": "http://10.0.0.1:3128"}, {"http_proxy": "http://10.0.0.1:3128"},
                          {"http_proxy": "http://10.0.0.2:3128", "https_proxy": "http://10.0.0.1:3128"}):
            with self.subTest(variables=variables):
                self.assertIn(refused, self.run_tool("apt-get", "update", "--error-on=any", **variables).err)
        upper = self.run_tool("apt-get", "update", "--error-on=any", HTTPS_PROXY="http://10.0.0.1:3128")
        self.assertIn("Temporary failure resolving 'deb.nodesource.com'", upper.err)
        # A host that ends with an entry of no_proxy goes direct.
        bypassed = self.run_tool("apt-get", "update", "--error-on=any", https_proxy="http://10.0.0.1:3128",
                                 no_proxy="localhost,nodesource.com")
        self.assertIn("Temporary failure resolving 'deb.nodesource.com'", bypassed.err)
        # A proxy in apt's configuration wins over the environment.
        configured = self.run_tool("apt-get", "-o", "Acquire::http::Proxy=http://10.0.0.3:3128", "update",
                                   "--error-on=any", https_proxy="http://10.0.0.1:3128")
        self.assertIn("Could not connect to 10.0.0.3:3128", configured.err)

    def test_injected_faults_change_nothing(self):
        self.add_nodesource()
        self.set_fault("once", name="apt-get update")
        failed = self.run_tool("apt-get", "update", "--error-on=any")
        self.assertEqual((failed.returncode, failed.err), (1, "ERROR injected fault: apt-get update\n"))
        self.assertFalse(os.path.exists(self.path("var/lib/apt/lists/" + LISTS[0])))
        self.assertEqual(self.run_tool("apt-get", "update", "--error-on=any").returncode, 0)

        self.set_fault("once", name="apt-get install")
        failed = self.run_tool("apt-get", *INSTALL)
        self.assertEqual((failed.returncode, failed.err), (1, "ERROR injected fault: apt-get install\n"))
        self.assertFalse(os.path.exists(self.path("usr/bin/node")))
        self.assertEqual(self.run_tool("apt-get", *INSTALL).returncode, 0)
        self.assertTrue(os.path.exists(self.path("usr/bin/node")))

    def test_usage_errors_exit_100(self):
        for args, message in ((("frobnicate",), "E: Invalid operation frobnicate"),
                              (("--bogus", "update"), "E: Command line option --bogus is not understood"),
                              (("install", "no-such-package"), "E: Unable to locate package no-such-package"),
                              ((), "E: No operation specified")):
            with self.subTest(args=args):
                result = self.run_tool("apt-get", *args)
                self.assertEqual(result.returncode, 100)
                self.assertIn(message, result.err)

    def test_environment_recorded(self):
        self.run_tool("apt-get", "update", DEBIAN_FRONTEND="noninteractive", https_proxy="http://p:3128")
        self.assertEqual(self.calls()[0]["env"], {"DEBIAN_FRONTEND": "noninteractive", "https_proxy": "http://p:3128"})
