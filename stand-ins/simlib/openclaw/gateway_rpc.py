"""The RPC methods the stand-in CLI calls on the gateway (`POST /rpc`).

Results have the shapes of OpenClaw's `--json` output for the matching CLI commands
(`nodes status`, `nodes pending`, `devices list`, `health`), so the CLI prints them as
they are.
"""

import os
import time

from simlib.openclaw.logs import log
from simlib.openclaw.pairing import now_ms
from simlib.openclaw.version import current_version


class RpcError(Exception):
    """An RPC failure with an HTTP status and an error code."""

    def __init__(self, message: str, code: str = "INVALID_REQUEST", status: int = 400):
        super().__init__(message)
        self.code = code
        self.status = status


def _node_entries(gateway) -> list[dict]:
    connected = gateway.connected_nodes()
    records = gateway.store.node_records()
    entries = []
    for node_id, record in sorted(records.items(), key=lambda item: item[1].get("displayName", "")):
        device = gateway.store.paired_device(record["deviceId"])
        connection = connected.get(node_id)
        approved = record.get("commandsApproved", False)
        entries.append({
            "nodeId": node_id,
            "displayName": record.get("displayName", ""),
            "platform": record.get("platform", ""),
            "version": record.get("version", ""),
            "coreVersion": record.get("version", ""),
            "remoteIp": connection.remote_ip if connection else record.get("remoteIp", ""),
            "clientId": node_id,
            "clientMode": "node",
            "deviceFamily": "linux",
            "deviceId": record["deviceId"],
            "caps": record.get("caps", []),
            "commands": record.get("approvedCommands", []) if approved else [],
            "declaredCommands": record.get("declaredCommands", []),
            "commandsApproved": approved,
            "permissions": {},
            "paired": device is not None,
            "connected": connection is not None,
            "connectedAtMs": connection.connected_at_ms if connection else None,
            "lastConnectedAtMs": record.get("lastConnectedAtMs"),
            "approvedAtMs": device.get("approvedAtMs") if device else None,
        })
    return entries


def _require(params: dict, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise RpcError(f"missing parameter {name}")
    return value


def _health(gateway, _params: dict) -> dict:
    started = time.monotonic()
    channels = gateway.live.get("channels", {}) or {}
    result = {"ok": True, "ts": now_ms(), "channels": {
        name: {"configured": True, "enabled": bool(channel.get("enabled", True)), "running": False,
               "probe": "not simulated"}
        for name, channel in channels.items() if isinstance(channel, dict)}}
    result["durationMs"] = int((time.monotonic() - started) * 1000)
    return result


def _status(gateway, _params: dict) -> dict:
    settings = gateway.settings
    return {"ok": True, "version": current_version(), "pid": os.getpid(), "host": settings.host,
            "port": settings.port, "bind": settings.bind, "tls": bool(settings.tls_cert),
            "uptimeMs": int((time.time() - gateway.started_at) * 1000), "configPath": gateway.config_path}


def _nodes_status(gateway, params: dict) -> dict:
    nodes = _node_entries(gateway)
    if params.get("connected"):
        nodes = [node for node in nodes if node["connected"]]
    return {"ts": now_ms(), "nodes": nodes}


def _node_requests(gateway) -> list[dict]:
    gateway.store.touch_node_requests(set(gateway.connected_nodes()))
    keys = ("requestId", "nodeId", "displayName", "remoteIp", "isRepair", "ts", "commands")
    return [{key: request[key] for key in keys} for request in gateway.store.list_node_requests()]


def _nodes_pending(gateway, _params: dict) -> dict:
    return {"pending": _node_requests(gateway)}


def _nodes_list(gateway, _params: dict) -> dict:
    pending = _node_requests(gateway)
    return {"pending": pending, "paired": [node for node in _node_entries(gateway) if node["paired"]]}


def _nodes_approve(gateway, params: dict) -> dict:
    request_id = _require(params, "requestId")
    record = gateway.store.approve_node_request(request_id)
    if record is None:
        raise RpcError(f"unknown requestId: {request_id}", "NOT_FOUND", 404)
    log("pairing", f"node {record['nodeId'][:12]} command surface approved (request {request_id})")
    return {"requestId": request_id, "node": {"nodeId": record["nodeId"], "displayName": record["displayName"],
                                              "commands": record["approvedCommands"]}}


def _nodes_reject(gateway, params: dict) -> dict:
    request_id = _require(params, "requestId")
    if gateway.store.reject_node_request(request_id) is None:
        raise RpcError(f"unknown requestId: {request_id}", "NOT_FOUND", 404)
    return {"requestId": request_id, "rejected": True}


def _devices_list(gateway, _params: dict) -> dict:
    return gateway.store.list_devices()


def _devices_approve(gateway, params: dict) -> dict:
    request_id = _require(params, "requestId")
    device = gateway.store.approve_device_request(request_id)
    if device is None:
        raise RpcError(f"unknown requestId: {request_id}", "NOT_FOUND", 404)
    log("pairing", f"device {device['deviceId'][:12]} ({device['displayName']}) approved (request {request_id})")
    return {"requestId": request_id, "device": {"deviceId": device["deviceId"],
                                                "displayName": device["displayName"], "roles": device["roles"]}}


def _devices_latest(gateway, _params: dict) -> dict:
    return {"request": gateway.store.latest_device_request()}


def _devices_reject(gateway, params: dict) -> dict:
    request_id = _require(params, "requestId")
    if gateway.store.reject_device_request(request_id) is None:
        raise RpcError(f"unknown requestId: {request_id}", "NOT_FOUND", 404)
    return {"requestId": request_id, "rejected": True}


def _devices_remove(gateway, params: dict) -> dict:
    device_id = _require(params, "deviceId")
    if gateway.store.remove_device(device_id) is None:
        raise RpcError(f"unknown deviceId: {device_id}", "NOT_FOUND", 404)
    for connection in list(gateway.connected_nodes().values()):
        if connection.device_id == device_id:
            connection.close(1008, "device removed")
    log("pairing", f"device {device_id[:12]} removed")
    return {"deviceId": device_id, "removed": True}


METHODS = {
    "health": _health,
    "status": _status,
    "nodes.status": _nodes_status,
    "nodes.pending": _nodes_pending,
    "nodes.list": _nodes_list,
    "nodes.approve": _nodes_approve,
    "nodes.reject": _nodes_reject,
    "devices.list": _devices_list,
    "devices.approve": _devices_approve,
    "devices.latest": _devices_latest,
    "devices.reject": _devices_reject,
    "devices.remove": _devices_remove,
}


def call_rpc(gateway, method: str, params: dict):
    """Run one RPC method and return its result document."""
    handler = METHODS.get(method)
    if handler is None:
        raise RpcError(f"unknown method: {method}", "NOT_FOUND", 404)
    return handler(gateway, params)
