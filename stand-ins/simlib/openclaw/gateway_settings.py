"""Resolve what a gateway run uses: port, bind address, auth and TLS.

Precedence follows OpenClaw: `--port` > OPENCLAW_GATEWAY_PORT > gateway.port > 18789
(19001 with --dev); `--token` > OPENCLAW_GATEWAY_TOKEN > gateway.auth.token, and the
same for passwords. Binds: `lan`, `auto` and `custom` listen on the unit's own address
and accept any peer. `loopback` (and `tailnet`, which falls back to loopback without
Tailscale) also listens on the unit's own address, because units share the host's
loopback. It accepts only peers from that address or from 127.0.0.1, which is the
source address of local tools that do not bind one, such as curl.
"""

import os
from dataclasses import dataclass

from simlib.openclaw.config import LoadedConfig
from simlib.openclaw.tlsutil import TlsSetupError, generate_self_signed
from simlib.unitinfo import unit_address

DEFAULT_PORT = 18789
DEV_PORT = 19001

# Exit status of "Refusing to bind gateway to lan without auth." (EX_CONFIG).
EXIT_CONFIG = 78


class GatewayStartError(Exception):
    """The gateway refuses to start; the message is logged and exit_code returned."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class GatewaySettings:
    """The listening and auth settings of one gateway run (they change only on restart)."""

    host: str
    port: int
    bind: str
    loopback_only: bool
    auth_mode: str
    token: str | None
    password: str | None
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_ca: str | None = None

    @property
    def scheme(self) -> str:
        return "wss" if self.tls_cert else "ws"


def _resolve_port(flags: dict, loaded: LoadedConfig) -> int:
    for source, value in (("--port", flags.get("port")), ("OPENCLAW_GATEWAY_PORT", os.environ.get("OPENCLAW_GATEWAY_PORT"))):
        if value not in (None, ""):
            try:
                port = int(value)
            except ValueError:
                raise GatewayStartError(f"Invalid {source} value {value!r}: expected a port number 1-65535.") from None
            if not 1 <= port <= 65535:
                raise GatewayStartError(f"Invalid {source} value {value!r}: expected a port number 1-65535.")
            return port
    configured = loaded.get("gateway.port")
    if configured is not None:
        return int(configured)
    return DEV_PORT if flags.get("dev") else DEFAULT_PORT


def _read_password_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError as error:
        raise GatewayStartError(f"Cannot read --password-file {path}: {error.strerror}.") from None


def _resolve_auth(flags: dict, loaded: LoadedConfig) -> tuple[str, str | None, str | None]:
    token = flags.get("token") or os.environ.get("OPENCLAW_GATEWAY_TOKEN") or loaded.get("gateway.auth.token")
    password = flags.get("password")
    if flags.get("password-file"):
        password = _read_password_file(flags["password-file"])
    password = password or os.environ.get("OPENCLAW_GATEWAY_PASSWORD") or loaded.get("gateway.auth.password")
    mode = flags.get("auth") or loaded.get("gateway.auth.mode")
    if mode is not None and mode not in ("none", "token", "password", "trusted-proxy"):
        raise GatewayStartError(f"Invalid --auth value {mode!r}: expected none, token, password or trusted-proxy.")
    if mode is None:
        if token and password:
            raise GatewayStartError("Both a gateway token and a password are configured; set gateway.auth.mode "
                                    "(or --auth) to token or password.")
        if token:
            mode = "token"
        elif password:
            mode = "password"
        else:
            mode = "none"
    if mode == "trusted-proxy":
        if token:
            raise GatewayStartError("gateway.auth.mode=trusted-proxy must not be combined with a token; "
                                    "remove gateway.auth.token and OPENCLAW_GATEWAY_TOKEN.")
        # NOTE: the stand-in does not simulate identity headers from a trusted proxy.
        raise GatewayStartError("gateway.auth.mode=trusted-proxy is not simulated by the openclaw stand-in; "
                                "use token or password.")
    return mode, token, password


def _resolve_tls(loaded: LoadedConfig, state_dir: str, host: str) -> tuple[str | None, str | None, str | None]:
    """Return (certificate, key, CA bundle) paths, generating a certificate when allowed."""
    if not loaded.get("gateway.tls.enabled", False):
        return None, None, None
    default_directory = os.path.join(state_dir, "gateway", "tls")
    cert = loaded.get("gateway.tls.certPath") or os.path.join(default_directory, "gateway-cert.pem")
    key = loaded.get("gateway.tls.keyPath") or os.path.join(default_directory, "gateway-key.pem")
    ca = loaded.get("gateway.tls.caPath")
    if not (os.path.exists(cert) and os.path.exists(key)):
        if not loaded.get("gateway.tls.autoGenerate", True):
            raise GatewayStartError(f"gateway.tls is enabled but the certificate {cert} or key {key} is missing "
                                    "and gateway.tls.autoGenerate is false; create the files or enable autoGenerate.")
        try:
            generate_self_signed(cert, key, host)
        except TlsSetupError as error:
            raise GatewayStartError(str(error)) from None
    return cert, key, ca


def resolve_settings(flags: dict, loaded: LoadedConfig, state_dir: str) -> GatewaySettings:
    """Return the settings of a run, or raise GatewayStartError with OpenClaw's refusal."""
    bind = flags.get("bind") or loaded.get("gateway.bind") or "loopback"
    if bind not in ("auto", "loopback", "lan", "tailnet", "custom"):
        raise GatewayStartError(f"Invalid --bind value {bind!r}: expected loopback, lan, tailnet, auto or custom.")
    if bind == "custom" and not loaded.get("gateway.customBindHost"):
        raise GatewayStartError("gateway.bind=custom needs gateway.customBindHost (an IPv4 address).")
    loopback_only = bind in ("loopback", "tailnet")
    mode, token, password = _resolve_auth(flags, loaded)
    has_credential = (mode == "token" and token) or (mode == "password" and password)
    if not loopback_only and not has_credential:
        raise GatewayStartError(f"Refusing to bind gateway to {bind} without auth.", EXIT_CONFIG)
    if mode == "token" and not token:
        raise GatewayStartError("Gateway auth mode is token but no token is set; set gateway.auth.token or "
                                "OPENCLAW_GATEWAY_TOKEN, or pass --token.")
    if mode == "password" and not password:
        raise GatewayStartError("Gateway auth mode is password but no password is set; set gateway.auth.password "
                                "or OPENCLAW_GATEWAY_PASSWORD, or pass --password.")
    host = unit_address()
    cert, key, ca = _resolve_tls(loaded, state_dir, host)
    return GatewaySettings(host=host, port=_resolve_port(flags, loaded), bind=bind, loopback_only=loopback_only,
                           auth_mode=mode, token=token, password=password, tls_cert=cert, tls_key=key, tls_ca=ca)
