"""Look up User= and Group= in the machine's account database.

Inside a simulated unit SYSTEMCTL_ROOT is `/` and the unit's own /etc/passwd is the
system one, so the pwd and grp modules apply. With another root (tests), the files
under that root are read when they exist, else the host's database is used.
"""

import grp
import os
import pwd
from dataclasses import dataclass

from simlib.systemd import paths


@dataclass
class Credentials:
    """The identity a service process runs as."""

    user: str
    uid: int
    gid: int
    groups: list[int]
    home: str
    shell: str


def _read_colon_file(name: str) -> list[list[str]] | None:
    if paths.root() == "/":
        return None
    try:
        with open(paths.host_path(name), encoding="utf-8") as handle:
            return [line.rstrip("\n").split(":") for line in handle if line.strip() and not line.startswith("#")]
    except FileNotFoundError:
        return None


def _lookup_user(name: str) -> tuple[str, int, int, str, str]:
    rows = _read_colon_file("/etc/passwd")
    if rows is None:
        entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
        return entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir, entry.pw_shell
    for row in rows:
        if len(row) >= 7 and (row[0] == name or (name.isdigit() and row[2] == name)):
            return row[0], int(row[2]), int(row[3]), row[5], row[6]
    raise KeyError(name)


def _lookup_group(name: str) -> int:
    if name.isdigit():
        return int(name)
    rows = _read_colon_file("/etc/group")
    if rows is None:
        return grp.getgrnam(name).gr_gid
    for row in rows:
        if len(row) >= 3 and row[0] == name:
            return int(row[2])
    raise KeyError(name)


def _supplementary_groups(user: str, gid: int) -> list[int]:
    rows = _read_colon_file("/etc/group")
    if rows is None:
        return os.getgrouplist(user, gid)
    groups = [gid]
    for row in rows:
        if len(row) >= 4 and user in row[3].split(",") and int(row[2]) not in groups:
            groups.append(int(row[2]))
    return groups


def resolve_credentials(user: str, group: str | None) -> Credentials:
    """Return the credentials of user, with group as primary group when given.

    Raises KeyError naming the user or group that does not exist.
    """
    name, uid, primary_gid, home, shell = _lookup_user(user)
    gid = _lookup_group(group) if group else primary_gid
    return Credentials(user=name, uid=uid, gid=gid, groups=_supplementary_groups(name, gid),
                       home=home, shell=shell)
