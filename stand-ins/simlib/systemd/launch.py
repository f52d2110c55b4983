"""Start the supervisor of a unit fully detached from the calling process.

A double fork with setsid makes the supervisor a child of PID 1 (or the namespace's
reaper), with stdin on /dev/null and stdout and stderr on the unit's log, so the hook
that ran systemctl can exit while the service keeps running. The supervisor reports
the outcome of the first start on a pipe, which this module waits for.
"""

import json
import os
import select
import sys
import time

from simlib.systemd import paths

STANDINS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYSTEMCTL_SCRIPT = os.path.join(STANDINS_DIRECTORY, "systemctl")
SUPERVISE_VERB = "__supervise"


def _redirect_standard_streams(log_file: str) -> None:
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.makedirs(os.path.dirname(log_file), exist_ok=True)
    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)


def launch_supervisor(unit: str, timeout: float) -> dict:
    """Start the supervisor of unit and return its report of the first start.

    The report is {"ok": bool, "result": str, "message": str}. A supervisor that dies or
    stays silent for `timeout` seconds yields ok false.
    """
    read_end, write_end = os.pipe()
    intermediate = os.fork()
    if intermediate == 0:
        try:
            os.close(read_end)
            os.setsid()
            if os.fork() == 0:
                _redirect_standard_streams(paths.log_path(unit))
                os.closerange(3, write_end)
                os.closerange(write_end + 1, 65536)
                os.set_inheritable(write_end, True)
                os.execv(sys.executable, [sys.executable, "-B", SYSTEMCTL_SCRIPT, SUPERVISE_VERB, unit,
                                          str(write_end)])
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(intermediate, 0)

    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    try:
        return json.loads(b"".join(chunks).decode())
    except ValueError:
        return {"ok": False, "result": "resources", "message": "the supervisor exited without a report"}
