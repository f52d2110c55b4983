"""Console log lines in OpenClaw's style: `<ISO time> [subsystem] message` on stdout.

stdout is the service log under the systemctl stand-in, so every line is flushed.
Callers must never pass a token or password.
"""

import datetime
import sys


def log(subsystem: str, message: str) -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    try:
        print(f"{stamp} [{subsystem}] {message}", flush=True)
    except (BrokenPipeError, ValueError):
        # The reader of stdout went away; keep running, as a service must.
        pass


def error(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
