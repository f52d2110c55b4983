"""The node's device identity in `<state dir>/identity/device.json`, created once.

NOTE: OpenClaw uses an Ed25519 key pair, which the Python standard library cannot make.
The stand-in stores 32 random bytes as the private key and derives a public key from
them. The deviceId is the SHA-256 hex of the public key. Only the stand-in reads these
files.
"""

import base64
import hashlib
import os
import secrets

from simlib.openclaw.jsonfiles import read_json, write_json
from simlib.openclaw.pairing import now_ms


def load_or_create_identity(state_dir: str) -> dict:
    """Return {"deviceId", "publicKey", ...}, creating and saving it (mode 0600) on first use."""
    path = os.path.join(state_dir, "identity", "device.json")
    identity = read_json(path, None)
    if isinstance(identity, dict) and identity.get("deviceId") and identity.get("publicKey"):
        return identity
    private_key = secrets.token_bytes(32)
    public_key = hashlib.sha256(b"openclaw-sim-public:" + private_key).digest()
    identity = {
        "version": 1,
        "deviceId": hashlib.sha256(public_key).hexdigest(),
        "publicKey": base64.b64encode(public_key).decode(),
        "privateKey": base64.b64encode(private_key).decode(),
        "createdAtMs": now_ms(),
    }
    write_json(path, identity, mode=0o600)
    return identity
