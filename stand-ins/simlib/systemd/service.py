"""Interpret the [Unit], [Service] and [Install] settings that the stand-in supports.

Invalid values get systemd's "ignoring" warnings and fall back to the default, as in
systemd 252. A unit without a usable ExecStart= gets a fatal error, so starting it fails
with "bad unit file setting" like systemd. Valid keys that the stand-in does not
simulate are listed in `ignored_keys` so the supervisor can log them.
"""

import re
import signal
from dataclasses import dataclass, field

from simlib.systemd.words import expand_specifiers, split_exec_commands

RESTART_VALUES = ("no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always")
KILL_MODES = ("control-group", "process", "mixed", "none")
SERVICE_TYPES = ("simple", "exec", "forking", "oneshot", "dbus", "notify", "idle")
# Types that the supervisor runs; notify and idle behave as simple here.
SUPPORTED_TYPES = ("simple", "exec", "notify", "idle", "oneshot")

SIMULATED_SERVICE_KEYS = frozenset((
    "Type", "ExecStart", "Environment", "EnvironmentFile", "User", "Group", "WorkingDirectory",
    "Restart", "RestartSec", "TimeoutStopSec", "TimeoutSec", "KillMode", "KillSignal",
    "SendSIGKILL", "SuccessExitStatus", "RestartPreventExitStatus", "UMask", "RemainAfterExit",
    "SyslogIdentifier",
))
SIMULATED_UNIT_KEYS = frozenset((
    "Description", "Documentation", "After", "Before", "Wants", "Requires",
    "StartLimitIntervalSec", "StartLimitBurst",
))

USER_NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}\$?")


@dataclass
class ExecCommand:
    """An ExecStart= command: program path, argv and systemd's prefix flags."""

    path: str
    argv: list[str]
    ignore_failure: bool = False
    full_privileges: bool = False
    expand_environment: bool = True


@dataclass
class ServiceDefinition:
    """The settings of a service unit that the supervisor applies."""

    name: str
    fragment_path: str
    description: str = ""
    service_type: str = "simple"
    commands: list[ExecCommand] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    environment_files: list[tuple[str, bool]] = field(default_factory=list)
    user: str | None = None
    group: str | None = None
    working_directory: str | None = None
    working_directory_optional: bool = False
    restart: str = "no"
    restart_sec: float = 0.1
    timeout_stop_sec: float = 90.0
    kill_mode: str = "control-group"
    kill_signal: int = int(signal.SIGTERM)
    send_sigkill: bool = True
    success_exit_status: set[int] = field(default_factory=set)
    success_signals: set[int] = field(default_factory=set)
    restart_prevent_status: set[int] = field(default_factory=set)
    restart_prevent_signals: set[int] = field(default_factory=set)
    umask: int = 0o022
    remain_after_exit: bool = False
    start_limit_interval: float = 10.0
    start_limit_burst: int = 5
    wanted_by: list[str] = field(default_factory=list)
    required_by: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    has_install_section: bool = False
    warnings: list[str] = field(default_factory=list)
    fatal_errors: list[str] = field(default_factory=list)
    ignored_keys: list[str] = field(default_factory=list)


def parse_boolean(text: str) -> bool:
    """Parse a systemd boolean (1/yes/y/true/t/on and their negations)."""
    lowered = text.strip().lower()
    if lowered in ("1", "yes", "y", "true", "t", "on"):
        return True
    if lowered in ("0", "no", "n", "false", "f", "off"):
        return False
    raise ValueError(f"invalid boolean {text!r}")


def parse_signal(text: str) -> int:
    """Parse a signal name (SIGTERM or TERM) or number."""
    stripped = text.strip()
    if stripped.isdigit():
        return int(stripped)
    name = stripped if stripped.startswith("SIG") else "SIG" + stripped
    try:
        return int(getattr(signal.Signals, name))
    except AttributeError:
        raise ValueError(f"invalid signal {text!r}") from None


# Exit status names that systemd 252 accepts in SuccessExitStatus= (systemd.exec(5), "Process
# Exit Codes"): the LSB and BSD sysexits names and systemd's own.
EXIT_STATUS_NAMES = {
    "SUCCESS": 0, "FAILURE": 1, "INVALIDARGUMENT": 2, "NOTIMPLEMENTED": 3, "NOPERMISSION": 4, "NOTINSTALLED": 5,
    "NOTCONFIGURED": 6, "NOTRUNNING": 7, "USAGE": 64, "DATAERR": 65, "NOINPUT": 66, "NOUSER": 67, "NOHOST": 68,
    "UNAVAILABLE": 69, "SOFTWARE": 70, "OSERR": 71, "OSFILE": 72, "CANTCREAT": 73, "IOERR": 74, "TEMPFAIL": 75,
    "PROTOCOL": 76, "NOPERM": 77, "CONFIG": 78, "CHDIR": 200, "NICE": 201, "FDS": 202, "EXEC": 203, "MEMORY": 204,
    "LIMITS": 205, "OOM_ADJUST": 206, "SIGNAL_MASK": 207, "STDIN": 208, "STDOUT": 209, "CHROOT": 210,
    "IOPRIO": 211, "TIMERSLACK": 212, "SECUREBITS": 213, "SETSCHEDULER": 214, "CPUAFFINITY": 215, "GROUP": 216,
    "USER": 217, "CAPABILITIES": 218, "CGROUP": 219, "SETSID": 220, "CONFIRM": 221, "STDERR": 222, "PAM": 224,
    "NETWORK": 225, "NAMESPACE": 226, "NO_NEW_PRIVILEGES": 227, "SECCOMP": 228, "SELINUX_CONTEXT": 229,
    "PERSONALITY": 230, "APPARMOR_PROFILE": 231, "ADDRESS_FAMILIES": 232, "RUNTIME_DIRECTORY": 233, "CHOWN": 235,
    "SMACK_PROCESS_LABEL": 236, "KEYRING": 237, "STATE_DIRECTORY": 238, "CACHE_DIRECTORY": 239,
    "LOGS_DIRECTORY": 240, "CONFIGURATION_DIRECTORY": 241, "NUMA_POLICY": 242, "CREDENTIALS": 243, "BPF": 245,
}


def parse_status_list(text: str) -> tuple[set[int], set[int]]:
    """Parse exit statuses (numbers or names such as DATAERR) and signals (SIGTERM, TERM)."""
    statuses, signals = set(), set()
    for word in text.split():
        if word.isdigit() and int(word) < 256:
            statuses.add(int(word))
        elif word in EXIT_STATUS_NAMES:
            statuses.add(EXIT_STATUS_NAMES[word])
        else:
            signals.add(parse_signal(word))
    return statuses, signals


def parse_exec_line(value: str, unit_name: str, fragment_path: str) -> list[ExecCommand]:
    """Parse an ExecStart= value into commands, handling the `-@:+!` prefixes.

    `!` and `!!` (privileges through ambient capabilities) are accepted and the command
    runs as User= without them, because the stand-in does not manage capabilities.
    """
    commands = []
    for words in split_exec_commands(value):
        first = words[0]
        flags = ""
        while first and first[0] in "-@:+!":
            flags += first[0]
            first = first[1:]
        if "+" in flags and "!" in flags:
            raise ValueError(f"the '+' and '!' prefixes exclude each other: {value}")
        path = expand_specifiers(first, unit_name, fragment_path)
        arguments = [expand_specifiers(word, unit_name, fragment_path) for word in words[1:]]
        if "@" in flags:
            if not arguments:
                raise ValueError(f"'@' prefix without an argv[0] word: {value}")
            argv = arguments
        else:
            argv = [path] + arguments
        if not path or (not path.startswith("/") and "/" in path):
            raise ValueError(f"Neither a valid executable name nor an absolute path: {first}")
        commands.append(ExecCommand(path=path, argv=argv, ignore_failure="-" in flags,
                                    full_privileges="+" in flags, expand_environment=":" not in flags))
    return commands
