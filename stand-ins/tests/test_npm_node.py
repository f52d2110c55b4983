"""The npm and node stand-ins: registry and tarball installs of OpenClaw, the Node.js floor, errors and faults."""

import json
import os
import subprocess
import tarfile

from simlib import releases
from tests.support import STANDINS
from tests.tool_support import ToolTestCase

CHARM_NPM = ("install", "--global", "--no-fund", "--no-audit")
PACKAGE_DIR = "usr/lib/node_modules/openclaw"


def make_tarball(version: str, path: str) -> None:
    subprocess.run([os.path.join(STANDINS, "make-openclaw-tarball"), version, path], check=True, timeout=30)


class NpmTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.install_nodesource_node()

    def npm(self, *args: str, **env):
        return self.installed("npm", *args, **env)

    def manifest(self) -> dict:
        return json.loads(self.read(PACKAGE_DIR + "/package.json"))

    def test_registry_releases_install_and_report_their_version(self):
        for version in releases.RELEASES:
            with self.subTest(version=version):
                result = self.npm(*CHARM_NPM, f"openclaw@{version}", SHARP_IGNORE_GLOBAL_LIBVIPS="1")
                self.assertEqual(result.returncode, 0, result.err)
                self.assertIn("package in 1s", result.out)
                self.assertEqual(self.installed("openclaw", "--version").out, version + "\n")
        manifest = self.manifest()
        self.assertEqual(manifest["bin"], {"openclaw": "openclaw.mjs"})
        self.assertEqual(manifest["engines"]["node"], ">=24.16.0 <25 || >=26.1.0")
        self.assertEqual(os.readlink(self.path("usr/bin/openclaw")), "../lib/node_modules/openclaw/openclaw.mjs")
        self.assertEqual([name for name in os.listdir(self.path("usr/lib/node_modules")) if name.startswith(".")], [])
        self.assertEqual(self.calls()[-2]["env"], {"SHARP_IGNORE_GLOBAL_LIBVIPS": "1"})

    def test_first_install_adds_and_reinstall_changes(self):
        self.assertEqual(self.npm(*CHARM_NPM, "openclaw@2026.9.3").out, "\nadded 1 package in 1s\n")
        self.assertEqual(self.npm("i", "-g", "openclaw@latest").out, "\nchanged 1 package in 1s\n")
        self.assertEqual(self.manifest()["version"], releases.DIST_TAGS["latest"])
        self.npm("install", "-g", "openclaw")
        self.assertEqual(self.manifest()["version"], "2026.10.2")

    def test_unknown_version_is_etarget_and_keeps_install(self):
        self.npm(*CHARM_NPM, "openclaw@2026.9.3")
        result = self.npm(*CHARM_NPM, "openclaw@2026.1.1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("npm error code ETARGET\nnpm error notarget No matching version found for openclaw@2026.1.1.\n",
                      result.err)
        self.assertEqual(self.manifest()["version"], "2026.9.3")

    def test_unknown_package_is_404(self):
        result = self.npm(*CHARM_NPM, "not-openclaw@1.0.0")
        self.assertEqual(result.returncode, 1)
        self.assertIn("npm error code E404", result.err)

    def test_download_fault_is_enotfound(self):
        self.set_fault("once")
        result = self.npm(*CHARM_NPM, "openclaw@2026.9.3")
        self.assertEqual(result.returncode, 1)
        self.assertIn("npm error code ENOTFOUND", result.err)
        self.assertIn("getaddrinfo ENOTFOUND registry.npmjs.org", result.err)
        self.assertFalse(os.path.exists(self.path(PACKAGE_DIR)))
        self.assertEqual(self.npm(*CHARM_NPM, "openclaw@2026.9.3").returncode, 0)

    def test_download_fault_through_proxy_is_econnrefused(self):
        self.set_fault("always")
        result = self.npm(*CHARM_NPM, "--proxy", "http://10.0.0.1:3128", "--https-proxy", "http://10.0.0.1:3128",
                          "--noproxy", "localhost", "openclaw@2026.9.3")
        self.assertEqual(result.returncode, 1)
        self.assertIn("npm error code ECONNREFUSED", result.err)
        self.assertIn("connect ECONNREFUSED 10.0.0.1:3128", result.err)

    def test_proxy_from_the_environment(self):
        self.set_fault("always")
        for name in ("HTTPS_PROXY", "https_proxy"):
            result = self.npm(*CHARM_NPM, "openclaw@2026.9.3", **{name: "http://10.0.0.1:3128"})
            self.assertIn("connect ECONNREFUSED 10.0.0.1:3128", result.err, name)
        bypassed = self.npm(*CHARM_NPM, "openclaw@2026.9.3", HTTPS_PROXY="http://10.0.0.1:3128",
                            NO_PROXY="localhost,registry.npmjs.org")
        self.assertIn("npm error code ENOTFOUND", bypassed.err)

    def test_tarball_install_needs_no_network(self):
        make_tarball("2026.8.21", self.path("openclaw.tgz"))
        self.set_fault("always")
        result = self.npm(*CHARM_NPM, "/openclaw.tgz")
        self.assertEqual(result.returncode, 0, result.err)
        self.assertEqual(self.installed("openclaw", "--version").out, "2026.8.21\n")

    def test_bad_tarballs(self):
        self.write("corrupt.tgz", b"not a tarball")
        corrupt = self.npm(*CHARM_NPM, "/corrupt.tgz")
        self.assertEqual(corrupt.returncode, 1)
        self.assertIn("npm error code TAR_BAD_ARCHIVE", corrupt.err)
        missing = self.npm(*CHARM_NPM, "/missing.tgz")
        self.assertEqual(missing.returncode, 254)
        self.assertIn("ENOENT: no such file or directory, open '/missing.tgz'", missing.err)
        with tarfile.open(self.path("empty.tgz"), "w:gz"):
            pass
        self.assertEqual(self.npm(*CHARM_NPM, "/empty.tgz").returncode, 1)
        self.assertFalse(os.path.exists(self.path(PACKAGE_DIR)))

    def test_view_prefix_and_version(self):
        self.assertEqual(self.npm("view", "openclaw", "version").out, "2026.10.2\n")
        self.assertEqual(self.npm("view", "openclaw@2026.8.21", "version").out, "2026.8.21\n")
        self.assertEqual(json.loads(self.npm("view", "openclaw", "versions", "--json").out), list(releases.RELEASES))
        self.assertEqual(self.npm("prefix", "-g").out, "/usr\n")
        self.assertEqual(self.npm("--version").out, "11.6.2\n")
        unknown = self.npm("frobnicate")
        self.assertEqual(unknown.returncode, 1)
        self.assertIn('Unknown command: "frobnicate"', unknown.err)

    def test_install_without_global_fails(self):
        self.assertEqual(self.npm("install", "openclaw@2026.9.3").returncode, 1)


class NodeFloorTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.install_nodesource_node()
        self.assertEqual(self.installed("npm", *CHARM_NPM, "openclaw@2026.9.3").returncode, 0)

    def use_node(self, version: str) -> None:
        launcher = f'#!/bin/sh\nJUJU_SIM_NODE_VERSION={version} exec {STANDINS}/node "$@"\n'
        self.write("usr/bin/node", launcher)

    def test_openclaw_rejects_old_node(self):
        self.use_node("18.19.1")
        result = self.installed("openclaw", "--version")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.err, "openclaw: Node.js v24.16+ is required (current: v18.19.1).\n")
        self.use_node("25.2.0")
        self.assertEqual(self.installed("openclaw", "--version").returncode, 1)
        self.use_node("26.1.0")
        self.assertEqual(self.installed("openclaw", "--version").out, "2026.9.3\n")

    def test_openclaw_without_node_does_not_start(self):
        os.unlink(self.path("usr/bin/node"))
        result = self.installed("openclaw", "--version")
        self.assertEqual(result.returncode, 127)
        self.assertIn("node", result.err)

    def test_node_version_is_recorded(self):
        self.assertEqual(self.installed("node", "--version").out, "v24.18.0\n")
        self.assertEqual(self.calls()[-1], {"argv": ["node", "--version"], "env": {}, "exit": 0})


class ReleaseOrderTest(ToolTestCase):
    def test_protocols_follow_release_order(self):
        self.assertEqual([releases.protocol(version) for version in releases.RELEASES], [0, 1, 2])
        self.assertEqual(releases.protocol("2026.10.2-beta.1"), 2)
        self.assertEqual(releases.protocol("2026.9.20"), 1)
        self.assertTrue(releases.satisfies("v24.16.0", releases.DEFAULT_NODE_FLOOR))
        self.assertFalse(releases.satisfies("v24.15.9", releases.DEFAULT_NODE_FLOOR))
