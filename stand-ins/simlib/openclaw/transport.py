"""Client connections to a gateway: source address, TLS with fingerprint pinning, RPC.

Clients connect from the unit's own address, so a gateway gets each unit's address as
the peer address (the simulator's stand-in for a machine's LAN address).
"""

import http.client
import json
import socket
import ssl

from simlib.openclaw.addresses import connect_address
from simlib.openclaw.tlsutil import certificate_fingerprint, client_context, normalize_fingerprint
from simlib.unitinfo import unit_address


class FingerprintMismatch(Exception):
    """The gateway's certificate does not have the pinned SHA-256 fingerprint."""


def open_socket(host: str, port: int, timeout: float, use_tls: bool, fingerprint: str | None):
    """Connect to host:port from the unit address; with TLS, check the pinned fingerprint."""
    target = connect_address(host)
    source = unit_address()
    sock = socket.create_connection((target, port), timeout=timeout, source_address=(source, 0))
    if not use_tls:
        return sock
    try:
        wrapped = client_context().wrap_socket(sock, server_hostname=None)
    except (ssl.SSLError, OSError):
        sock.close()
        raise
    if fingerprint:
        actual = certificate_fingerprint(wrapped.getpeercert(binary_form=True))
        if actual != normalize_fingerprint(fingerprint):
            wrapped.close()
            raise FingerprintMismatch(f"gateway TLS fingerprint mismatch: expected {normalize_fingerprint(fingerprint)}, "
                                      f"got {actual}")
    return wrapped


class _SourceBoundHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, timeout, use_tls, fingerprint):
        super().__init__(host, port, timeout=timeout)
        self.use_tls = use_tls
        self.fingerprint = fingerprint

    def connect(self) -> None:
        self.sock = open_socket(self.host, self.port, self.timeout, self.use_tls, self.fingerprint)


class GatewayUnreachable(Exception):
    """The gateway did not respond (connection refused, timeout, TLS failure)."""


class GatewayRpcError(Exception):
    """The gateway returned an error for an RPC."""


def call_gateway(host: str, port: int, use_tls: bool, secret: str | None, method: str, params: dict,
                 timeout: float = 10.0, fingerprint: str | None = None) -> dict:
    """Call an RPC method on the gateway and return its result."""
    connection = _SourceBoundHTTPConnection(host, port, timeout, use_tls, fingerprint)
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    try:
        connection.request("POST", "/rpc", body=json.dumps({"method": method, "params": params}), headers=headers)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise GatewayUnreachable(f"gateway not reachable at {'wss' if use_tls else 'ws'}://{host}:{port}: "
                                 f"{error}") from None
    finally:
        connection.close()
    try:
        document = json.loads(body)
    except ValueError:
        raise GatewayRpcError(f"gateway sent an invalid response (HTTP {response.status})") from None
    if not document.get("ok"):
        message = (document.get("error") or {}).get("message", f"HTTP {response.status}")
        raise GatewayRpcError(message)
    return document["result"]
