"""The headless node host: `openclaw node run`.

It connects to the gateway from the unit's own address and keeps the connection up,
reconnecting in-process after network loss or a gateway restart ("Node reconnecting in
1000ms"). As OpenClaw does, it:
- takes credentials only from OPENCLAW_GATEWAY_TOKEN / OPENCLAW_GATEWAY_PASSWORD, else
  the local config's gateway.auth.token / password (there is no --token flag);
- refuses plaintext to a host that is not loopback, unless the host is a private IP
  literal, `.local` or `*.ts.net` and OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1;
- exits 1 on a terminal auth failure or a TLS fingerprint mismatch, so its supervisor
  restarts it;
- while pairing is pending, stays in the foreground refreshing its request, and does
  not connect even after approval until it is restarted.
"""

import json
import os
import platform
import signal
import socket
import sys
import threading

from simlib.openclaw.addresses import is_own_address, is_private_host
from simlib.openclaw.config import LoadedConfig, Profile, format_issues, load_config, state_directory
from simlib.openclaw.identity import load_or_create_identity
from simlib.openclaw.logs import log
from simlib.openclaw.transport import FingerprintMismatch, open_socket
from simlib.openclaw.version import current_version

RECONNECT_DELAY_MS = 1000
# How often a node waiting for pairing refreshes its request (OpenClaw's interval is not documented).
PAIRING_REFRESH_SECONDS = 10.0
CONNECT_TIMEOUT = 10.0
NODE_COMMANDS = ["system.run", "system.run.prepare", "system.which", "system.execApprovals.get",
                 "system.execApprovals.set"]
NODE_CAPS = ["system"]


class NodeExit(Exception):
    """The node stops with exit_code after logging the message."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def _credentials(loaded: LoadedConfig) -> dict:
    token = os.environ.get("OPENCLAW_GATEWAY_TOKEN")
    password = os.environ.get("OPENCLAW_GATEWAY_PASSWORD")
    if not token and not password:
        token = loaded.get("gateway.auth.token")
        password = loaded.get("gateway.auth.password")
    auth = {}
    if token:
        auth["token"] = token
    if password:
        auth["password"] = password
    return auth


def check_plaintext_allowed(host: str) -> None:
    """Raise NodeExit with OpenClaw's SECURITY ERROR when plaintext ws:// to host is not allowed."""
    if is_own_address(host):
        return
    if is_private_host(host) and os.environ.get("OPENCLAW_ALLOW_INSECURE_PRIVATE_WS") == "1":
        return
    raise NodeExit(
        f"SECURITY ERROR: refusing plaintext ws:// to non-loopback address {host}. Use --tls (wss://), an SSH "
        "tunnel, or for a private network address set OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1.")


class NodeHost:
    """One `node run` process."""

    def __init__(self, options: dict, profile: Profile):
        self.host = options.get("host", "127.0.0.1")
        self.port_text = options.get("port", "18789")
        self.use_tls = bool(options.get("tls") or options.get("tls-fingerprint")) and not options.get("no-tls")
        self.fingerprint = options.get("tls-fingerprint")
        self.display_name = options.get("display-name") or socket.gethostname()
        self.node_id = options.get("node-id")
        self.profile = profile
        self.stopping = threading.Event()
        self.sock = None

    def _validate(self) -> int:
        if self.host == "":
            raise NodeExit("error: --host must not be empty")
        try:
            port = int(self.port_text)
        except ValueError:
            raise NodeExit(f"error: invalid --port {self.port_text!r}: expected a number 1-65535") from None
        if not 1 <= port <= 65535:
            raise NodeExit(f"error: invalid --port {self.port_text!r}: expected a number 1-65535")
        if not self.use_tls:
            check_plaintext_allowed(self.host)
        return port

    def _connect_frame(self, identity: dict, auth: dict, refresh: bool) -> dict:
        return {
            "type": "connect", "role": "node", "auth": auth, "pairingRefresh": refresh,
            "device": {"id": identity["deviceId"], "publicKey": identity["publicKey"]},
            "client": {"nodeId": self.node_id or identity["deviceId"], "displayName": self.display_name,
                       "platform": platform.system().lower(), "version": current_version()},
            "caps": NODE_CAPS, "commands": NODE_COMMANDS,
        }

    def _exchange(self, port: int, frame: dict):
        """Open a node connection, send frame and return (socket, reader, first reply)."""
        sock = open_socket(self.host, port, CONNECT_TIMEOUT, self.use_tls, self.fingerprint)
        reader = sock.makefile("rb")
        request = (f"GET /node HTTP/1.1\r\nHost: {self.host}:{port}\r\nUpgrade: openclaw-node\r\n"
                   "Connection: Upgrade\r\n\r\n")
        sock.sendall(request.encode())
        status_line = reader.readline().decode("latin-1")
        if " 101 " not in status_line:
            sock.close()
            raise ConnectionError(f"gateway refused the node connection: {status_line.strip() or 'no response'}")
        while reader.readline() not in (b"\r\n", b"\n", b""):
            pass
        sock.sendall((json.dumps(frame) + "\n").encode())
        reply = json.loads(reader.readline() or b"{}")
        return sock, reader, reply

    def _stop(self, *_args) -> None:
        self.stopping.set()
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _wait_for_pairing(self, port: int, identity: dict, auth: dict) -> None:
        """Refresh the pending request until stopped; log once when it gets approved."""
        announced = False
        while not self.stopping.wait(PAIRING_REFRESH_SECONDS):
            try:
                sock, _reader, reply = self._exchange(port, self._connect_frame(identity, auth, refresh=True))
                sock.close()
            except FingerprintMismatch as error:
                raise NodeExit(str(error)) from None
            except (OSError, ValueError) as error:
                log("node", f"pairing refresh failed: {error}")
                continue
            if reply.get("status") == "approved" and not announced:
                log("node", "pairing approved; restart the node host to connect")
                announced = True

    def _serve(self, sock, reader) -> None:
        """Read gateway frames until the connection ends."""
        self.sock = sock
        # The connect timeout must not end an idle connection; a closed or reset socket does.
        sock.settimeout(None)
        try:
            for line in reader:
                try:
                    frame = json.loads(line)
                except ValueError:
                    continue
                if isinstance(frame, dict) and frame.get("type") == "close":
                    log("node", f"gateway closed the connection ({frame.get('code')} {frame.get('reason', '')})")
                    break
        except OSError:
            pass
        finally:
            self.sock = None
            sock.close()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        try:
            port = self._validate()
            loaded = load_config(self.profile)
            if not loaded.valid:
                raise NodeExit(format_issues(loaded))
        except NodeExit as error:
            print(error, file=sys.stderr, flush=True)
            return error.exit_code
        auth = _credentials(loaded)
        identity = load_or_create_identity(state_directory(self.profile))
        scheme = "wss" if self.use_tls else "ws"
        log("node", f"node host starting (OpenClaw {current_version()}): gateway {scheme}://{self.host}:{port}, "
                    f"device {identity['deviceId'][:12]}, display name {self.display_name}")
        try:
            while not self.stopping.is_set():
                try:
                    sock, reader, reply = self._exchange(port, self._connect_frame(identity, auth, refresh=False))
                except FingerprintMismatch as error:
                    raise NodeExit(str(error)) from None
                except (OSError, ValueError) as error:
                    if not self.stopping.is_set():
                        log("node", f"gateway connection failed: {error}")
                else:
                    if reply.get("type") == "hello-ok":
                        log("node", f"connected to gateway {scheme}://{self.host}:{port} as node {reply.get('nodeId')}")
                        self._serve(sock, reader)
                    else:
                        sock.close()
                        code = reply.get("code")
                        if code == "AUTH_FAILED":
                            raise NodeExit(f"node host gateway connect failed: {reply.get('message')}")
                        if code == "PAIRING_REQUIRED":
                            request_id = reply.get("requestId")
                            log("node", f"pairing required: request {request_id} is pending on the gateway; approve "
                                        f"it with 'openclaw devices approve {request_id}', then restart the node host")
                            self._wait_for_pairing(port, identity, auth)
                            break
                        log("node", f"gateway rejected the connection: {reply.get('message', reply)}")
                if self.stopping.is_set():
                    break
                log("node", f"Node reconnecting in {RECONNECT_DELAY_MS}ms")
                self.stopping.wait(RECONNECT_DELAY_MS / 1000)
        except NodeExit as error:
            log("node", str(error))
            return error.exit_code
        log("node", "node host stopped")
        return 0
