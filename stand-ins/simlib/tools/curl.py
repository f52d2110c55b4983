"""curl for the download the charm makes: NodeSource's signing key.

Options (long and short): --fail/-f, --silent/-s, --show-error/-S, --location/-L,
--max-time/-m SECONDS, --output/-o FILE, --proxy/-x URL, --noproxy LIST; short flags may be
bundled (`-fsSL`). Any http(s) URL whose path ends in /gpgkey/nodesource-repo.gpg.key returns the
armored key; other URLs answer 404. Exit codes as curl's: 2 bad usage, 3 bad URL, 5/6/7 the
unreachable network of the `download-unreachable` fault, 22 HTTP error with --fail, 23 write error.
"""

import os
import re
import sys
from urllib.parse import urlsplit

from simlib.faults import fault_fires
from simlib.tools import pgp
from simlib.tools.common import (DOWNLOAD_FAULT, bypasses_proxy, environment_no_proxy, environment_proxy, error,
                                 host_path, is_ip_literal, proxy_host, proxy_port)

KEY_PATH = "/gpgkey/nodesource-repo.gpg.key"
FLAGS = {"-f": "fail", "--fail": "fail", "-s": "silent", "--silent": "silent", "-S": "show-error",
         "--show-error": "show-error", "-L": "location", "--location": "location"}
VALUED = {"-m": "max-time", "--max-time": "max-time", "-o": "output", "--output": "output", "-x": "proxy",
          "--proxy": "proxy", "--noproxy": "noproxy"}
HINT = "curl: try 'curl --help' or 'curl --manual' for more information"
NOT_FOUND_PAGE = "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n</body>\n</html>\n"


class CurlError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def _parse(args: list[str]) -> tuple[dict, list[str]]:
    options: dict = {}
    urls: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        index += 1
        if argument.startswith("--") and len(argument) > 2:
            name, _, inline = argument.partition("=")
            if name in FLAGS and not inline:
                options[FLAGS[name]] = True
            elif name in VALUED:
                if not inline and index >= len(args):
                    raise CurlError(2, f"curl: option {name}: requires parameter\n{HINT}")
                options[VALUED[name]] = inline if "=" in argument else args[index]
                index += 0 if "=" in argument else 1
            else:
                raise CurlError(2, f"curl: option {argument}: is unknown\n{HINT}")
        elif argument.startswith("-") and len(argument) > 1:
            letters = argument[1:]
            for position, letter in enumerate(letters):
                flag = "-" + letter
                if flag in FLAGS:
                    options[FLAGS[flag]] = True
                elif flag in VALUED:
                    value = letters[position + 1:]
                    if not value:
                        if index >= len(args):
                            raise CurlError(2, f"curl: option {flag}: requires parameter\n{HINT}")
                        value = args[index]
                        index += 1
                    options[VALUED[flag]] = value
                    break
                else:
                    raise CurlError(2, f"curl: option {argument}: is unknown\n{HINT}")
        else:
            urls.append(argument)
    if "max-time" in options and not re.match(r"^\d+(\.\d+)?$", options["max-time"]):
        raise CurlError(2, f"curl: option --max-time: expected a proper numerical parameter\n{HINT}")
    if not urls:
        raise CurlError(2, f"curl: no URL specified\n{HINT}")
    return options, urls


def _proxy_for(url, options: dict) -> str:
    scheme = url.scheme
    proxy = options.get("proxy")
    if proxy is None:
        proxy = environment_proxy(scheme)
    no_proxy = options.get("noproxy")
    if no_proxy is None:
        no_proxy = environment_no_proxy()
    if proxy and bypasses_proxy(url.hostname or "", no_proxy):
        return ""
    return proxy


def _fetch(url_text: str, options: dict) -> bytes:
    url = urlsplit(url_text if "://" in url_text else "http://" + url_text)
    if url.scheme not in ("http", "https"):
        raise CurlError(1, f'curl: (1) Protocol "{url.scheme}" not supported')
    if not url.hostname:
        raise CurlError(3, "curl: (3) URL rejected: No host part in the URL")
    proxy = _proxy_for(url, options)
    if fault_fires(DOWNLOAD_FAULT):
        if not proxy:
            raise CurlError(6, f"curl: (6) Could not resolve host: {url.hostname}")
        host = proxy_host(proxy)
        if is_ip_literal(host):
            raise CurlError(7, f"curl: (7) Failed to connect to {host} port {proxy_port(proxy)} after 0 ms: "
                               "Couldn't connect to server")
        raise CurlError(5, f"curl: (5) Could not resolve proxy: {host}")
    if url.path.endswith(KEY_PATH):
        return pgp.NODESOURCE_KEY_ARMORED.encode()
    if options.get("fail"):
        raise CurlError(22, "curl: (22) The requested URL returned error: 404")
    return NOT_FOUND_PAGE.encode()


def main(args: list[str]) -> int:
    try:
        options, urls = _parse(args)
    except CurlError as problem:
        error(str(problem))
        return problem.code
    quiet = options.get("silent") and not options.get("show-error")
    try:
        body = b"".join(_fetch(url, options) for url in urls)
    except CurlError as problem:
        if not quiet:
            error(str(problem))
        return problem.code
    output = options.get("output")
    if output is None or output == "-":
        sys.stdout.buffer.write(body)
        return 0
    try:
        with open(host_path(output) if output.startswith("/") else output, "wb") as handle:
            handle.write(body)
    except OSError as problem:
        if not quiet:
            error(f"Warning: Failed to open the file {output}: {problem.strerror}")
            error("curl: (23) Failure writing output to destination")
        return 23
    return 0
