"""The gateway's pairing state: devices (who may connect) and nodes (their command surface).

Kept as JSON files under the gateway's state dir, in the layout of older OpenClaw
releases: devices/pending.json, devices/paired.json, nodes/pending.json and
nodes/paired.json. NOTE: 2026.9 releases keep this in state/openclaw.sqlite instead; the
CLI output shapes are the same.

Two approval steps, as in OpenClaw: a new device gets a pending device request
(`devices approve`), and a paired node that declares commands gets a pending node request
(`nodes approve`) for its command surface. The two request ids differ.
"""

import os
import threading
import time
import uuid

from simlib.openclaw.jsonfiles import read_json, write_json

# Pending requests expire this long after the device's last retry (OpenClaw docs: 5 minutes).
PENDING_TTL_MS = 5 * 60 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


class PairingStore:
    """Thread-safe access to the pairing files of one gateway."""

    def __init__(self, state_dir: str):
        self.directory = state_dir
        self.lock = threading.RLock()

    def _path(self, kind: str, name: str) -> str:
        return os.path.join(self.directory, kind, f"{name}.json")

    def _load(self, kind: str, name: str) -> dict:
        return read_json(self._path(kind, name), {})

    def _save(self, kind: str, name: str, document: dict) -> None:
        write_json(self._path(kind, name), document)

    def _pending(self, kind: str) -> dict:
        """Return the pending requests of kind, dropping expired ones."""
        pending = self._load(kind, "pending")
        cutoff = now_ms() - PENDING_TTL_MS
        fresh = {key: request for key, request in pending.items() if request.get("ts", 0) >= cutoff}
        if len(fresh) != len(pending):
            self._save(kind, "pending", fresh)
        return fresh

    # Devices.

    def paired_device(self, device_id: str) -> dict | None:
        with self.lock:
            return self._load("devices", "paired").get(device_id)

    def pair_device(self, device: dict, approved_by: str) -> dict:
        """Record the device as paired (role node, no scopes) and drop its pending request."""
        with self.lock:
            paired = self._load("devices", "paired")
            stamp = now_ms()
            entry = {
                "deviceId": device["deviceId"],
                "publicKey": device.get("publicKey", ""),
                "displayName": device.get("displayName", ""),
                "platform": device.get("platform", ""),
                "roles": ["node"],
                "scopes": [],
                "remoteIp": device.get("remoteIp", ""),
                "createdAtMs": paired.get(device["deviceId"], {}).get("createdAtMs", stamp),
                "approvedAtMs": stamp,
                "approvedBy": approved_by,
            }
            paired[device["deviceId"]] = entry
            self._save("devices", "paired", paired)
            pending = self._pending("devices")
            remaining = {key: value for key, value in pending.items() if value["deviceId"] != device["deviceId"]}
            self._save("devices", "pending", remaining)
            return entry

    def request_device_pairing(self, device: dict) -> dict:
        """Create or refresh the pending request of a device and return it.

        The request keeps its id while role and public key stay the same. When either
        changes, a request with a new id supersedes it, as in OpenClaw.
        """
        with self.lock:
            pending = self._pending("devices")
            paired = self._load("devices", "paired")
            existing = next((r for r in pending.values() if r["deviceId"] == device["deviceId"]), None)
            if existing and existing.get("publicKey") == device.get("publicKey") and existing.get("role") == "node":
                existing.update(ts=now_ms(), remoteIp=device.get("remoteIp", ""),
                                displayName=device.get("displayName", ""))
                request = existing
            else:
                if existing:
                    del pending[existing["requestId"]]
                request = {
                    "requestId": uuid.uuid4().hex,
                    "deviceId": device["deviceId"],
                    "publicKey": device.get("publicKey", ""),
                    "displayName": device.get("displayName", ""),
                    "platform": device.get("platform", ""),
                    "role": "node",
                    "remoteIp": device.get("remoteIp", ""),
                    "isRepair": device["deviceId"] in paired,
                    "ts": now_ms(),
                }
            pending[request["requestId"]] = request
            self._save("devices", "pending", pending)
            return request

    def list_devices(self) -> dict:
        with self.lock:
            pending = sorted(self._pending("devices").values(), key=lambda r: r["ts"])
            paired = sorted(self._load("devices", "paired").values(), key=lambda d: d["approvedAtMs"])
        return {
            "pending": [{key: request[key] for key in ("requestId", "deviceId", "displayName", "role",
                                                        "remoteIp", "isRepair", "ts")} for request in pending],
            "paired": [{"deviceId": device["deviceId"], "displayName": device["displayName"],
                        "roles": device["roles"], "scopes": device["scopes"], "remoteIp": device["remoteIp"],
                        "tokens": [{"role": "node", "scopes": [], "revokedAtMs": None}],
                        "createdAtMs": device["createdAtMs"], "approvedAtMs": device["approvedAtMs"]}
                       for device in paired],
        }

    def approve_device_request(self, request_id: str) -> dict | None:
        with self.lock:
            request = self._pending("devices").get(request_id)
            if request is None:
                return None
            return self.pair_device(request, "cli")

    def reject_device_request(self, request_id: str) -> dict | None:
        with self.lock:
            pending = self._pending("devices")
            request = pending.pop(request_id, None)
            if request is not None:
                self._save("devices", "pending", pending)
            return request

    def remove_device(self, device_id: str) -> dict | None:
        with self.lock:
            paired = self._load("devices", "paired")
            device = paired.pop(device_id, None)
            if device is not None:
                self._save("devices", "paired", paired)
            return device

    def latest_device_request(self) -> dict | None:
        with self.lock:
            pending = list(self._pending("devices").values())
        return max(pending, key=lambda r: r["ts"]) if pending else None

    # Nodes and their command surface.

    def record_node_connection(self, node: dict) -> dict:
        """Store what a connecting paired node declares; return its record.

        A node whose declared commands are not yet approved (or changed since) gets a
        pending node request, refreshed on every connection.
        """
        with self.lock:
            records = self._load("nodes", "paired")
            record = records.get(node["nodeId"], {})
            declared = sorted(node.get("commands", []))
            if record.get("commandsApproved") and sorted(record.get("approvedCommands", [])) != declared:
                record["commandsApproved"] = False
            record.update({
                "nodeId": node["nodeId"],
                "deviceId": node["deviceId"],
                "displayName": node.get("displayName", ""),
                "platform": node.get("platform", ""),
                "version": node.get("version", ""),
                "caps": node.get("caps", []),
                "declaredCommands": declared,
                "remoteIp": node.get("remoteIp", ""),
                "lastConnectedAtMs": now_ms(),
            })
            record.setdefault("commandsApproved", False)
            record.setdefault("approvedCommands", [])
            record.setdefault("approvedAtMs", None)
            records[node["nodeId"]] = record
            self._save("nodes", "paired", records)
            if declared and not record["commandsApproved"]:
                self._request_node_commands(record)
            return record

    def _request_node_commands(self, record: dict) -> dict:
        pending = self._pending("nodes")
        existing = next((r for r in pending.values() if r["nodeId"] == record["nodeId"]), None)
        if existing and existing["commands"] == record["declaredCommands"]:
            existing["ts"] = now_ms()
            existing["remoteIp"] = record["remoteIp"]
            request = existing
        else:
            if existing:
                del pending[existing["requestId"]]
            request = {
                "requestId": uuid.uuid4().hex,
                "nodeId": record["nodeId"],
                "deviceId": record["deviceId"],
                "displayName": record["displayName"],
                "remoteIp": record["remoteIp"],
                "commands": record["declaredCommands"],
                "isRepair": bool(record.get("approvedCommands")),
                "ts": now_ms(),
            }
        pending[request["requestId"]] = request
        self._save("nodes", "pending", pending)
        return request

    def node_records(self) -> dict:
        with self.lock:
            return self._load("nodes", "paired")

    def list_node_requests(self) -> list[dict]:
        with self.lock:
            return sorted(self._pending("nodes").values(), key=lambda r: r["ts"])

    def approve_node_request(self, request_id: str) -> dict | None:
        with self.lock:
            pending = self._pending("nodes")
            request = pending.pop(request_id, None)
            if request is None:
                return None
            records = self._load("nodes", "paired")
            record = records.get(request["nodeId"])
            if record is not None:
                record.update(commandsApproved=True, approvedCommands=request["commands"], approvedAtMs=now_ms())
                self._save("nodes", "paired", records)
            self._save("nodes", "pending", pending)
            return record

    def reject_node_request(self, request_id: str) -> dict | None:
        with self.lock:
            pending = self._pending("nodes")
            request = pending.pop(request_id, None)
            if request is not None:
                self._save("nodes", "pending", pending)
            return request

    def touch_node_requests(self, node_ids: set[str]) -> None:
        """Refresh the pending requests of connected nodes, which retry while connected."""
        with self.lock:
            pending = self._pending("nodes")
            changed = False
            for request in pending.values():
                if request["nodeId"] in node_ids:
                    request["ts"] = now_ms()
                    changed = True
            if changed:
                self._save("nodes", "pending", pending)
