"""npm 11 for global installs of OpenClaw from the registry or from a package tarball.

Commands: `install`/`i`/`add` with `--global`/`-g`, `view`/`info`/`show`, `prefix -g`, `root -g`,
`--version`. The registry has the package `openclaw` with the releases in simlib/releases.py.
A global install replaces /usr/lib/node_modules/<name>/ atomically (staged, then renamed) and
links each `bin` entry into /usr/bin. Failures print npm's `npm error` lines and exit 1.
"""

import json
import os
import shutil
import tarfile
import tempfile

from simlib import releases
from simlib.faults import fault_fires
from simlib.tools.common import (DOWNLOAD_FAULT, bypasses_proxy, error, host_path, is_ip_literal, proxy_host,
                                 proxy_port)
from simlib.tools.packages import NPM_VERSION

REGISTRY = "https://registry.npmjs.org"
PREFIX = "/usr"
VALUED = ("--proxy", "--https-proxy", "--noproxy", "--registry", "--prefix")
KNOWN_FLAGS = ("--global", "-g", "--no-fund", "--no-audit", "--json", "--fund", "--audit")


class NpmError(Exception):
    def __init__(self, lines: list[str], code: int = 1):
        super().__init__("\n".join(lines))
        self.lines = lines
        self.code = code


def openclaw_package(version: str) -> dict[str, bytes]:
    """The files of the openclaw package at `version`: package.json and the openclaw.mjs entry point."""
    manifest = {"name": "openclaw", "version": version, "description": "OpenClaw (juju-sim stand-in)",
                "type": "module", "bin": {"openclaw": "openclaw.mjs"},
                "engines": {"node": releases.node_floor(version)}, "license": "MIT"}
    entry = ("#!/usr/bin/env node\n"
             f"// OpenClaw {version} as a juju-sim stand-in: the node stand-in runs the openclaw stand-in\n"
             "// for the version in package.json.\n")
    return {"package.json": (json.dumps(manifest, indent=2) + "\n").encode(), "openclaw.mjs": entry.encode()}


def _parse(args: list[str]) -> tuple[list[str], dict]:
    options: dict = {}
    words: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        index += 1
        name, equals, inline = argument.partition("=")
        if name in VALUED:
            if not equals and index >= len(args):
                raise NpmError(["npm error code EUSAGE", f"npm error {name} requires a value"])
            options[name[2:]] = inline if equals else args[index]
            index += 0 if equals else 1
        elif argument in KNOWN_FLAGS:
            options[{"-g": "global"}.get(argument, argument.lstrip("-"))] = True
        elif argument in ("--version", "-v"):
            options["version"] = True
        elif argument.startswith("-"):
            error(f'npm warn Unknown cli config "{name}". This will stop working in the next major version of npm.')
        else:
            words.append(argument)
    return words, options


def _network_failure(options: dict, url: str) -> NpmError | None:
    if not fault_fires(DOWNLOAD_FAULT):
        return None
    proxy = options.get("https-proxy") or os.environ.get("npm_config_https_proxy") or \
        os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or options.get("proxy") or \
        os.environ.get("HTTP_PROXY") or os.environ.get("http_proxy") or ""
    no_proxy = options.get("noproxy") or os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    if proxy and not bypasses_proxy("registry.npmjs.org", no_proxy):
        host = proxy_host(proxy)
        address = host if is_ip_literal(host) else "127.0.0.1"
        return NpmError(["npm error code ECONNREFUSED", "npm error syscall connect", "npm error errno ECONNREFUSED",
                         f"npm error FetchError: request to {url} failed, reason: connect ECONNREFUSED "
                         f"{address}:{proxy_port(proxy)}"])
    return NpmError(["npm error code ENOTFOUND", "npm error syscall getaddrinfo", "npm error errno ENOTFOUND",
                     f"npm error network request to {url} failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org",
                     "npm error network This is a problem related to network connectivity.",
                     "npm error network In most cases you are behind a proxy or have bad network settings.",
                     "npm error network",
                     "npm error network If you are behind a proxy, please make sure that the",
                     "npm error network 'proxy' config is set properly.  See: 'npm help config'"])


def _resolve(spec: str, options: dict) -> tuple[str, str]:
    """Return (name, version) of a registry spec such as `openclaw@2026.9.3` or `openclaw@latest`."""
    name, _, wanted = spec.rpartition("@") if spec.rfind("@") > 0 else (spec, "", "")
    wanted = wanted or "latest"
    failure = _network_failure(options, f"{REGISTRY}/{name}")
    if failure:
        raise failure
    if name != "openclaw":
        raise NpmError(["npm error code E404", f"npm error 404 Not Found - GET {REGISTRY}/{name} - Not found",
                        "npm error 404", f"npm error 404  '{spec}' is not in this registry."])
    version = releases.DIST_TAGS.get(wanted, wanted)
    if version not in releases.RELEASES:
        raise NpmError(["npm error code ETARGET", f"npm error notarget No matching version found for {name}@{wanted}.",
                        "npm error notarget In most cases you or one of your dependencies are requesting",
                        "npm error notarget a package version that doesn't exist."])
    return name, version


def _is_tarball(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "file:")) or spec.endswith((".tgz", ".tar.gz", ".tar"))


def _read_tarball(spec: str) -> dict[str, bytes]:
    """The files under `package/` of an npm-pack tarball, keyed by their path inside the package."""
    path = spec[len("file:"):] if spec.startswith("file:") else spec
    location = host_path(path) if path.startswith("/") else os.path.abspath(path)
    if not os.path.isfile(location):
        raise NpmError(["npm error code ENOENT", "npm error syscall open", f"npm error path {path}",
                        "npm error errno -2", f"npm error enoent ENOENT: no such file or directory, open '{path}'"], 254)
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(location, "r:*") as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                inner = member.name.split("/", 1)[1] if "/" in member.name else ""
                if inner and ".." not in inner.split("/"):
                    files[inner] = archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError):
        raise NpmError(["npm error code TAR_BAD_ARCHIVE",
                        "npm error TAR_BAD_ARCHIVE: Unrecognized archive format"]) from None
    try:
        manifest = json.loads(files["package.json"])
        if not manifest.get("name") or not manifest.get("version"):
            raise ValueError
    except (KeyError, ValueError):
        raise NpmError(["npm error code ENOENT", "npm error syscall open",
                        "npm error enoent Could not read package.json: package/package.json is missing or invalid "
                        "in the tarball"]) from None
    return files


def _place(name: str, files: dict[str, bytes]) -> bool:
    """Install the package into node_modules atomically; return whether it replaced an existing one."""
    modules = host_path(f"{PREFIX}/lib/node_modules")
    os.makedirs(modules, exist_ok=True)
    staging = tempfile.mkdtemp(dir=modules, prefix=f".{name}-")
    for inner, data in files.items():
        target = os.path.join(staging, inner)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o644)
    os.chmod(staging, 0o755)
    manifest = json.loads(files["package.json"])
    bins = manifest.get("bin") or {}
    if isinstance(bins, str):
        bins = {name: bins}
    for relative in bins.values():
        path = os.path.join(staging, relative)
        if os.path.exists(path):
            os.chmod(path, 0o755)
    final = os.path.join(modules, name)
    replaced = os.path.exists(final)
    if replaced:
        retired = tempfile.mkdtemp(dir=modules, prefix=f".{name}-old-")
        os.rmdir(retired)
        os.rename(final, retired)
        os.rename(staging, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, final)
    for command, relative in bins.items():
        link = host_path(f"{PREFIX}/bin/{command}")
        os.makedirs(os.path.dirname(link), exist_ok=True)
        temporary = link + ".npm-new"
        if os.path.lexists(temporary):
            os.unlink(temporary)
        os.symlink(os.path.normpath(f"../lib/node_modules/{name}/{relative}"), temporary)
        os.replace(temporary, link)
    return replaced


def install(words: list[str], options: dict) -> int:
    if not options.get("global"):
        raise NpmError(["npm error code ENOENT", "npm error juju-sim: the npm stand-in installs only with --global"])
    if not words:
        raise NpmError(["npm error code EUSAGE", "npm error juju-sim: name a package or tarball to install"])
    results = []
    for spec in words:
        if _is_tarball(spec):
            files = _read_tarball(spec)
            name = json.loads(files["package.json"])["name"]
        else:
            name, version = _resolve(spec, options)
            files = openclaw_package(version)
        results.append(_place(name, files))
    verb = "changed" if all(results) else "added"
    print(f"\n{verb} {len(results)} package{'s' if len(results) > 1 else ''} in 1s")
    return 0


def view(words: list[str], options: dict) -> int:
    if not words:
        raise NpmError(["npm error code EUSAGE", "npm error Usage: npm view [<package-spec>] [<field>[.subfield]...]"])
    name, version = _resolve(words[0], options)
    fields = words[1:]
    document = {"name": name, "version": version, "versions": list(releases.RELEASES),
                "dist-tags": dict(releases.DIST_TAGS), "engines": {"node": releases.node_floor(version)}}
    if not fields:
        print(f"\n{name}@{version} | MIT | deps: none | versions: {len(releases.RELEASES)}\n")
        return 0
    for field in fields:
        value = document
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        if options.get("json"):
            print(json.dumps(value, indent=2))
        elif isinstance(value, list):
            print("[\n" + ",\n".join(f"  '{item}'" for item in value) + "\n]")
        elif isinstance(value, dict):
            print("{ " + ", ".join(f"{key}: '{item}'" for key, item in value.items()) + " }")
        else:
            print(value)
    return 0


def main(args: list[str]) -> int:
    try:
        words, options = _parse(args)
        if options.get("version") and not words:
            print(NPM_VERSION)
            return 0
        if not words:
            print("npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\n"
                  "npm view <pkg>     view registry info\n\nAll commands:\n\n    install, prefix, root, view")
            return 1
        command, rest = words[0], words[1:]
        if command in ("install", "i", "add", "in", "isntall"):
            return install(rest, options)
        if command in ("view", "v", "info", "show"):
            return view(rest, options)
        if command in ("prefix", "root"):
            base = PREFIX if options.get("global") else os.getcwd()
            print(base + ("/lib/node_modules" if command == "root" and options.get("global") else
                          "/node_modules" if command == "root" else ""))
            return 0
        error(f'Unknown command: "{command}"\n\nTo see a list of supported npm commands, run:\n  npm help')
        return 1
    except NpmError as problem:
        error("\n".join(problem.lines))
        return problem.code

