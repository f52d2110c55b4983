"""apt-get update and apt-get install, as apt 2.7 (Ubuntu 24.04) prints and exits.

`update` fetches the lists of every configured source into /var/lib/apt/lists/. A NodeSource
source must name a dearmored NodeSource keyring in Signed-By, else it fails verification
(NO_PUBKEY, "is not signed"). Fetch failures are `W:` lines with exit 0, or `E:` lines with
exit 100 under `--error-on=any`. `install` offers the package `nodejs` (packages.py).
The faults `apt-get update` and `apt-get install` fail that command as juju-sim's fault
contract defines: `ERROR injected fault: <name>`, exit 1, nothing changed.
"""

import os
import re

from simlib.faults import fault_fires
from simlib.tools import apt_sources, packages, pgp
from simlib.tools.common import DOWNLOAD_FAULT, error, host_of, host_path, proxy_host, proxy_port, write_atomically

READING = "Reading package lists..."


class AptError(Exception):
    """An `E:` failure: apt-get prints the lines and exits 100."""


def _parse(args: list[str]) -> tuple[str, list[str], dict]:
    options = {"config": {}}
    words: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        index += 1
        if argument in ("-y", "--yes", "--assume-yes", "-q", "--quiet", "-qq", "--no-install-recommends"):
            options[argument.lstrip("-")] = True
        elif argument.startswith("--error-on"):
            value = argument.partition("=")[2] if "=" in argument else (args[index] if index < len(args) else "")
            index += 0 if "=" in argument else 1
            if value not in ("any", "never"):
                raise AptError(f"E: Unknown value '{value}' for --error-on")
            options["error-on"] = value
        elif argument == "-o" or argument.startswith("-o") or argument.startswith("--option"):
            value = argument[2:] if argument.startswith("-o") and argument != "-o" else \
                argument.partition("=")[2] if argument.startswith("--option=") else \
                (args[index] if index < len(args) else "")
            if argument in ("-o", "--option"):
                index += 1
            key, equals, setting = value.partition("=")
            if not equals:
                raise AptError(f"E: Option {value}: Configuration item specification must have an =<val>.")
            options["config"][key.lower()] = setting
        elif argument.startswith("-"):
            raise AptError(f"E: Command line option {argument} is not understood in combination with the other options")
        else:
            words.append(argument)
    if not words:
        raise AptError("E: No operation specified")
    return words[0], words[1:], options


def _proxy(options: dict, url: str) -> str:
    """The proxy apt 2.7's http method uses for `url`.

    Acquire::<scheme>::Proxy::<host>, then Acquire::<scheme>::Proxy (an https URL falls back to the http
    settings), `DIRECT` meaning none; without either, http_proxy, overridden by https_proxy for an https URL.
    apt reads only the lower-case variables. A host that ends with an entry of no_proxy goes direct.
    """
    scheme = "https" if url.startswith("https") else "http"
    host = host_of(url)
    schemes = ("https", "http") if scheme == "https" else ("http",)
    config = options["config"]
    proxy = None
    for key in [f"acquire::{name}::proxy::{host}" for name in schemes] + [f"acquire::{name}::proxy" for name in schemes]:
        if config.get(key):
            proxy = config[key]
            break
    if proxy is None:
        proxy = os.environ.get("http_proxy") or ""
        if scheme == "https" and os.environ.get("https_proxy") is not None:
            proxy = os.environ["https_proxy"]
    if proxy.upper() == "DIRECT" or _in_domain_list(host, os.environ.get("no_proxy")):
        return ""
    return proxy


def _in_domain_list(host: str, domains: str | None) -> bool:
    """apt's CheckDomainList: whether `host` ends with one of the comma-separated entries, compared as text."""
    return any(entry and host.lower().endswith(entry.lower()) for entry in (domains or "").split(","))


def _unreachable(options: dict, url: str) -> str | None:
    """apt's reason for a failed fetch when the download fault fires, else None."""
    if not fault_fires(DOWNLOAD_FAULT):
        return None
    proxy = _proxy(options, url)
    if proxy:
        host = proxy_host(proxy)
        return f"Could not connect to {host}:{proxy_port(proxy)} ({host}). - connect (111: Connection refused)"
    return f"Temporary failure resolving '{host_of(url)}'"


def _verification_problem(source: apt_sources.Source) -> str | None:
    keyring = source.signed_by
    if keyring and not keyring.startswith("/"):
        return "not-signed"
    if keyring:
        try:
            with open(host_path(keyring), "rb") as handle:
                data = handle.read()
        except OSError:
            return "not-signed"
        if not pgp.is_public_key(data):
            return f"The key(s) in the keyring {keyring} are ignored as the file has an unsupported filetype."
        if pgp.KEY_ID.encode() not in data:
            return "not-signed"
        return None
    return "not-signed"


def update(options: dict) -> int:
    sources = apt_sources.read_sources()
    lines, warnings, errors = [], [], []
    fetched_kb = 0
    extra = len(sources)
    for number, source in enumerate(sources, start=1):
        base = source.uri.rstrip("/")
        label = f"{base} {source.suite}"
        reason = _unreachable(options, base)
        if reason:
            lines += [f"Ign:{number} {label} InRelease", f"Err:{number} {label} InRelease", f"  {reason}"]
            failures = warnings if options.get("error-on") != "any" else errors
            failures.append(f"Failed to fetch {base}/dists/{source.suite}/InRelease  {reason}")
            continue
        major = source.nodesource_major
        if major is None:
            lines.append(f"Hit:{number} {label} InRelease")
            continue
        if major != "24" or source.suite != "nodistro":
            lines += [f"Ign:{number} {label} InRelease", f"Err:{number} {label} Release",
                      "  404  Not Found [IP: 127.0.0.1 443]"]
            errors.append(f"The repository '{label} Release' does not have a Release file.")
            continue
        problem = _verification_problem(source)
        if problem:
            no_pubkey = ("The following signatures couldn't be verified because the public key is not available: "
                         f"NO_PUBKEY {pgp.KEY_ID}")
            lines += [f"Get:{number} {label} InRelease [12.1 kB]", f"Err:{number} {label} InRelease", f"  {no_pubkey}"]
            if problem != "not-signed":
                warnings.append(problem)
            warnings.append(f"GPG error: {label} InRelease: {no_pubkey}")
            errors += [f"The repository '{label} InRelease' is not signed.",
                       "N: Updating from such a repository can't be done securely, and is therefore disabled by default.",
                       "N: See apt-secure(8) manpage for repository creation and user configuration details."]
            continue
        extra += 1
        lines += [f"Get:{number} {label} InRelease [12.1 kB]",
                  f"Get:{extra} {base} {source.suite}/main amd64 Packages [5,218 B]"]
        fetched_kb += 17
        directory = apt_sources.lists_dir()
        for name in source.list_files():
            write_atomically(os.path.join(directory, name), f"# juju-sim: lists of {label}\n".encode())
    if fetched_kb:
        lines.append(f"Fetched {fetched_kb}.3 kB in 1s ({fetched_kb}.3 kB/s)")
    lines.append(READING)
    print("\n".join(lines), flush=True)
    if any(line.startswith("Failed to fetch") for line in warnings + errors):
        (errors if options.get("error-on") == "any" else warnings).append(
            "Some index files failed to download. They have been ignored, or old ones used instead.")
    for line in warnings:
        error(f"W: {line}")
    for line in errors:
        error(line if line.startswith("N: ") else f"E: {line}")
    return 100 if errors else 0


def _candidate(name: str) -> tuple[packages.Package, str] | None:
    if name != "nodejs":
        return None
    source = apt_sources.nodesource_lists_present()
    if source:
        return packages.NODESOURCE_NODEJS, source.uri.rstrip("/")
    return packages.UBUNTU_NODEJS, "http://archive.ubuntu.com/ubuntu"


def _newer(left: str, right: str) -> bool:
    def key(version: str) -> list[int]:
        return [int(part) for part in re.findall(r"\d+", version)]
    return key(left) > key(right)


def install(names: list[str], options: dict) -> int:
    print("\n".join([READING, "Building dependency tree...", "Reading state information..."]), flush=True)
    if not names:
        print("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
        return 0
    chosen = []
    for name in names:
        candidate = _candidate(name)
        current = packages.installed_version(name)
        if candidate is None:
            if current:
                print(f"{name} is already the newest version ({current}).")
                continue
            raise AptError(f"E: Unable to locate package {name}")
        package, base = candidate
        if current and not _newer(package.version, current):
            print(f"{name} is already the newest version ({current}).")
            continue
        chosen.append((package, base, current))
    if not chosen:
        print("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
        return 0
    upgraded = [package.name for package, _, current in chosen if current]
    new = [package.name for package, _, current in chosen if not current]
    if new:
        print("The following NEW packages will be installed:\n  " + " ".join(new))
    if upgraded:
        print("The following packages will be upgraded:\n  " + " ".join(upgraded))
    print(f"{len(upgraded)} upgraded, {len(new)} newly installed, 0 to remove and 0 not upgraded.")
    for number, (package, base, _) in enumerate(chosen, start=1):
        url = f"{base}/{package.pool_path}/{package.deb_name()}"
        reason = _unreachable(options, url)
        if reason:
            print(f"Err:{number} {url}\n  {reason}", flush=True)
            raise AptError(f"E: Failed to fetch {url}  {reason}\n"
                           "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?")
        print(f"Get:{number} {url} [{package.size_kb // 7} kB]")
    for package, _, current in chosen:
        if not current:
            print(f"Selecting previously unselected package {package.name}.")
        print(f"Preparing to unpack .../{package.deb_name()} ...")
        print(f"Unpacking {package.name} ({package.version})" + (f" over ({current})" if current else "") + " ...")
        packages.install_files(package)
        print(f"Setting up {package.name} ({package.version}) ...")
    return 0


def main(args: list[str]) -> int:
    try:
        command, names, options = _parse(args)
        if command in ("update", "install") and fault_fires(f"apt-get {command}"):
            error(f"ERROR injected fault: apt-get {command}")
            return 1
        if command == "update":
            if names:
                raise AptError("E: The update command takes no arguments")
            return update(options)
        if command == "install":
            return install(names, options)
        raise AptError(f"E: Invalid operation {command}")
    except AptError as problem:
        error(str(problem))
        return 100
