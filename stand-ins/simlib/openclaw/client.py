"""Resolution of the gateway that a CLI command calls, and of its credentials.

- With `--url ws://host:port` (or wss://), config and environment credentials are
  ignored and `--token` (or `--password`) is required, as in OpenClaw.
- Otherwise, with `gateway.mode: "remote"` in the local config, the CLI uses
  gateway.remote.url and gateway.remote.token (or password), and over wss:// pins the
  certificate to gateway.remote.tlsFingerprint when it is set, as `node run
  --tls-fingerprint` does.
- Otherwise it reaches this unit's own gateway: the unit address, the port from
  OPENCLAW_GATEWAY_PORT > gateway.port > 18789, TLS when gateway.tls.enabled, and the
  secret from --token > OPENCLAW_GATEWAY_TOKEN > gateway.auth.token (or the passwords).
"""

import os
import urllib.parse
from dataclasses import dataclass

from simlib.openclaw.config import Profile, format_issues, load_config
from simlib.openclaw.gateway_settings import DEFAULT_PORT, DEV_PORT
from simlib.openclaw.transport import FingerprintMismatch, GatewayRpcError, GatewayUnreachable, call_gateway
from simlib.unitinfo import unit_address


class CliError(Exception):
    """A CLI failure: printed as `Error: ...`, or as a cli_error document with --json."""


@dataclass
class GatewayTarget:
    """The gateway address, transport and secret for the CLI's RPCs."""

    host: str
    port: int
    tls: bool
    secret: str | None
    # The pinned SHA-256 fingerprint of the gateway certificate. None accepts any certificate.
    fingerprint: str | None = None

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}"


def parse_gateway_url(url: str) -> tuple[str, int, bool]:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("ws", "wss", "http", "https") or not parsed.hostname:
        raise CliError(f"Invalid gateway URL {url!r}: expected ws://host:port or wss://host:port.")
    tls = parsed.scheme in ("wss", "https")
    try:
        port = parsed.port or DEFAULT_PORT
    except ValueError:
        raise CliError(f"Invalid gateway URL {url!r}: the port is not a number 1-65535.") from None
    return parsed.hostname, port, tls


def resolve_target(options: dict, profile: Profile) -> GatewayTarget:
    if options.get("url"):
        secret = options.get("token") or options.get("password")
        if not secret:
            raise CliError("--url needs --token (or --password): config and environment credentials are not used "
                           "with an explicit URL.")
        host, port, tls = parse_gateway_url(options["url"])
        return GatewayTarget(host, port, tls, secret)

    loaded = load_config(profile)
    if not loaded.valid:
        raise CliError(format_issues(loaded))
    if loaded.get("gateway.mode") == "remote":
        url = loaded.get("gateway.remote.url")
        if not url:
            raise CliError("gateway.mode is remote but gateway.remote.url is not set; set it to ws://host:port.")
        host, port, tls = parse_gateway_url(url)
        secret = (options.get("token") or options.get("password") or loaded.get("gateway.remote.token")
                  or loaded.get("gateway.remote.password") or os.environ.get("OPENCLAW_GATEWAY_TOKEN"))
        return GatewayTarget(host, port, tls, secret, loaded.get("gateway.remote.tlsFingerprint") or None)

    port_text = os.environ.get("OPENCLAW_GATEWAY_PORT")
    port = int(port_text) if port_text and port_text.isdigit() else loaded.get(
        "gateway.port", DEV_PORT if profile.dev else DEFAULT_PORT)
    secret = (options.get("token") or options.get("password") or os.environ.get("OPENCLAW_GATEWAY_TOKEN")
              or loaded.get("gateway.auth.token") or os.environ.get("OPENCLAW_GATEWAY_PASSWORD")
              or loaded.get("gateway.auth.password"))
    return GatewayTarget(unit_address(), int(port), bool(loaded.get("gateway.tls.enabled", False)), secret)


def rpc(options: dict, profile: Profile, method: str, params: dict | None = None) -> dict:
    """Call method on the resolved gateway; connection and RPC failures raise CliError."""
    target = resolve_target(options, profile)
    timeout_ms = options.get("timeout")
    try:
        timeout = float(timeout_ms) / 1000 if timeout_ms else 10.0
    except ValueError:
        raise CliError(f"Invalid --timeout {timeout_ms!r}: expected milliseconds.") from None
    try:
        return call_gateway(target.host, target.port, target.tls, target.secret, method, params or {}, timeout,
                            target.fingerprint)
    except (GatewayUnreachable, GatewayRpcError, FingerprintMismatch) as error:
        raise CliError(str(error)) from None
