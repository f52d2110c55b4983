"""TLS for the gateway and its clients: certificates, contexts and SHA-256 fingerprints.

A gateway with `gateway.tls.autoGenerate` (default true) and no certificate files makes a
self-signed certificate with the `openssl` command (Debian package `openssl`) under
`<state dir>/gateway/tls/`, with the key file mode 0600.
"""

import hashlib
import os
import shutil
import ssl
import subprocess


class TlsSetupError(Exception):
    """The gateway cannot serve TLS with the configured files."""


def normalize_fingerprint(text: str) -> str:
    """Return a SHA-256 fingerprint as lower-case hex without colons or a `sha256:` prefix."""
    cleaned = text.strip().lower()
    if cleaned.startswith("sha256:"):
        cleaned = cleaned[len("sha256:"):]
    return cleaned.replace(":", "").replace(" ", "")


def certificate_fingerprint(der_bytes: bytes) -> str:
    return hashlib.sha256(der_bytes).hexdigest()


def file_fingerprint(cert_path: str) -> str:
    with open(cert_path, encoding="ascii") as handle:
        return certificate_fingerprint(ssl.PEM_cert_to_DER_cert(handle.read()))


def generate_self_signed(cert_path: str, key_path: str, address: str) -> None:
    """Create a self-signed certificate and key for address unless both files exist."""
    if os.path.exists(cert_path) and os.path.exists(key_path):
        return
    if shutil.which("openssl") is None:
        raise TlsSetupError("cannot generate a TLS certificate: the openssl command is not installed "
                            "(apt-get install openssl), or set gateway.tls.certPath and keyPath")
    for directory in {os.path.dirname(cert_path), os.path.dirname(key_path)}:
        os.makedirs(directory or ".", mode=0o700, exist_ok=True)
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256", "-days", "3650",
               "-subj", "/CN=openclaw-gateway", "-addext", f"subjectAltName=IP:{address},DNS:localhost",
               "-keyout", key_path, "-out", cert_path]
    old_umask = os.umask(0o077)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        os.umask(old_umask)
    if result.returncode != 0:
        raise TlsSetupError(f"openssl failed to create a certificate: {result.stderr.strip()}")
    os.chmod(key_path, 0o600)
    os.chmod(cert_path, 0o644)


def server_context(cert_path: str, key_path: str, ca_path: str | None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_path, key_path)
    except (OSError, ssl.SSLError) as error:
        raise TlsSetupError(f"cannot load the TLS certificate {cert_path} or key {key_path}: {error}") from None
    if ca_path:
        try:
            context.load_verify_locations(ca_path)
        except (OSError, ssl.SSLError) as error:
            raise TlsSetupError(f"cannot load gateway.tls.caPath {ca_path}: {error}") from None
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


def client_context() -> ssl.SSLContext:
    """Return a client context that accepts any certificate; callers pin by fingerprint."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
