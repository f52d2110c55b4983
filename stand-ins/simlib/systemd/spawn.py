"""Start a service's main process with the environment and credentials systemd gives it.

The environment is a clean one as systemd builds it for a system service (PATH, LANG,
INVOCATION_ID, then HOME/USER/LOGNAME/SHELL when User= is set), merged with
Environment= and then EnvironmentFile=, which wins. The only variable passed through
from the caller is JUJU_SIM_UNIT_DIR, when set. Paths in EnvironmentFile= are read
under SYSTEMCTL_ROOT; WorkingDirectory= and ExecStart= are used as written, because the
service process itself uses the real file system.
"""

import glob
import os
import subprocess

from simlib.systemd import paths
from simlib.systemd.accounts import Credentials, resolve_credentials
from simlib.systemd.envfile import parse_environment_file
from simlib.systemd.service import ExecCommand, ServiceDefinition
from simlib.systemd.words import expand_exec_argument

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
# systemd 252 searches these directories for an ExecStart= program given without a slash.
EXEC_SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

# Exit statuses systemd uses when the child fails before exec (systemd.exec(5)).
EXIT_CHDIR = 200
EXIT_EXEC = 203
EXIT_GROUP = 216
EXIT_USER = 217


class SpawnFailure(Exception):
    """The main process could not be started.

    `result` is systemd's unit result: "resources" fails the start job itself, while
    "exit-code" stands for a child that exited with `exit_status` before exec.
    """

    def __init__(self, result: str, message: str, exit_status: int | None = None):
        super().__init__(message)
        self.result = result
        self.exit_status = exit_status


def _system_language() -> str:
    for name in ("/etc/default/locale", "/etc/locale.conf"):
        try:
            with open(paths.host_path(name), encoding="utf-8") as handle:
                values = parse_environment_file(handle.read())
        except OSError:
            continue
        if values.get("LANG"):
            return values["LANG"]
    return "C.UTF-8"


def load_environment_files(definition: ServiceDefinition) -> dict[str, str]:
    """Return the variables of all EnvironmentFile= files, later files winning.

    Raises SpawnFailure("resources") when a file without the `-` prefix is missing.
    """
    values: dict[str, str] = {}
    for path, optional in definition.environment_files:
        matches = sorted(glob.glob(paths.host_path(path))) if glob.has_magic(path) else [paths.host_path(path)]
        found = False
        for match in matches:
            try:
                with open(match, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            found = True
            values.update(parse_environment_file(text))
        if not found and not optional:
            raise SpawnFailure("resources", f"Failed to load environment files: {path}: No such file or directory")
    return values


def build_environment(definition: ServiceDefinition, credentials: Credentials | None,
                      invocation_id: str) -> dict[str, str]:
    environment = {"PATH": DEFAULT_PATH, "LANG": _system_language(), "INVOCATION_ID": invocation_id}
    # Simulator plumbing, not service configuration: tests point the stand-ins at a temp
    # unit dir, and services must see the same one. Inside a unit the variable is unset.
    if os.environ.get("JUJU_SIM_UNIT_DIR"):
        environment["JUJU_SIM_UNIT_DIR"] = os.environ["JUJU_SIM_UNIT_DIR"]
    if credentials:
        environment.update(HOME=credentials.home, USER=credentials.user, LOGNAME=credentials.user,
                           SHELL=credentials.shell)
    for assignment in definition.environment:
        name, _, value = assignment.partition("=")
        environment[name] = value
    environment.update(load_environment_files(definition))
    return environment


def resolve_program(path: str) -> str:
    if path.startswith("/"):
        return path
    for directory in EXEC_SEARCH_PATH:
        candidate = os.path.join(directory, path)
        if os.access(candidate, os.X_OK):
            return candidate
    return os.path.join(EXEC_SEARCH_PATH[0], path)


def _credentials(definition: ServiceDefinition, command: ExecCommand) -> tuple[Credentials | None, int | None]:
    """Return (credentials of User=, gid of a Group= without User=)."""
    if command.full_privileges:
        return None, None
    try:
        if definition.user:
            return resolve_credentials(definition.user, definition.group), None
    except KeyError as error:
        raise SpawnFailure("exit-code", f"Failed to determine user credentials: no such user or group {error}",
                           EXIT_USER) from None
    if definition.group:
        try:
            return None, resolve_credentials("root", definition.group).gid
        except KeyError:
            raise SpawnFailure("exit-code", f"Failed to determine group credentials: no such group "
                                            f"'{definition.group}'", EXIT_GROUP) from None
    return None, None


def spawn_main_process(definition: ServiceDefinition, command: ExecCommand,
                       invocation_id: str) -> subprocess.Popen:
    """Start command in a new session, with stdout and stderr inherited (the unit's log)."""
    credentials, group_only = _credentials(definition, command)
    environment = build_environment(definition, credentials, invocation_id)

    argv = [command.argv[0]]
    for word in command.argv[1:]:
        argv.extend(expand_exec_argument(word, environment) if command.expand_environment else [word])
    program = resolve_program(command.path)

    working_directory = definition.working_directory or "/"
    if working_directory == "~":
        working_directory = credentials.home if credentials else "/root"
    if definition.working_directory_optional and not os.path.isdir(working_directory):
        working_directory = "/"

    options = {}
    if credentials and credentials.uid != os.getuid():
        options.update(user=credentials.uid, group=credentials.gid, extra_groups=credentials.groups)
    elif group_only is not None and group_only != os.getgid():
        options.update(group=group_only)
    try:
        return subprocess.Popen(argv, executable=program, env=environment, cwd=working_directory,
                                stdin=subprocess.DEVNULL, start_new_session=True, close_fds=True,
                                umask=definition.umask, **options)
    except OSError as error:
        if error.filename == working_directory and not os.path.isdir(working_directory):
            raise SpawnFailure("exit-code", f"Changing to the requested working directory failed: "
                                            f"{working_directory}: {error.strerror}", EXIT_CHDIR) from None
        raise SpawnFailure("exit-code", f"Failed to execute {program}: {error.strerror}", EXIT_EXEC) from None
