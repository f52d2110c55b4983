"""enable, disable and is-enabled: the [Install] symlinks under /etc/systemd/system.

As in systemd, these read the unit file on disk, not the loaded definition.
"""

import glob
import os
import sys

from simlib.systemd import paths
from simlib.systemd.definition import build_service
from simlib.systemd.lifecycle import CommandError
from simlib.systemd.state import read_unit_sources
from simlib.systemd.unitfile import parse_unit_files

CONFIG_DIRECTORY = "/etc/systemd/system"

NO_INSTALL_CONFIG = """\
The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled or disabled using systemctl.
 
Possible reasons for having this kind of units are:
• A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
• A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
• A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
• In case of template units, the unit is meant to be enabled with some
  instance name specified."""


def _definition_on_disk(unit: str, verb: str):
    sources = read_unit_sources(unit)
    if sources is None:
        raise CommandError(f"Failed to {verb} unit: Unit file {unit} does not exist.")
    return build_service(unit, sources[0][0], parse_unit_files(sources))


def _install_links(definition) -> list[str]:
    """Return the unprefixed symlink paths that enabling the unit creates."""
    links = [os.path.join(CONFIG_DIRECTORY, f"{target}.wants", definition.name) for target in definition.wanted_by]
    links += [os.path.join(CONFIG_DIRECTORY, f"{target}.requires", definition.name)
              for target in definition.required_by]
    links += [os.path.join(CONFIG_DIRECTORY, alias) for alias in definition.aliases]
    return links


def _existing_links(unit: str) -> list[str]:
    """Return the unprefixed paths of every .wants/.requires link and alias pointing at unit."""
    found = []
    pattern_root = paths.host_path(CONFIG_DIRECTORY)
    for pattern in (f"*.wants/{unit}", f"*.requires/{unit}"):
        for host in glob.glob(os.path.join(pattern_root, pattern)):
            if os.path.islink(host):
                found.append(os.path.join(CONFIG_DIRECTORY, os.path.relpath(host, pattern_root)))
    for host in glob.glob(os.path.join(pattern_root, "*")):
        if os.path.islink(host) and os.path.basename(os.readlink(host)) == unit \
                and os.path.basename(host) != unit:
            found.append(os.path.join(CONFIG_DIRECTORY, os.path.basename(host)))
    return found


def enable_unit(unit: str) -> None:
    definition = _definition_on_disk(unit, "enable")
    links = _install_links(definition)
    if not links:
        print(NO_INSTALL_CONFIG, file=sys.stderr)
        return
    for link in links:
        host_link = paths.host_path(link)
        if os.path.islink(host_link) and os.readlink(host_link) == definition.fragment_path:
            continue
        os.makedirs(os.path.dirname(host_link), exist_ok=True)
        if os.path.lexists(host_link):
            os.unlink(host_link)
        os.symlink(definition.fragment_path, host_link)
        print(f"Created symlink {link} → {definition.fragment_path}.", file=sys.stderr)


def disable_unit(unit: str) -> None:
    if paths.find_unit_file(unit) is None:
        raise CommandError(f"Failed to disable unit: Unit file {unit} does not exist.")
    for link in _existing_links(unit):
        os.unlink(paths.host_path(link))
        print(f'Removed "{link}".', file=sys.stderr)


def enablement_state(unit: str) -> str:
    """Return is-enabled's answer: enabled, disabled, static, masked or not-found."""
    fragment = paths.find_unit_file(unit)
    host_fragment = paths.host_path(os.path.join(CONFIG_DIRECTORY, unit))
    if os.path.islink(host_fragment) and os.readlink(host_fragment) == "/dev/null":
        return "masked"
    if fragment is None:
        return "not-found"
    if _existing_links(unit):
        return "enabled"
    definition = _definition_on_disk(unit, "get state of")
    return "disabled" if _install_links(definition) else "static"
