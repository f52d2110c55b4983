"""The gateway side of a node connection: auth, device pairing and the command surface.

Frames are JSON objects, one per line. The node sends `connect` first:
  {"type":"connect","role":"node","auth":{"token"|"password"},"device":{"id","publicKey"},
   "client":{"nodeId","displayName","platform","version"},"caps":[...],"commands":[...],
   "pairingRefresh":false}
The gateway replies with `hello-ok`, or with `error` with code AUTH_FAILED, PROTOCOL_UNSUPPORTED
(a node newer than the gateway, or more than one release older: simlib/releases.py) or
PAIRING_REQUIRED and closes. A node waiting for approval sends `pairingRefresh: true` and gets `pair-status`.
On a restart the gateway sends `close` (code 1012) to connected nodes.

Pairing rules (OpenClaw 2026.9 docs): a known device connects. A new device is approved
automatically when it connects from the gateway machine itself (autoApproveLocal,
default true) or from an address in autoApproveCidrs. The CIDR path also needs
`sshVerify: false`, because the stand-in's SSH verification always fails. Any other new
device gets a pending device request.
"""

import hmac
import json
import threading

from simlib import releases
from simlib.openclaw.addresses import address_in_cidrs
from simlib.openclaw.logs import log
from simlib.openclaw.pairing import now_ms
from simlib.openclaw.version import current_version

CONNECT_TIMEOUT = 10.0


class NodeConnection:
    """A connected node, as the gateway tracks it for `nodes status`."""

    def __init__(self, sock, wfile, node_id: str, device_id: str, display_name: str, remote_ip: str):
        self.sock = sock
        self.wfile = wfile
        self.node_id = node_id
        self.device_id = device_id
        self.display_name = display_name
        self.remote_ip = remote_ip
        self.connected_at_ms = now_ms()
        self.write_lock = threading.Lock()

    def send(self, frame: dict) -> None:
        with self.write_lock:
            self.wfile.write((json.dumps(frame) + "\n").encode())

    def close(self, code: int, reason: str) -> None:
        try:
            self.send({"type": "close", "code": code, "reason": reason})
        except OSError:
            pass
        try:
            self.sock.shutdown(2)
        except OSError:
            pass


def _send(wfile, frame: dict) -> None:
    try:
        wfile.write((json.dumps(frame) + "\n").encode())
    except OSError:
        pass


def _check_auth(settings, auth: dict) -> str | None:
    """Return an error message when the connect frame's credentials are wrong, else None."""
    if settings.auth_mode == "none":
        return None
    field = "token" if settings.auth_mode == "token" else "password"
    presented = auth.get(field) if isinstance(auth, dict) else None
    expected = settings.token if field == "token" else settings.password
    if not presented:
        return f"unauthorized: gateway {field} missing (set OPENCLAW_GATEWAY_{field.upper()} on the node)"
    if not hmac.compare_digest(str(presented).encode(), expected.encode()):
        return f"unauthorized: gateway {field} mismatch"
    return None


def _auto_approval(gateway, settings, remote_ip: str) -> str | None:
    """Return how a new device from remote_ip is auto-approved ("local", "cidr"), or None."""
    pairing = gateway.live.get("gateway.nodes.pairing", {}) or {}
    if remote_ip == settings.host and pairing.get("autoApproveLocal", True):
        return "local"
    if address_in_cidrs(remote_ip, pairing.get("autoApproveCidrs") or []):
        if pairing.get("sshVerify", True) is not False:
            log("pairing", f"ssh verification failed for new node from {remote_ip}: the gateway could not verify "
                           "its identity over SSH; set gateway.nodes.pairing.sshVerify to false to skip it")
            return None
        return "cidr"
    return None


def _protocol_problem(frame: dict) -> str | None:
    """Return why the gateway rejects the node's protocol; it accepts its own and the one before it."""
    node_version = str((frame.get("client") or {}).get("version", ""))
    node_protocol = releases.protocol(node_version) if node_version else None
    own = releases.protocol(current_version())
    if node_protocol is None or own - 1 <= node_protocol <= own:
        return None
    if node_protocol > own:
        return (f"protocol mismatch: node OpenClaw {node_version} (protocol {node_protocol}) is newer than this "
                f"gateway ({current_version()}, protocol {own}); upgrade the gateway first")
    return (f"protocol mismatch: node OpenClaw {node_version} (protocol {node_protocol}) is more than one version "
            f"behind this gateway ({current_version()}, protocol {own}); upgrade the node")


def _device_from_frame(frame: dict, remote_ip: str) -> dict:
    device = frame.get("device") or {}
    client = frame.get("client") or {}
    return {
        "deviceId": str(device.get("id", "")),
        "publicKey": str(device.get("publicKey", "")),
        "displayName": str(client.get("displayName", "")),
        "platform": str(client.get("platform", "")),
        "remoteIp": remote_ip,
    }


def serve_node_connection(gateway, settings, sock, rfile, wfile, remote_ip: str) -> None:
    """Run one upgraded node connection until either side closes it."""
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        frame = json.loads(rfile.readline() or b"{}")
    except (OSError, ValueError):
        return
    if not isinstance(frame, dict) or frame.get("type") != "connect" or frame.get("role") != "node":
        _send(wfile, {"type": "error", "code": "INVALID_REQUEST", "message": "expected a node connect frame"})
        return
    # Pairing settings may have changed a moment ago; apply them before deciding.
    gateway.check_config()

    problem = _check_auth(settings, frame.get("auth") or {})
    if problem:
        log("gateway", f"node connection from {remote_ip} rejected: {problem}")
        _send(wfile, {"type": "error", "code": "AUTH_FAILED", "message": problem})
        return
    problem = _protocol_problem(frame)
    if problem:
        log("gateway", f"node connection from {remote_ip} rejected: {problem}")
        _send(wfile, {"type": "error", "code": "PROTOCOL_UNSUPPORTED", "message": problem})
        return
    device = _device_from_frame(frame, remote_ip)
    if not device["deviceId"]:
        _send(wfile, {"type": "error", "code": "INVALID_REQUEST", "message": "connect frame without device.id"})
        return

    paired = gateway.store.paired_device(device["deviceId"])
    if paired and paired.get("publicKey") != device["publicKey"]:
        paired = None
    if frame.get("pairingRefresh"):
        if paired:
            _send(wfile, {"type": "pair-status", "status": "approved"})
        else:
            request = gateway.store.request_device_pairing(device)
            _send(wfile, {"type": "pair-status", "status": "pending", "requestId": request["requestId"]})
        return
    if not paired:
        approval = _auto_approval(gateway, settings, remote_ip)
        if approval:
            paired = gateway.store.pair_device(device, f"auto-{approval}")
            log("pairing", f"device {device['deviceId'][:12]} ({device['displayName']}) from {remote_ip} "
                           f"auto-approved ({approval})")
    if not paired:
        request = gateway.store.request_device_pairing(device)
        log("pairing", f"pairing required for device {device['deviceId'][:12]} ({device['displayName']}) from "
                       f"{remote_ip}; request {request['requestId']} (approve with: openclaw devices approve "
                       f"{request['requestId']})")
        _send(wfile, {"type": "error", "code": "PAIRING_REQUIRED", "message": "pairing required",
                      "requestId": request["requestId"]})
        return

    client = frame.get("client") or {}
    node_id = str(client.get("nodeId") or device["deviceId"])
    record = gateway.store.record_node_connection({
        "nodeId": node_id, "deviceId": device["deviceId"], "displayName": device["displayName"],
        "platform": device["platform"], "version": str(client.get("version", "")),
        "caps": list(frame.get("caps") or []), "commands": list(frame.get("commands") or []),
        "remoteIp": remote_ip,
    })
    connection = NodeConnection(sock, wfile, node_id, device["deviceId"], device["displayName"], remote_ip)
    gateway.register_connection(connection)
    try:
        connection.send({"type": "hello-ok", "nodeId": node_id, "commandsApproved": record["commandsApproved"],
                         "serverTime": now_ms()})
        log("gateway", f"node connected: {device['displayName'] or node_id} ({node_id[:12]}) from {remote_ip}")
        sock.settimeout(None)
        for line in rfile:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "ping":
                connection.send({"type": "pong", "ts": now_ms()})
    except OSError:
        pass
    finally:
        gateway.unregister_connection(connection)
        log("gateway", f"node disconnected: {device['displayName'] or node_id} ({node_id[:12]})")
