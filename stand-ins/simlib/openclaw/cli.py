"""The openclaw command tree: its commands and options, fault injection and dispatch.

Fault names checked (juju-sim's `fault` command): `openclaw <command>` and
`openclaw <command> <subcommand>`, such as `openclaw gateway` or `openclaw nodes approve`.
"""

import json
import os
import sys

from simlib import releases
from simlib.faults import fault_fires
from simlib.openclaw import commands
from simlib.openclaw.args import Command, Option, UsageError, help_text, parse_command_line
from simlib.openclaw.client import CliError
from simlib.openclaw.config import Profile
from simlib.openclaw.version import current_version

RPC_OPTIONS = [
    Option("--url <url>", "gateway WebSocket URL (needs --token)"),
    Option("--token <token>", "gateway token"),
    Option("--password <password>", "gateway password"),
    Option("--timeout <ms>", "RPC timeout in milliseconds (default 10000)"),
    Option("--json", "print one JSON document"),
]

GATEWAY_RUN_OPTIONS = [
    Option("--port <port>", "port for WebSocket and HTTP (default 18789)"),
    Option("--bind <bind>", "loopback, lan, tailnet, auto or custom"),
    Option("--auth <mode>", "none, token, password or trusted-proxy"),
    Option("--token <token>", "shared token (default: OPENCLAW_GATEWAY_TOKEN)"),
    Option("--password <password>", "shared password"),
    Option("--password-file <path>", "read the password from a file"),
    Option("--tailscale <mode>", "off, serve or funnel"),
    Option("--tailscale-reset-on-exit", "reset Tailscale serve/funnel on exit"),
    Option("--allow-unconfigured", "start without gateway.mode=local"),
    Option("--dev", "dev profile"),
    Option("--reset", "reset the dev config (needs --dev)"),
    Option("--force", "kill a process listening on the port first"),
    Option("--verbose", "verbose console logs"),
    Option("--ws-log <style>", "auto, full or compact"),
    Option("--compact", "compact WebSocket logs"),
    Option("--raw-stream", "log raw model stream events"),
    Option("--raw-stream-path <path>", "file for raw stream events"),
    Option("--cli-backend-logs", "log CLI backend output"),
    Option("--claude-cli-logs", "old name of --cli-backend-logs"),
    Option("--ambient-channels", "enable ambient channels"),
]

NODE_RUN_OPTIONS = [
    Option("--host <host>", "gateway host (default 127.0.0.1)"),
    Option("--port <port>", "gateway port (default 18789)"),
    Option("--tls", "connect with TLS (wss://)"),
    Option("--tls-fingerprint <sha256>", "expected SHA-256 fingerprint of the gateway certificate"),
    Option("--no-tls", "connect without TLS"),
    Option("--display-name <name>", "display name of this node"),
    Option("--node-id <id>", "client instance id (does not reset pairing)"),
    Option("--context-path <path>", "accepted and ignored by the stand-in"),
    Option("--pair <code>", "pairing code or oc-pair:// link (accepted; the stand-in pairs by approval only)"),
]


def build_tree() -> Command:
    root = Command("openclaw", "OpenClaw CLI (juju-sim stand-in)", options=[
        Option("-V, --version", "print the version"), Option("-v", "print the version")])

    gateway = root.add(Command("gateway", "run and inspect the gateway", default_subcommand="run"))
    gateway.add(Command("run", "run the gateway in the foreground", options=GATEWAY_RUN_OPTIONS))
    gateway.add(Command("status", "show gateway reachability", options=RPC_OPTIONS + [
        Option("--require-rpc", "exit non-zero when the RPC probe fails")]))
    gateway.add(Command("health", "check gateway health", options=RPC_OPTIONS))

    node = root.add(Command("node", "run a headless node host"))
    node.add(Command("run", "run the node host in the foreground", options=NODE_RUN_OPTIONS))
    node.add(Command("identity", "print this node's device identity", options=[Option("--json", "print JSON")]))

    nodes = root.add(Command("nodes", "list and approve nodes"))
    nodes.add(Command("status", "list known nodes", options=RPC_OPTIONS + [
        Option("--connected", "only connected nodes"), Option("--last-connected <age>", "accepted, ignored")]))
    nodes.add(Command("pending", "list pending node requests", options=RPC_OPTIONS))
    nodes.add(Command("list", "list pending and paired nodes", options=RPC_OPTIONS))
    nodes.add(Command("approve", "approve a node request", options=RPC_OPTIONS, arguments=["requestId"]))
    nodes.add(Command("reject", "reject a node request", options=RPC_OPTIONS, arguments=["requestId"]))

    devices = root.add(Command("devices", "list and approve device pairing requests"))
    devices.add(Command("list", "list pending and paired devices", options=RPC_OPTIONS))
    devices.add(Command("approve", "approve a device request", options=RPC_OPTIONS + [
        Option("--latest", "preview the newest request")], optional_arguments=["requestId"]))
    devices.add(Command("reject", "reject a device request", options=RPC_OPTIONS, arguments=["requestId"]))
    devices.add(Command("remove", "remove a paired device", options=RPC_OPTIONS, arguments=["deviceId"]))

    root.add(Command("health", "check gateway health", options=RPC_OPTIONS))
    config = root.add(Command("config", "config file commands"))
    config.add(Command("validate", "validate the config file", options=[Option("--json", "print JSON")]))
    return root


def _run_command(parsed, profile: Profile) -> int:
    path = " ".join(parsed.path)
    options = parsed.options
    arguments = parsed.arguments
    if path == "gateway run":
        from simlib.openclaw.gateway import Gateway
        return Gateway({**options, "dev": profile.dev}, profile).run()
    if path == "node run":
        from simlib.openclaw.node import NodeHost
        return NodeHost(options, profile).run()
    table = {
        "gateway status": commands.gateway_status,
        "gateway health": commands.health,
        "health": commands.health,
        "node identity": commands.node_identity,
        "nodes status": commands.nodes_status,
        "nodes pending": commands.nodes_pending,
        "nodes list": commands.nodes_list,
        "devices list": commands.devices_list,
        "config validate": commands.config_validate,
    }
    if path in table:
        return table[path](options, profile)
    with_argument = {
        "nodes approve": commands.nodes_approve,
        "nodes reject": commands.nodes_reject,
        "devices reject": commands.devices_reject,
        "devices remove": commands.devices_remove,
        "devices approve": commands.devices_approve,
    }
    if path in with_argument:
        return with_argument[path](options, profile, arguments[0] if arguments else None)
    raise UsageError(f"error: missing command after 'openclaw {path}'".replace("  ", " "))


def _node_too_old() -> str | None:
    """Return the error openclaw.mjs prints when the Node.js running it is below this release's floor."""
    node = os.environ.get("JUJU_SIM_NODE_VERSION")
    if node is None:
        # Started directly (the stand-in tests), not through node and openclaw.mjs.
        return None
    floor = releases.node_floor(current_version())
    if releases.satisfies(node, floor):
        return None
    return f"openclaw: Node.js {releases.minimum_of(floor)} is required (current: v{node})."


def main(argv: list[str]) -> int:
    refusal = _node_too_old()
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    root = build_tree()
    if any(flag in argv[:1] for flag in ("-V", "--version", "-v")):
        print(current_version())
        return 0
    try:
        parsed = parse_command_line(root, argv)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 1
    options = parsed.options
    if options.get("help") or not parsed.path:
        if options.get("version") or options.get("v"):
            print(current_version())
            return 0
        print(help_text(parsed.command, parsed.path))
        return 0
    if parsed.command.subcommands:
        print(help_text(parsed.command, parsed.path))
        return 1
    profile = Profile(name=options.get("profile"), dev=bool(options.get("dev")))
    for depth in (1, 2):
        fault_name = "openclaw " + " ".join(parsed.path[:depth])
        if depth <= len(parsed.path) and fault_fires(fault_name):
            if options.get("json"):
                print(json.dumps({"ok": False, "error": {"type": "cli_error", "message": "injected fault"}}))
            print(f"ERROR injected fault: {fault_name}", file=sys.stderr)
            return 1
    try:
        return _run_command(parsed, profile)
    except (CliError, UsageError) as error:
        if options.get("json"):
            print(json.dumps({"ok": False, "error": {"type": "cli_error", "message": str(error)}}))
        else:
            print(f"Error: {error}", file=sys.stderr)
        return 1
