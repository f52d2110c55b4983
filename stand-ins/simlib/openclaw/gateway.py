"""The gateway process: `openclaw gateway run`.

It validates the config, resolves its settings, serves HTTP and node connections on one
port (gateway_http.py), and watches the config file: every 150 ms, and again before each
node handshake. Under `gateway.reload.mode` hybrid (default) it applies safe changes live
and restarts in-process for the rest (reload_rules.py). It exits 0 on SIGTERM or SIGINT.
"""

import errno
import hashlib
import os
import signal
import threading
import time

from simlib.openclaw import events
from simlib.openclaw.config import LoadedConfig, Profile, config_path, format_issues, load_config, \
    parse_config_text, state_directory
from simlib.openclaw.gateway_http import GatewayServer
from simlib.openclaw.gateway_settings import GatewaySettings, GatewayStartError, resolve_settings
from simlib.openclaw.logs import log
from simlib.openclaw.pairing import PairingStore
from simlib.openclaw.reload_rules import changed_paths, needs_restart
from simlib.openclaw.tlsutil import TlsSetupError, file_fingerprint, server_context
from simlib.openclaw.version import current_version

WATCH_INTERVAL = 0.15


class Gateway:
    """One gateway process, across its in-process restarts."""

    def __init__(self, flags: dict, profile: Profile):
        self.flags = flags
        self.profile = profile
        self.state_dir = state_directory(profile)
        self.config_path = config_path(profile)
        self.store = PairingStore(self.state_dir)
        self.config_lock = threading.RLock()
        self.live: LoadedConfig | None = None
        self.seen_digest: str | None = None
        self.settings: GatewaySettings | None = None
        self.server: GatewayServer | None = None
        self.server_thread: threading.Thread | None = None
        self.connections: dict[int, object] = {}
        self.connections_lock = threading.Lock()
        self.stopping = threading.Event()
        self.pending_restart: list[str] | None = None
        self.started_at = time.time()

    # Config.

    def _read_config_text(self) -> str | None:
        try:
            with open(self.config_path, encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    @staticmethod
    def _digest(text: str | None) -> str:
        return hashlib.sha256((text if text is not None else "\0missing").encode()).hexdigest()

    def check_config(self) -> None:
        """Apply a changed config file as gateway.reload.mode specifies (hot reload)."""
        with self.config_lock:
            text = self._read_config_text()
            digest = self._digest(text)
            if digest == self.seen_digest:
                return
            self.seen_digest = digest
            if text is None:
                log("reload", f"config file {self.config_path} was removed; keeping the running config")
                return
            candidate = parse_config_text(text, self.config_path, self.profile)
            if not candidate.valid:
                issues = "; ".join(str(issue) for issue in candidate.issues)
                log("reload", f"config reload skipped (invalid config): {issues}")
                events.record_event(self.state_dir, "reload-skipped", issues=[str(i) for i in candidate.issues])
                return
            paths = changed_paths(self.live.data, candidate.data)
            if not paths:
                return
            if candidate.get("gateway.reload.mode", "hybrid") == "off":
                log("reload", f"config changed ({', '.join(paths)}) but gateway.reload.mode is off; not applied")
                return
            restart_paths = [path for path in paths if needs_restart(path)]
            if restart_paths:
                self.live = candidate
                self.pending_restart = restart_paths
                return
            self.live = candidate
            log("reload", f"config reloaded ({', '.join(paths)})")
            events.record_event(self.state_dir, "reload", paths=paths)

    # Server.

    def _open_server(self) -> None:
        settings = self.settings
        context = None
        if settings.tls_cert:
            try:
                context = server_context(settings.tls_cert, settings.tls_key, settings.tls_ca)
            except TlsSetupError as error:
                raise GatewayStartError(str(error)) from None
        try:
            server = GatewayServer((settings.host, settings.port), self, settings, context)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise GatewayStartError(f"Gateway failed to start: another process is already listening on "
                                        f"{settings.host}:{settings.port} (EADDRINUSE). Stop it or choose another "
                                        "port with --port.") from None
            raise GatewayStartError(f"Gateway failed to start: cannot listen on {settings.host}:{settings.port}: "
                                    f"{error.strerror}") from None
        self.server = server
        self.server_thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                              name="gateway-http", daemon=True)
        self.server_thread.start()
        scheme = settings.scheme
        log("gateway", f"listening on {scheme}://{settings.host}:{settings.port} (PID {os.getpid()}, "
                       f"bind {settings.bind}, auth {settings.auth_mode})")
        if settings.tls_cert:
            log("gateway", f"TLS enabled; certificate SHA-256 fingerprint {file_fingerprint(settings.tls_cert)}")

    def _close_server(self, reason: str) -> None:
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        with self.connections_lock:
            connections = list(self.connections.values())
        for connection in connections:
            connection.close(1012, reason)
        self.server = None

    def register_connection(self, connection) -> None:
        with self.connections_lock:
            self.connections[id(connection)] = connection

    def unregister_connection(self, connection) -> None:
        with self.connections_lock:
            self.connections.pop(id(connection), None)

    def connected_nodes(self) -> dict[str, object]:
        with self.connections_lock:
            return {connection.node_id: connection for connection in self.connections.values()}

    # Lifecycle.

    def _start_checks(self, loaded: LoadedConfig) -> None:
        if not loaded.valid:
            raise GatewayStartError(format_issues(loaded) + "\nGateway aborted: config is invalid.")
        if self.flags.get("allow-unconfigured"):
            return
        mode = loaded.get("gateway.mode")
        if loaded.exists and mode is None:
            raise GatewayStartError(f"Gateway start blocked: the config at {loaded.path} is damaged (gateway.mode is "
                                    "missing). Set gateway.mode to \"local\", or run openclaw doctor.")
        if mode != "local":
            raise GatewayStartError(f"Gateway start blocked: set gateway.mode=local (current: {mode or 'unset'}) "
                                    "or pass --allow-unconfigured.")

    def _restart(self) -> None:
        paths = self.pending_restart or ["SIGUSR1"]
        self.pending_restart = None
        log("reload", f"config change requires gateway restart ({', '.join(paths)}); restarting in-process")
        self._close_server("service restart")
        self.settings = resolve_settings(self.flags, self.live, self.state_dir)
        self._open_server()
        events.record_event(self.state_dir, "restart", paths=paths, port=self.settings.port,
                            host=self.settings.host, tls=bool(self.settings.tls_cert))

    def run(self) -> int:
        loaded = load_config(self.profile, self.config_path)
        try:
            self._start_checks(loaded)
            self.live = loaded
            self.seen_digest = self._digest(loaded.raw_text if loaded.exists else None)
            self.settings = resolve_settings(self.flags, loaded, self.state_dir)
            self._open_server()
        except GatewayStartError as error:
            log("gateway", str(error))
            return error.exit_code
        log("gateway", f"OpenClaw {current_version()} gateway ready; config {self.config_path}")
        events.record_event(self.state_dir, "start", port=self.settings.port, host=self.settings.host,
                            tls=bool(self.settings.tls_cert), version=current_version())

        signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: self.stopping.set())
        signal.signal(signal.SIGUSR1, lambda *_: setattr(self, "pending_restart", ["SIGUSR1"]))
        exit_code = 0
        while not self.stopping.wait(WATCH_INTERVAL):
            try:
                self.check_config()
                if self.pending_restart:
                    self._restart()
            except GatewayStartError as error:
                log("gateway", f"restart failed: {error}")
                exit_code = error.exit_code
                break
        log("gateway", "shutting down")
        self._close_server("gateway stopping")
        events.record_event(self.state_dir, "stop")
        return exit_code
