"""Build a ServiceDefinition from parsed unit files, with systemd's warnings and errors."""

import os

from simlib.systemd.service import (
    KILL_MODES, RESTART_VALUES, SERVICE_TYPES, SIMULATED_SERVICE_KEYS, SIMULATED_UNIT_KEYS,
    SUPPORTED_TYPES, USER_NAME_PATTERN, ServiceDefinition, parse_status_list, parse_boolean,
    parse_exec_line, parse_signal)
from simlib.systemd.timespan import parse_timespan
from simlib.systemd.unitfile import ParsedUnit
from simlib.systemd.words import expand_specifiers, split_words


def _apply_unit_section(definition: ServiceDefinition, parsed: ParsedUnit) -> None:
    for item in parsed.sections.get("Unit", []):
        if item.key == "Description":
            definition.description = item.value
        elif item.key == "StartLimitIntervalSec":
            try:
                definition.start_limit_interval = parse_timespan(item.value)
            except ValueError:
                definition.warnings.append(f"{item.where()}: Failed to parse sec value, ignoring: {item.value}")
        elif item.key == "StartLimitBurst":
            if item.value.isdigit():
                definition.start_limit_burst = int(item.value)
            else:
                definition.warnings.append(f"{item.where()}: Failed to parse StartLimitBurst=, ignoring: {item.value}")
        elif item.key not in SIMULATED_UNIT_KEYS:
            definition.ignored_keys.append(f"Unit.{item.key}")


def _apply_environment(definition: ServiceDefinition, item) -> None:
    if not item.value:
        definition.environment.clear()
        return
    try:
        words = split_words(item.value)
    except ValueError:
        definition.warnings.append(f"{item.where()}: Invalid syntax, ignoring: {item.value}")
        return
    for word in words:
        try:
            word = expand_specifiers(word, definition.name, definition.fragment_path)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to resolve specifiers in {word}, ignoring.")
            continue
        name, equals, _ = word.partition("=")
        if not equals or not name or not (name[0].isalpha() or name[0] == "_") \
                or not all(c.isalnum() or c == "_" for c in name):
            definition.warnings.append(f"{item.where()}: Invalid environment assignment, ignoring: {word}")
            continue
        definition.environment.append(word)


def _apply_environment_file(definition: ServiceDefinition, item) -> None:
    if not item.value:
        definition.environment_files.clear()
        return
    optional = item.value.startswith("-")
    path = item.value[1:] if optional else item.value
    try:
        path = expand_specifiers(path, definition.name, definition.fragment_path)
    except ValueError:
        definition.warnings.append(f"{item.where()}: Failed to resolve specifiers in {path}, ignoring.")
        return
    if not os.path.isabs(path):
        definition.warnings.append(f"{item.where()}: Path '{path}' is not absolute, ignoring.")
        return
    definition.environment_files.append((path, optional))


def _apply_time(definition: ServiceDefinition, item, attribute: str) -> None:
    try:
        setattr(definition, attribute, parse_timespan(item.value))
    except ValueError:
        definition.warnings.append(f"{item.where()}: Failed to parse {item.key}= parameter, ignoring: {item.value}")


def _apply_choice(definition: ServiceDefinition, item, attribute: str, choices, setting_name: str) -> None:
    if item.value in choices:
        setattr(definition, attribute, item.value)
    else:
        definition.warnings.append(f"{item.where()}: Failed to parse {setting_name}, ignoring: {item.value}")


def _apply_service_item(definition: ServiceDefinition, item) -> None:
    key, value = item.key, item.value
    if key == "Type":
        _apply_choice(definition, item, "service_type", SERVICE_TYPES, "service type")
    elif key == "ExecStart":
        if not value:
            definition.commands.clear()
            return
        try:
            definition.commands.extend(parse_exec_line(value, definition.name, definition.fragment_path))
        except ValueError as error:
            definition.warnings.append(f"{item.where()}: {error}, ignoring.")
    elif key == "Environment":
        _apply_environment(definition, item)
    elif key == "EnvironmentFile":
        _apply_environment_file(definition, item)
    elif key in ("User", "Group"):
        try:
            value = expand_specifiers(value, definition.name, definition.fragment_path)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to resolve specifiers in {value}, ignoring.")
            return
        if value and not USER_NAME_PATTERN.fullmatch(value):
            definition.warnings.append(f"{item.where()}: Invalid user/group name or numeric ID, ignoring: {value}")
        else:
            setattr(definition, key.lower(), value or None)
    elif key == "WorkingDirectory":
        optional = value.startswith("-")
        path = value[1:] if optional else value
        if path != "~" and not os.path.isabs(path):
            definition.warnings.append(f"{item.where()}: Not an absolute path, ignoring: {path}")
        else:
            definition.working_directory = path
            definition.working_directory_optional = optional
    elif key == "Restart":
        _apply_choice(definition, item, "restart", RESTART_VALUES, "service restart specifier")
    elif key == "RestartSec":
        _apply_time(definition, item, "restart_sec")
    elif key in ("TimeoutStopSec", "TimeoutSec"):
        _apply_time(definition, item, "timeout_stop_sec")
    elif key == "KillMode":
        _apply_choice(definition, item, "kill_mode", KILL_MODES, "kill mode")
    elif key == "KillSignal":
        try:
            definition.kill_signal = parse_signal(value)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to parse signal, ignoring: {value}")
    elif key in ("SendSIGKILL", "RemainAfterExit"):
        try:
            flag = parse_boolean(value)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to parse boolean value, ignoring: {value}")
            return
        setattr(definition, "send_sigkill" if key == "SendSIGKILL" else "remain_after_exit", flag)
    elif key in ("SuccessExitStatus", "RestartPreventExitStatus"):
        try:
            statuses, signals = parse_status_list(value)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to parse {key}=, ignoring: {value}")
            return
        if key == "SuccessExitStatus":
            definition.success_exit_status |= statuses
            definition.success_signals |= signals
        else:
            definition.restart_prevent_status |= statuses
            definition.restart_prevent_signals |= signals
    elif key == "UMask":
        try:
            definition.umask = int(value, 8)
        except ValueError:
            definition.warnings.append(f"{item.where()}: Failed to parse file mode creation mask, ignoring: {value}")
    elif key not in SIMULATED_SERVICE_KEYS:
        definition.ignored_keys.append(f"Service.{key}")


def _apply_install_section(definition: ServiceDefinition, parsed: ParsedUnit) -> None:
    definition.has_install_section = bool(parsed.sections.get("Install"))
    for item in parsed.sections.get("Install", []):
        target = {"WantedBy": definition.wanted_by, "RequiredBy": definition.required_by,
                  "Alias": definition.aliases}.get(item.key)
        if target is None:
            continue
        if not item.value:
            target.clear()
        else:
            target.extend(item.value.split())


def _check_fatal(definition: ServiceDefinition) -> None:
    where = definition.fragment_path
    if definition.service_type not in SUPPORTED_TYPES:
        definition.fatal_errors.append(
            f"{where}: Type={definition.service_type} is not supported by the systemctl stand-in; "
            f"use one of {', '.join(SUPPORTED_TYPES)}.")
    if not definition.commands:
        definition.fatal_errors.append(
            f"{where}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.")
    elif len(definition.commands) > 1 and definition.service_type != "oneshot":
        definition.fatal_errors.append(
            f"{where}: Service has more than one ExecStart= setting, which is only allowed for "
            "Type=oneshot services. Refusing.")
    if definition.service_type == "oneshot" and definition.restart in ("always", "on-success"):
        definition.fatal_errors.append(
            f"{where}: Service has Restart= set to either always or on-success, which isn't allowed for "
            "Type=oneshot services. Refusing.")


def build_service(name: str, fragment_path: str, parsed: ParsedUnit) -> ServiceDefinition:
    """Return the service definition of parsed; warnings and fatal errors are recorded on it."""
    definition = ServiceDefinition(name=name, fragment_path=fragment_path)
    definition.warnings.extend(parsed.warnings)
    _apply_unit_section(definition, parsed)
    for item in parsed.sections.get("Service", []):
        _apply_service_item(definition, item)
    _apply_install_section(definition, parsed)
    _check_fatal(definition)
    return definition
