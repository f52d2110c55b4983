"""useradd as shadow-utils 4.13 (Debian 12, Ubuntu 24.04) runs it, on the unit's account files.

Options: --system/-r, --user-group/-U, --no-user-group/-N, --home-dir/-d, --no-create-home/-M,
--create-home/-m, --shell/-s, --uid/-u, --gid/-g, --comment/-c. Exit codes as useradd(8):
2 bad syntax, 3 bad argument, 4 UID in use, 6 group not found, 9 name in use.
"""

import getopt
import os
import re
import shutil
import time

from simlib.tools.common import error, host_path, write_atomically

USAGE = """Usage: useradd [options] LOGIN
       useradd -D
       useradd -D [options]

Options:
  -c, --comment COMMENT         GECOS field of the new account
  -d, --home-dir HOME_DIR       home directory of the new account
  -g, --gid GROUP               name or ID of the primary group of the new account
  -m, --create-home             create the user's home directory
  -M, --no-create-home          do not create the user's home directory
  -N, --no-user-group           do not create a group with the same name as the user
  -r, --system                  create a system account
  -s, --shell SHELL             login shell of the new account
  -u, --uid UID                 user ID of the new account
  -U, --user-group              create a group with the same name as the user
"""

SHORT = "c:d:g:mMNrs:u:U"
LONG = ["comment=", "home-dir=", "gid=", "create-home", "no-create-home", "no-user-group", "system", "shell=",
        "uid=", "user-group"]
NAME = re.compile(r"^[a-z_][a-z0-9_-]*[$]?$")
# login.defs defaults on Debian and Ubuntu.
UID_MIN, UID_MAX, SYS_MIN, SYS_MAX = 1000, 60000, 100, 999


class UseraddError(Exception):
    def __init__(self, message: str, code: int, usage: bool = False):
        super().__init__(message)
        self.code = code
        self.usage = usage


def _read_entries(path: str) -> list[list[str]]:
    try:
        with open(host_path(path), encoding="utf-8") as handle:
            return [line.rstrip("\n").split(":") for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def _append(path: str, line: str) -> None:
    """Add a line to an account file that exists in the unit, keeping its owner and mode."""
    target = host_path(path)
    if not os.path.exists(target):
        return
    with open(target, "rb") as handle:
        data = handle.read()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    write_atomically(target, data + line.encode() + b"\n", like=target)


def _parse(args: list[str]) -> tuple[dict, str]:
    try:
        pairs, rest = getopt.gnu_getopt(args, SHORT, LONG)
    except getopt.GetoptError as problem:
        option = problem.opt
        if "requires argument" in problem.msg:
            text = f"option '--{option}' requires an argument" if len(option) > 1 else \
                f"option requires an argument -- '{option}'"
        else:
            text = f"unrecognized option '--{option}'" if len(option) > 1 else f"invalid option -- '{option}'"
        raise UseraddError(text, 2, usage=True) from None
    options = {}
    for flag, value in pairs:
        long_names = {"-c": "comment", "-d": "home-dir", "-g": "gid", "-m": "create-home", "-M": "no-create-home",
                      "-N": "no-user-group", "-r": "system", "-s": "shell", "-u": "uid", "-U": "user-group"}
        options[long_names.get(flag, flag.lstrip("-"))] = value
    if len(rest) != 1:
        raise UseraddError("", 2, usage=True)
    return options, rest[0]


def _highest_free(used: set[int], low: int, high: int) -> int | None:
    for number in range(high, low - 1, -1):
        if number not in used:
            return number
    return None


def _next_after_highest(used: set[int], low: int, high: int) -> int | None:
    taken = [number for number in used if low <= number <= high]
    candidate = max(taken) + 1 if taken else low
    return candidate if candidate <= high else None


def _check(options: dict, name: str, users: list, groups: list) -> None:
    if "user-group" in options and "gid" in options:
        raise UseraddError("options -U and -g conflict", 2, usage=True)
    if "user-group" in options and "no-user-group" in options:
        raise UseraddError("options -U and -N conflict", 2, usage=True)
    if "create-home" in options and "no-create-home" in options:
        raise UseraddError("", 2, usage=True)
    if not NAME.match(name) or len(name) > 32:
        raise UseraddError(f"invalid user name '{name}': use --badname to ignore", 3)
    for key, label in (("home-dir", "home directory"), ("shell", "shell")):
        value = options.get(key)
        if value is not None and (not value.startswith("/") or ":" in value or "\n" in value):
            raise UseraddError(f"invalid {label} '{value}'", 3)
    comment = options.get("comment")
    if comment is not None and (":" in comment or "\n" in comment):
        raise UseraddError(f"invalid comment '{comment}'", 3)
    if any(entry[0] == name for entry in users):
        raise UseraddError(f"user '{name}' already exists", 9)


def _choose_ids(options: dict, name: str, users: list, groups: list) -> tuple[int, int, bool]:
    """Return (uid, gid, whether a new group is created)."""
    system = "system" in options
    used_uids = {int(entry[2]) for entry in users if len(entry) > 2 and entry[2].isdigit()}
    used_gids = {int(entry[2]) for entry in groups if len(entry) > 2 and entry[2].isdigit()}
    if "uid" in options:
        if not options["uid"].isdigit():
            raise UseraddError(f"invalid user ID '{options['uid']}'", 3)
        uid = int(options["uid"])
        if uid in used_uids:
            raise UseraddError(f"UID {uid} is not unique", 4)
    else:
        uid = _highest_free(used_uids, SYS_MIN, SYS_MAX) if system else \
            _next_after_highest(used_uids, UID_MIN, UID_MAX)
        if uid is None:
            raise UseraddError("can't create user", 4)
    if "gid" in options:
        wanted = options["gid"]
        match = [entry for entry in groups if entry[0] == wanted or (wanted.isdigit() and entry[2] == wanted)]
        if not match:
            raise UseraddError(f"group '{wanted}' does not exist", 6)
        return uid, int(match[0][2]), False
    if "no-user-group" in options:
        # USERGROUPS_ENAB off for this user: the default group is GROUP=100 (users).
        return uid, 100, False
    if any(entry[0] == name for entry in groups):
        raise UseraddError(f"group {name} exists - if you want to add this user to that group, use -g.", 9)
    if uid not in used_gids:
        return uid, uid, True
    gid = _highest_free(used_gids, SYS_MIN, SYS_MAX) if system else _next_after_highest(used_gids, UID_MIN, UID_MAX)
    if gid is None:
        raise UseraddError("can't create group", 4)
    return uid, gid, True


def _create_home(home: str, uid: int, gid: int) -> None:
    target = host_path(home)
    if os.path.exists(target):
        error(f"useradd: warning: the home directory {home} already exists.\n"
              "useradd: Not copying any file from skel directory into it.")
        return
    skeleton = host_path("/etc/skel")
    if os.path.isdir(skeleton):
        shutil.copytree(skeleton, target, symlinks=True)
    else:
        os.makedirs(target)
    os.chmod(target, 0o700)
    for directory, _, files in os.walk(target):
        for path in [directory, *(os.path.join(directory, name) for name in files)]:
            try:
                os.lchown(path, uid, gid)
            except PermissionError:
                pass


def main(args: list[str]) -> int:
    try:
        options, name = _parse(args)
        users = _read_entries("/etc/passwd")
        groups = _read_entries("/etc/group")
        _check(options, name, users, groups)
        uid, gid, new_group = _choose_ids(options, name, users, groups)
    except UseraddError as problem:
        if str(problem):
            error(f"useradd: {problem}")
        if problem.usage:
            error(USAGE.rstrip("\n"))
        return problem.code

    home = options.get("home-dir") or f"/home/{name}"
    shell = options.get("shell") or "/bin/sh"
    days = int(time.time() // 86400)
    if new_group:
        _append("/etc/group", f"{name}:x:{gid}:")
        _append("/etc/gshadow", f"{name}:!::")
    _append("/etc/passwd", f"{name}:x:{uid}:{gid}:{options.get('comment', '')}:{home}:{shell}")
    _append("/etc/shadow", f"{name}:!:{days}::::::" if "system" in options else f"{name}:!:{days}:0:99999:7:::")
    if "create-home" in options:
        _create_home(home, uid, gid)
    return 0
