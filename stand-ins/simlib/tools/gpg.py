"""gpg for the one operation the charm needs: `--dearmor`, turning an armored key into a keyring.

Options: --dearmor (or --dearmour), --output/-o FILE, --batch, --yes; the input is a file or
stdin. Anything else gpg can do is out of scope and fails with exit 2. Exit 2 for every
failure, as gpg does.
"""

import os
import sys

from simlib.tools import pgp
from simlib.tools.common import error, host_path


def _unit_path(path: str) -> str:
    return host_path(path) if path.startswith("/") else path


def _parse(args: list[str]) -> tuple[dict, list[str]] | int:
    options: dict = {}
    files: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        index += 1
        if argument == "--":
            files += args[index:]
            break
        name, equals, inline = argument.partition("=")
        if name in ("--dearmor", "--dearmour"):
            options["dearmor"] = True
        elif name in ("--batch", "--yes") and not equals:
            options[name[2:]] = True
        elif name in ("--output", "-o") or (argument.startswith("-o") and len(argument) > 2):
            if name.startswith("-o") and not name.startswith("--") and len(name) > 2:
                options["output"] = argument[2:]
            elif equals:
                options["output"] = inline
            elif index < len(args):
                options["output"] = args[index]
                index += 1
            else:
                error(f'gpg: missing argument for option "{name}"')
                return 2
        elif argument.startswith("-") and argument != "-":
            error(f'gpg: invalid option "{argument}"')
            return 2
        else:
            files.append(argument)
    return options, files


def main(args: list[str]) -> int:
    parsed = _parse(args)
    if isinstance(parsed, int):
        return parsed
    options, files = parsed
    if not options.get("dearmor"):
        error("gpg: the juju-sim stand-in only supports --dearmor")
        return 2
    if len(files) > 1:
        error("usage: gpg [options] --dearmor [file]")
        return 2
    source = files[0] if files else "-"
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(_unit_path(source), "rb") as handle:
                data = handle.read()
    except OSError as problem:
        error(f"gpg: can't open '{source}': {problem.strerror}")
        error(f"gpg: dearmoring failed: {problem.strerror}")
        return 2
    packets = pgp.dearmor(data)
    if packets is None:
        error("gpg: no valid OpenPGP data found.")
        return 2
    output = options.get("output", "-")
    if output == "-":
        sys.stdout.buffer.write(packets)
        return 0
    target = _unit_path(output)
    if os.path.exists(target) and not options.get("yes"):
        # gpg prompts "Overwrite? (y/N)", which batch mode or a missing terminal cannot answer.
        error(f"File '{output}' exists. Overwrite? (y/N) " +
              ("gpg: Sorry, we are in batchmode - can't get input" if options.get("batch")
               else "gpg: cannot open '/dev/tty': No such device or address"))
        return 2
    try:
        with open(target, "wb") as handle:
            handle.write(packets)
    except OSError as problem:
        error(f"gpg: can't create '{output}': {problem.strerror}")
        error(f"gpg: dearmoring failed: {problem.strerror}")
        return 2
    return 0
