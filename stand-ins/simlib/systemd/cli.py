"""Command line of the systemctl stand-in: option parsing, fault injection and verb dispatch."""

import sys

from simlib.faults import fault_fires
from simlib.systemd import inspect, install, lifecycle
from simlib.systemd.lifecycle import CommandError
from simlib.systemd.loader import normalize_unit_name
from simlib.systemd.service import parse_signal
from simlib.systemd.state import loaded_units

FLAG_OPTIONS = {
    "-q": "quiet", "--quiet": "quiet", "--now": "now", "--no-block": None, "--no-pager": None,
    "--no-legend": None, "--no-ask-password": None, "--system": None, "--full": None, "-l": None,
    "--value": "value", "--plain": None, "-a": None, "--all": None, "--force": None,
}
VALUE_OPTIONS = {
    "-p": "property", "--property": "property", "-s": "signal", "--signal": "signal",
    "--kill-whom": "kill_whom", "-n": "lines", "--lines": "lines", "--type": None, "-t": None,
    "--state": None,
}

# Verbs that need at least one unit argument, and verbs that take none or optional ones.
UNIT_VERBS = {
    "start", "stop", "restart", "try-restart", "reload-or-restart", "reload", "enable", "disable",
    "is-active", "is-enabled", "is-failed", "status", "show", "kill",
}
NO_UNIT_VERBS = {"daemon-reload", "reset-failed"}


def parse_arguments(argv: list[str]) -> tuple[str | None, list[str], dict]:
    """Return (verb, positional arguments, options); raises CommandError on a bad option."""
    options = {"quiet": False, "now": False, "value": False, "property": [], "signal": "SIGTERM",
               "kill_whom": "all", "lines": "10"}
    positional = []
    index = 0
    while index < len(argv):
        argument = argv[index]
        index += 1
        if argument == "--":
            positional.extend(argv[index:])
            break
        if argument == "--user":
            raise CommandError("systemctl stand-in: --user is not supported; juju-sim simulates system units only.")
        if argument == "--version":
            return "--version", [], options
        name, equals, inline_value = argument.partition("=")
        if argument in FLAG_OPTIONS:
            if FLAG_OPTIONS[argument]:
                options[FLAG_OPTIONS[argument]] = True
        elif name in VALUE_OPTIONS or (argument[:2] in ("-p", "-s", "-n") and len(argument) > 2):
            if name not in VALUE_OPTIONS:
                name, inline_value, equals = argument[:2], argument[2:], "="
            if equals:
                value = inline_value
            elif index < len(argv):
                value = argv[index]
                index += 1
            else:
                raise CommandError(f"systemctl: option '{name}' requires an argument")
            key = VALUE_OPTIONS[name]
            if key == "property":
                options["property"].extend(part for part in value.split(",") if part)
            elif key:
                options[key] = value
        elif argument.startswith("-") and argument != "-":
            raise CommandError(f"systemctl: unrecognized option '{argument}'")
        else:
            positional.append(argument)
    if not positional:
        return None, [], options
    return positional[0], positional[1:], options


def _run_each(units: list[str], action) -> int:
    """Run action on every unit; report each failure and return the first failure's status."""
    exit_code = 0
    for unit in units:
        try:
            action(unit)
        except CommandError as error:
            print(error, file=sys.stderr)
            exit_code = exit_code or error.exit_code
    return exit_code


def _print_states(units: list[str], state_of, quiet: bool) -> list[str]:
    states = [state_of(unit) for unit in units]
    if not quiet:
        for value in states:
            print(value)
    return states


def _enable(units: list[str], options: dict) -> int:
    status = _run_each(units, install.enable_unit)
    if status == 0 and options["now"]:
        status = _run_each(units, lifecycle.start_unit)
    return status


def _disable(units: list[str], options: dict) -> int:
    status = _run_each(units, install.disable_unit)
    if status == 0 and options["now"]:
        status = _run_each(units, lifecycle.stop_unit)
    return status


def _is_active(units: list[str], options: dict) -> int:
    states = _print_states(units, inspect.active_state, options["quiet"])
    return 0 if all(value == "active" for value in states) else 3


def _is_failed(units: list[str], options: dict) -> int:
    states = _print_states(units, inspect.active_state, options["quiet"])
    return 0 if any(value == "failed" for value in states) else 1


def _is_enabled(units: list[str], options: dict) -> int:
    states = [install.enablement_state(unit) for unit in units]
    for unit, value in zip(units, states):
        if value == "not-found":
            print(f"Failed to get unit file state for {unit}: No such file or directory", file=sys.stderr)
        elif not options["quiet"]:
            print(value)
    return 0 if all(value in ("enabled", "static", "alias") for value in states) else 1


def _status(units: list[str], options: dict) -> int:
    exit_code = 0
    for unit in units:
        text, status = inspect.status_text(unit, int(options["lines"]))
        print(text, file=sys.stderr if status == 4 else sys.stdout)
        exit_code = max(exit_code, status)
    return exit_code


def _show(units: list[str], options: dict) -> int:
    for position, unit in enumerate(units):
        if position:
            print()
        print("\n".join(inspect.show(unit, options["property"], options["value"])))
    return 0


def _kill(units: list[str], options: dict) -> int:
    signum = parse_signal(options["signal"])
    return _run_each(units, lambda unit: lifecycle.kill_unit(unit, signum, options["kill_whom"]))


def _daemon_reload(_units: list[str], _options: dict) -> int:
    lifecycle.daemon_reload()
    return 0


def _reset_failed(units: list[str], _options: dict) -> int:
    return _run_each(units or loaded_units(), lifecycle.reset_failed_unit)


# Verbs that run one lifecycle action per unit.
PER_UNIT_ACTIONS = {
    "start": lifecycle.start_unit,
    "stop": lifecycle.stop_unit,
    "restart": lifecycle.restart_unit,
    "try-restart": lifecycle.try_restart_unit,
    "reload-or-restart": lifecycle.restart_unit,
    "reload": lifecycle.reload_unit,
}
VERB_HANDLERS = {
    "enable": _enable, "disable": _disable, "is-active": _is_active, "is-failed": _is_failed,
    "is-enabled": _is_enabled, "status": _status, "show": _show, "kill": _kill,
    "daemon-reload": _daemon_reload, "reset-failed": _reset_failed,
}


def dispatch(verb: str, units: list[str], options: dict) -> int:
    if verb in PER_UNIT_ACTIONS:
        return _run_each(units, PER_UNIT_ACTIONS[verb])
    if verb in VERB_HANDLERS:
        return VERB_HANDLERS[verb](units, options)
    raise CommandError(f"Unknown command verb '{verb}'.")


def main(argv: list[str]) -> int:
    try:
        verb, arguments, options = parse_arguments(argv)
        if verb == "--version":
            print("systemd 252 (juju-sim systemctl stand-in)")
            return 0
        if verb is None:
            raise CommandError("systemctl stand-in: a command verb is required, such as start, stop or is-active.")
        if verb not in UNIT_VERBS and verb not in NO_UNIT_VERBS:
            raise CommandError(f"Unknown command verb '{verb}'.")
        if verb in UNIT_VERBS and not arguments:
            raise CommandError("Too few arguments.")
        if verb == "daemon-reload" and arguments:
            raise CommandError("This command expects no arguments.")
        units = [normalize_unit_name(argument) for argument in arguments]

        # `enable --now` starts and `disable --now` stops, so those faults apply to them too. fault_fires
        # consumes a "once" fault, so each name is asked at most once.
        implied = {"enable": "systemctl start", "disable": "systemctl stop"}.get(verb) if options["now"] else None
        fault_name = f"systemctl {verb}"
        fired = fault_fires(fault_name)
        if not fired and implied and fault_fires(implied):
            fault_name = implied
            fired = True
        if fired:
            # The systemctl-style line is what the charm would see from a real failure; the
            # second line is juju-sim's generic fault message.
            for unit in units or [""]:
                target = f" {unit}" if unit else ""
                print(f"Failed to {verb}{target}: injected fault", file=sys.stderr)
            print(f"ERROR injected fault: {fault_name}", file=sys.stderr)
            return 1
        return dispatch(verb, units, options)
    except CommandError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except ValueError as error:
        print(f"systemctl: {error}", file=sys.stderr)
        return 1
