"""The simulator's record of gateway lifecycle events, for tests and juju-sim.

One JSON line per event in `<state dir>/sim/gateway-events.jsonl`: "start" (process
start), "restart" (in-process restart after a config change or SIGUSR1), "reload"
(config applied live), "reload-skipped" (invalid config ignored) and "stop".
"""

import json
import os
import time


def record_event(state_dir: str, event: str, **details) -> None:
    path = os.path.join(state_dir, "sim", "gateway-events.jsonl")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    document = {"event": event, "ts": int(time.time() * 1000), "pid": os.getpid(), **details}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(document, sort_keys=True) + "\n")

