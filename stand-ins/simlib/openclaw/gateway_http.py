"""The gateway's listening socket: health endpoints, the RPC endpoint and node connections.

One port carries everything, as in OpenClaw:
- `GET/HEAD /health`, `/healthz`: liveness, `{"ok":true,"status":"live"}`, no auth.
- `GET/HEAD /ready`, `/readyz`: readiness, `{"ready":true}`, no auth.
- `GET <controlUi.basePath>/`: a placeholder page for the Control UI, no auth.
- `POST /rpc`: the stand-in's own JSON RPC for the CLI (`Authorization: Bearer <secret>`).
- `GET /node` with `Upgrade: openclaw-node`: a node connection. After `101 Switching
  Protocols` both sides exchange one JSON object per line (gateway_nodes.py). This
  replaces OpenClaw's WebSocket protocol, which the stand-in does not implement.
Every other path needs auth and then gets 404.
"""

import hmac
import json
import socket
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from simlib.openclaw.gateway_nodes import serve_node_connection
from simlib.openclaw.gateway_rpc import RpcError, call_rpc
from simlib.openclaw.logs import log

# Maximum size of an RPC request body, in bytes.
MAX_BODY = 1 << 20
HANDSHAKE_TIMEOUT = 10.0
# Linux gives a client that does not bind a source address (curl on the unit) the source
# 127.0.0.1 even when it connects to 127.0.0.x. The stand-in clients bind their unit
# address, so a peer at 127.0.0.1 is a local tool and counts as this machine.
UNBOUND_LOCAL_SOURCE = "127.0.0.1"


class GatewayServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one gateway run's settings."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address, gateway, settings, tls_context: ssl.SSLContext | None):
        self.gateway = gateway
        self.settings = settings
        self.tls_context = tls_context
        super().__init__(address, GatewayRequestHandler)

    def server_bind(self) -> None:
        super().server_bind()
        if self.tls_context is not None:
            # The handshake runs in the handler thread, so a silent client cannot block accept().
            self.socket = self.tls_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request, client_address) -> None:
        # Failed TLS handshakes and dropped peers are logged where they happen.
        return

    def verify_request(self, request, client_address) -> bool:
        if self.settings.loopback_only and client_address[0] not in (self.settings.host, UNBOUND_LOCAL_SOURCE):
            # A loopback-bound gateway is unreachable from other machines.
            return False
        return True


def is_authorized(settings, header: str | None) -> bool:
    """Return whether an `Authorization: Bearer <secret>` header matches the gateway's auth."""
    if settings.auth_mode == "none":
        return True
    if not header or not header.startswith("Bearer "):
        return False
    presented = header[len("Bearer "):].encode()
    expected = settings.token if settings.auth_mode == "token" else settings.password
    return bool(expected) and hmac.compare_digest(presented, expected.encode())


class GatewayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openclaw-gateway"
    sys_version = ""

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(HANDSHAKE_TIMEOUT)
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError) as error:
                log("gateway", f"TLS handshake with {self.client_address[0]} failed: {error}")
                raise ConnectionAbortedError from error
            self.request.settimeout(None)
        super().setup()

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, socket.timeout, ssl.SSLError):
            pass

    def log_message(self, format, *args) -> None:
        # Request lines are not logged: the console would fill with health probes.
        return

    def send_json(self, status: int, document, head_only: bool = False) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)
        self.close_connection = True

    def _public_endpoint(self, head_only: bool) -> bool:
        path = self.path.split("?", 1)[0]
        if path in ("/health", "/healthz"):
            self.send_json(200, {"ok": True, "status": "live"}, head_only)
            return True
        if path in ("/ready", "/readyz"):
            self.send_json(200, {"ready": True}, head_only)
            return True
        if path == "/startupz":
            self.send_json(200, {"ok": True, "status": "started"}, head_only)
            return True
        base = (self.server.gateway.live.get("gateway.controlUi.basePath") or "").rstrip("/")
        if path in (base + "/", base or "/"):
            body = b"<!doctype html><title>OpenClaw Control</title><p>OpenClaw Control UI (juju-sim stand-in)</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if not head_only:
                self.wfile.write(body)
            self.close_connection = True
            return True
        return False

    def do_HEAD(self) -> None:
        if not self._public_endpoint(head_only=True):
            self._require_auth_then_404(head_only=True)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/node" and self.headers.get("Upgrade", "").lower() == "openclaw-node":
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "openclaw-node")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.close_connection = True
            serve_node_connection(self.server.gateway, self.server.settings, self.request, self.rfile,
                                  self.wfile, self.client_address[0])
            return
        if not self._public_endpoint(head_only=False):
            self._require_auth_then_404(head_only=False)

    def _require_auth_then_404(self, head_only: bool) -> None:
        if not is_authorized(self.server.settings, self.headers.get("Authorization")):
            self.send_json(401, {"ok": False, "error": {"code": "UNAUTHORIZED", "message": "unauthorized"}}, head_only)
        else:
            self.send_json(404, {"ok": False, "error": {"code": "NOT_FOUND", "message": f"no route {self.path}"}},
                           head_only)

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != "/rpc":
            self._require_auth_then_404(head_only=False)
            return
        if not is_authorized(self.server.settings, self.headers.get("Authorization")):
            self.send_json(401, {"ok": False, "error": {"code": "UNAUTHORIZED",
                                                        "message": "unauthorized: gateway token mismatch"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_json(413, {"ok": False, "error": {"code": "TOO_LARGE", "message": "request body too large"}})
            return
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
            result = call_rpc(self.server.gateway, request.get("method", ""), request.get("params") or {})
        except ValueError:
            self.send_json(400, {"ok": False, "error": {"code": "BAD_REQUEST", "message": "invalid JSON body"}})
            return
        except RpcError as error:
            self.send_json(error.status, {"ok": False, "error": {"code": error.code, "message": str(error)}})
            return
        self.send_json(200, {"ok": True, "result": result})
