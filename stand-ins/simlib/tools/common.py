"""What every install-tool stand-in shares: the root it writes under, call recording and proxies.

`$JUJU_SIM_ROOT` (default `/`) prefixes every path a stand-in reads or writes. Only the
Python tests set it, so they run against a temporary directory; inside a unit the root
is the unit's own overlay.
"""

import fcntl
import json
import os
import sys
import tempfile
from urllib.parse import urlsplit

ROOT_VARIABLE = "JUJU_SIM_ROOT"
COMMANDS_LOG = "/var/log/juju-sim/commands.jsonl"

# The variables a call record keeps: only these, and only when set.
RECORDED_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
                      "DEBIAN_FRONTEND", "SHARP_IGNORE_GLOBAL_LIBVIPS")

# The fault that makes every download of curl, apt-get and npm fail.
DOWNLOAD_FAULT = "download-unreachable"


def root() -> str:
    return os.environ.get(ROOT_VARIABLE) or "/"


def host_path(path: str) -> str:
    """Return where the unit path `path` lives under the root."""
    return os.path.join(root(), path.lstrip("/"))


def stand_ins_dir() -> str:
    """The directory holding the stand-in executables (`/opt/juju-sim/stand-ins` in a unit)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def record_call(argv: list[str], exit_code: int) -> None:
    """Append one line {"argv", "env", "exit"} to the unit's command log."""
    environment = {name: os.environ[name] for name in RECORDED_VARIABLES if os.environ.get(name)}
    line = json.dumps({"argv": argv, "env": environment, "exit": exit_code}, sort_keys=True)
    path = host_path(COMMANDS_LOG)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line + "\n")


def run_recorded(name: str, main, args: list[str]) -> int:
    """Run `main(args)`, record the call under `name` and return its exit code."""
    try:
        code = main(args)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    record_call([name, *args], code)
    return code


def error(text: str) -> None:
    print(text, file=sys.stderr)


def write_atomically(path: str, data: bytes, mode: int = 0o644, like: str | None = None) -> None:
    """Replace `path` through a temporary file in its directory; keep the owner and mode of `like`."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        reference = like if like and os.path.exists(like) else None
        if reference:
            status = os.stat(reference)
            os.chmod(temporary, status.st_mode & 0o7777)
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except PermissionError:
                pass
        else:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def bypasses_proxy(host: str, no_proxy: str) -> bool:
    """Whether `host` matches a no_proxy list as curl and npm read it (suffix match, `*` for all)."""
    for entry in (item.strip().lstrip(".").lower() for item in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False


def is_ip_literal(host: str) -> bool:
    parts = host.split(".")
    return (len(parts) == 4 and all(part.isdigit() and int(part) < 256 for part in parts)) or ":" in host


def proxy_port(proxy: str) -> int:
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    try:
        return parts.port or 1080
    except ValueError:
        return 1080


def proxy_host(proxy: str) -> str:
    return urlsplit(proxy if "://" in proxy else "http://" + proxy).hostname or proxy


def environment_proxy(scheme: str) -> str:
    """The proxy the environment names for `scheme` (http or https), as curl reads it."""
    if scheme == "https":
        return os.environ.get("https_proxy") or os.environ.get("HTTPS_PROXY") or ""
    return os.environ.get("http_proxy") or ""


def environment_no_proxy() -> str:
    return os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
