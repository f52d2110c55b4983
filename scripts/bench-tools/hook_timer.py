#!/usr/bin/env python3
"""Time charm-hook inside a juju-sim unit, with fake hook tools that print canned output at once.

scripts/bench copies this file and a JSON spec into a deployed, settled unit and runs it there through
`juju-sim ssh`, so the charm writes only to that unit's overlay. Each event runs in two modes:

- "stand-ins": fake hook tools, real host commands (the systemctl and openclaw stand-ins, setpriv, openssl);
- "fakes": fake hook tools and fake host commands that replay what the real ones printed in a recording pass,
  so the wall time is the charm's own.

The charm's files are restored after every run, so each run starts from the same settled state.
Prints one JSON document: per event and mode, the wall times, the hook-tool calls and the peak memory.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The scripts below get the workspace path in place of @ROOT@: the charm runs host commands with an environment of
# its own, so they cannot find it in a variable.

# Fake hook tool: logs its name and prints the canned output. relation-get picks the bag by `--app` or the unit
# named by its last argument.
FAKE_TOOL = r"""#!/bin/sh
tool=${0##*/}
echo "$tool" >> "@ROOT@/calls"
if [ "$tool" = relation-get ]; then
  for last in "$@"; do :; done
  case " $* " in
    *" --app "*) exec cat "@ROOT@/canned/relation-get-app" ;;
  esac
  file="@ROOT@/canned/relation-get-unit-$(echo "$last" | tr / _)"
  if [ -f "$file" ]; then exec cat "$file"; fi
  echo '{}'
  exit 0
fi
if [ -f "@ROOT@/canned/$tool" ]; then exec cat "@ROOT@/canned/$tool"; fi
exit 0
"""

# Host command wrapper for the recording pass: runs the real program and stores its output under a key made from
# the program name and arguments.
RECORD_HOST = r"""#!/bin/sh
name=${0##*/}
key=$(printf '%s\0' "$name" "$@" | cksum | tr ' ' _)
dir="@ROOT@/host/$key"
mkdir -p "$dir"
"@ROOT@/real/$name" "$@" > "$dir/stdout" 2> "$dir/stderr"
status=$?
echo "$status" > "$dir/status"
cat "$dir/stdout"
cat "$dir/stderr" >&2
exit "$status"
"""

# Host command fake for the timed "fakes" pass: replays the recorded output, or succeeds silently when the
# arguments were never recorded.
REPLAY_HOST = r"""#!/bin/sh
name=${0##*/}
key=$(printf '%s\0' "$name" "$@" | cksum | tr ' ' _)
dir="@ROOT@/host/$key"
[ -d "$dir" ] || exit 0
cat "$dir/stdout"
cat "$dir/stderr" >&2
exit "$(cat "$dir/status")"
"""

HOST_COMMANDS = ["systemctl", "setpriv", "openssl", "useradd"]
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
OPENCLAW = "/usr/bin/openclaw"


def write_executable(path, text, root):
    with open(path, "w") as file:
        file.write(text.replace("@ROOT@", root))
    os.chmod(path, 0o755)


def find_real(name):
    for directory in SYSTEM_PATH.split(":"):
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


class Workspace:
    """Fake tools, host wrappers and the snapshot of the charm's files, in a temporary directory of the unit."""

    def __init__(self, spec):
        self.spec = spec
        self.root = tempfile.mkdtemp(prefix="hookbench-")
        for sub in ["tools", "record", "replay", "real", "canned", "host", "snapshot"]:
            os.makedirs(os.path.join(self.root, sub))
        for tool in spec["tools"]:
            write_executable(os.path.join(self.root, "tools", tool), FAKE_TOOL, self.root)
        for name, text in spec["canned"].items():
            with open(os.path.join(self.root, "canned", name), "w") as file:
                file.write(text)
        for name in HOST_COMMANDS + ["openclaw"]:
            write_executable(os.path.join(self.root, "record", name), RECORD_HOST, self.root)
            write_executable(os.path.join(self.root, "replay", name), REPLAY_HOST, self.root)
            real = OPENCLAW if name == "openclaw" else find_real(name)
            if real:
                # The recording wrapper runs the program through this link; openclaw keeps its stand-in target.
                os.symlink(os.path.realpath(real), os.path.join(self.root, "real", name))
        self.openclaw_target = os.readlink(OPENCLAW) if os.path.islink(OPENCLAW) else None
        self.snapshot()

    def snapshot(self):
        """Copies the charm's files, so restore() can put the unit back after each run."""
        self.saved = {}
        for path in self.spec["charm_files"]:
            paths = [path]
            if path.endswith("/"):
                paths = [os.path.join(path, name) for name in sorted(os.listdir(path))] if os.path.isdir(path) else []
            for item in paths:
                if os.path.isfile(item):
                    copy = os.path.join(self.root, "snapshot", str(len(self.saved)))
                    shutil.copy2(item, copy)
                    stat = os.stat(item)
                    self.saved[item] = (copy, stat.st_uid, stat.st_gid)

    def restore(self):
        for path in self.spec["charm_files"]:
            if path.endswith("/") and os.path.isdir(path):
                for name in os.listdir(path):
                    item = os.path.join(path, name)
                    if os.path.isfile(item) and item not in self.saved:
                        os.unlink(item)
            elif not path.endswith("/") and os.path.isfile(path) and path not in self.saved:
                os.unlink(path)
        for item, (copy, uid, gid) in self.saved.items():
            os.makedirs(os.path.dirname(item), exist_ok=True)
            shutil.copy2(copy, item)
            os.chown(item, uid, gid)

    def point_openclaw(self, target):
        """Points /usr/bin/openclaw of this unit at `target`; the charm runs it by that absolute path."""
        if self.openclaw_target is None:
            return
        temporary = OPENCLAW + ".hookbench"
        if os.path.lexists(temporary):
            os.unlink(temporary)
        os.symlink(target, temporary)
        os.rename(temporary, OPENCLAW)

    def cleanup(self):
        if self.openclaw_target is not None:
            self.point_openclaw(self.openclaw_target)
        self.restore()
        shutil.rmtree(self.root, ignore_errors=True)


def run_once(workspace, event, host_dir):
    """Runs charm-hook once for `event`; returns wall seconds, peak RSS in KiB, exit status and the tools called."""
    spec = workspace.spec
    calls = os.path.join(workspace.root, "calls")
    if os.path.exists(calls):
        os.unlink(calls)
    path = os.path.join(workspace.root, "tools") + ":" + (host_dir + ":" if host_dir else "") + SYSTEM_PATH
    environment = {
        "PATH": path,
        "LANG": "C.UTF-8",
        "CHARM_DIR": spec["charm_dir"],
        "JUJU_CHARM_DIR": spec["charm_dir"],
        "JUJU_UNIT_NAME": spec["unit"],
        "JUJU_MODEL_NAME": "sim",
        "JUJU_CONTEXT_ID": spec["unit"] + "-hookbench",
        "JUJU_HOOK_NAME": event["hook"],
        "JUJU_DISPATCH_PATH": "hooks/" + event["hook"],
        "JUJU_VERSION": "3.6.14",
    }
    environment.update(event.get("env", {}))
    devnull = os.open(os.devnull, os.O_RDWR)
    output = os.open(os.path.join(workspace.root, "output"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    binary = os.path.join(spec["charm_dir"], "charm-hook")
    os.chdir(spec["charm_dir"])
    start = time.perf_counter()
    pid = os.posix_spawn(
        binary, [binary], environment,
        file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, output, 1),
                      (os.POSIX_SPAWN_DUP2, output, 2)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    os.close(output)
    tools = []
    if os.path.exists(calls):
        with open(calls) as file:
            tools = file.read().split()
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), tools


def measure(workspace, event, host_dir, iterations):
    times, peaks, statuses, counts = [], [], set(), set()
    tools = []
    for _ in range(iterations):
        elapsed, peak, status, tools = run_once(workspace, event, host_dir)
        workspace.restore()
        times.append(elapsed)
        peaks.append(peak)
        statuses.add(status)
        counts.add(len(tools))
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_rss_kib": max(peaks),
        "exit_statuses": sorted(statuses),
        "tool_calls": tools,
        "tool_call_counts": sorted(counts),
    }


def main():
    with open(sys.argv[1]) as file:
        spec = json.load(file)
    workspace = Workspace(spec)
    results = []
    try:
        record_dir = os.path.join(workspace.root, "record")
        replay_dir = os.path.join(workspace.root, "replay")
        # Recording pass: real host commands behind recording wrappers, one run per event. The charm runs
        # /usr/bin/openclaw by its path only for --version, so that one output is recorded directly.
        for event in spec["events"]:
            if "stand-ins" in event["modes"]:
                run_once(workspace, event, record_dir)
                workspace.restore()
        with open(os.devnull, "w") as devnull:
            subprocess.run([os.path.join(record_dir, "openclaw"), "--version"], stdout=devnull, stderr=devnull)
        for event in spec["events"]:
            entry = {"label": event["label"], "hook": event["hook"]}
            if "stand-ins" in event["modes"]:
                entry["stand-ins"] = measure(workspace, event, None, spec["iterations"]["stand-ins"])
            workspace.point_openclaw(os.path.join(replay_dir, "openclaw"))
            entry["fakes"] = measure(workspace, event, replay_dir, spec["iterations"]["fakes"])
            workspace.point_openclaw(workspace.openclaw_target)
            results.append(entry)
    finally:
        workspace.cleanup()
    json.dump({"unit": spec["unit"], "events": results}, sys.stdout)


if __name__ == "__main__":
    main()
