"""The CLI commands that talk to a gateway or check the config, with their text and JSON output."""

import json
import os
import time

from simlib.openclaw.client import CliError, resolve_target, rpc
from simlib.openclaw.config import Profile, load_config, state_directory
from simlib.openclaw.identity import load_or_create_identity
from simlib.openclaw.version import current_version


def emit(document, as_json: bool, text: str) -> None:
    print(json.dumps(document, indent=2) if as_json else text)


def _age(ms: int | None) -> str:
    if not ms:
        return "-"
    seconds = max(0, int(time.time() - ms / 1000))
    return f"{seconds}s ago" if seconds < 120 else f"{seconds // 60}m ago"


def nodes_status(options: dict, profile: Profile) -> int:
    result = rpc(options, profile, "nodes.status", {"connected": bool(options.get("connected"))})
    lines = [f"Nodes: {len(result['nodes'])}"]
    for node in result["nodes"]:
        state = "connected" if node["connected"] else "disconnected"
        pairing = "paired" if node["paired"] else "unpaired"
        commands = "commands approved" if node["commandsApproved"] else "commands pending approval"
        lines.append(f"- {node['displayName'] or node['nodeId']} ({node['nodeId'][:12]}) {node['remoteIp']}: "
                     f"{pairing}, {state}, {commands}")
    emit(result, options.get("json"), "\n".join(lines))
    return 0


def nodes_pending(options: dict, profile: Profile) -> int:
    result = rpc(options, profile, "nodes.pending")
    lines = [f"Pending node requests: {len(result['pending'])}"]
    lines += [f"- {request['requestId']} {request['displayName']} {request['remoteIp']} "
              f"commands: {', '.join(request['commands'])}" for request in result["pending"]]
    emit(result, options.get("json"), "\n".join(lines))
    return 0


def nodes_list(options: dict, profile: Profile) -> int:
    result = rpc(options, profile, "nodes.list")
    text = f"Pending: {len(result['pending'])} · Paired: {len(result['paired'])}"
    emit(result, options.get("json"), text)
    return 0


def _request_action(method: str, done: str):
    def action(options: dict, profile: Profile, identifier: str) -> int:
        key = "deviceId" if method == "devices.remove" else "requestId"
        result = rpc(options, profile, method, {key: identifier})
        emit({"ok": True, **result}, options.get("json"), f"{done} {identifier}")
        return 0
    return action


nodes_approve = _request_action("nodes.approve", "Approved node request")
nodes_reject = _request_action("nodes.reject", "Rejected node request")
devices_reject = _request_action("devices.reject", "Rejected device request")
devices_remove = _request_action("devices.remove", "Removed device")
_devices_approve_id = _request_action("devices.approve", "Approved device request")


def devices_approve(options: dict, profile: Profile, request_id: str | None) -> int:
    """Approve a device request; without an id, only preview the newest one and exit 1."""
    if request_id:
        return _devices_approve_id(options, profile, request_id)
    latest = rpc(options, profile, "devices.latest")["request"]
    if latest is None:
        raise CliError("No pending device requests.")
    raise CliError(f"Not approving without a request id. Newest pending request: {latest['requestId']} "
                   f"(device {latest['deviceId'][:12]}, {latest['displayName'] or 'unnamed'}, role {latest['role']}, "
                   f"from {latest['remoteIp']}). Approve it with: openclaw devices approve {latest['requestId']}")


def devices_list(options: dict, profile: Profile) -> int:
    result = rpc(options, profile, "devices.list")
    lines = [f"Pending: {len(result['pending'])}"]
    lines += [f"- {r['requestId']} {r['displayName']} role={r['role']} from {r['remoteIp']} ({_age(r['ts'])})"
              for r in result["pending"]]
    lines.append(f"Paired: {len(result['paired'])}")
    lines += [f"- {d['deviceId'][:12]} {d['displayName']} roles={','.join(d['roles'])} {d['remoteIp']}"
              for d in result["paired"]]
    emit(result, options.get("json"), "\n".join(lines))
    return 0


def health(options: dict, profile: Profile) -> int:
    started = time.monotonic()
    result = rpc(options, profile, "health")
    result["durationMs"] = int((time.monotonic() - started) * 1000)
    emit(result, options.get("json"), f"Gateway healthy ({result['durationMs']} ms)")
    return 0


def gateway_status(options: dict, profile: Profile) -> int:
    target = resolve_target(options, profile)
    document = {"service": {"supervisorMode": os.environ.get("OPENCLAW_SUPERVISOR_MODE", "none")},
                "rpc": {"ok": False, "url": target.url}}
    try:
        document["gateway"] = rpc(options, profile, "status")
        document["rpc"]["ok"] = True
    except CliError as error:
        document["rpc"]["error"] = str(error)
    state = "reachable" if document["rpc"]["ok"] else f"not reachable ({document['rpc'].get('error')})"
    emit(document, options.get("json"), f"Gateway {target.url}: {state}")
    return 1 if options.get("require-rpc") and not document["rpc"]["ok"] else 0


def config_validate(options: dict, profile: Profile) -> int:
    loaded = load_config(profile)
    if not loaded.exists:
        raise CliError(f"Config file not found: {loaded.path}")
    issues = [{"path": issue.path, "message": issue.message} for issue in loaded.issues]
    if options.get("json"):
        document = {"ok": loaded.valid, "path": loaded.path, "issues": issues}
        if not loaded.valid:
            document["error"] = {"type": "cli_error", "message": f"Invalid config at {loaded.path}"}
        print(json.dumps(document, indent=2))
    elif loaded.valid:
        print(f"Config valid: {loaded.path}")
    else:
        print(f"Invalid config at {loaded.path}:")
        for issue in loaded.issues:
            print(f"- {issue}")
    return 0 if loaded.valid else 1


def node_identity(options: dict, profile: Profile) -> int:
    identity = load_or_create_identity(state_directory(profile))
    document = {"deviceId": identity["deviceId"], "publicKey": identity["publicKey"]}
    emit(document, options.get("json"), f"deviceId: {identity['deviceId']}\npublicKey: {identity['publicKey']}")
    return 0


def version(_options: dict, _profile: Profile) -> int:
    print(current_version())
    return 0
