#!/usr/bin/env python3
"""Benchmark the charm's hooks and juju-sim deployments, then write docs/performance.md.

Run through `make bench` (scripts/bench), which builds the binaries first. Needs root, like juju-sim.
Every model it deploys lives in a temporary directory and is destroyed at the end, whatever happened.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOOK_TIMER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook_timer.py")
PEER = "openclaw-cluster"
CONFIG = ["ai-provider=anthropic", "ai-api-key=sk-ant-bench-key", "ai-model=claude-opus-4-5"]
# A peer that joins during the hook benchmark. juju-sim allocates its address only after 252 others.
NEW_PEER = "openclaw/99"
NEW_PEER_ADDRESS = "127.0.0.254"
CHARM_FILES = [
    "/var/lib/openclaw-charm/", "/etc/openclaw/", "/var/lib/openclaw/tls/", "/var/lib/openclaw/openclaw.json",
    "/etc/systemd/system/openclaw.service", "/etc/systemd/system/openclaw-node.service",
]


class Sim:
    """Runs the juju-sim binary against one model directory, from the repository root."""

    def __init__(self, binary, model):
        self.binary = binary
        self.model = model

    def run(self, *arguments, check=True):
        result = subprocess.run(
            [self.binary, "--model", self.model, *arguments], cwd=REPOSITORY, stdin=subprocess.DEVNULL,
            capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"juju-sim {' '.join(arguments)} failed with exit status "
                               f"{result.returncode}: {result.stderr.strip()}")
        return result.stdout

    def state(self):
        with open(os.path.join(self.model, "model.json")) as file:
            return json.load(file)

    def destroy(self):
        if os.path.exists(self.model):
            self.run("destroy", check=False)
        shutil.rmtree(self.model, ignore_errors=True)


# Resource sampling

def read_meminfo():
    values = {}
    with open("/proc/meminfo") as file:
        for line in file:
            name, rest = line.split(":", 1)
            values[name] = int(rest.split()[0])
    return values


def tcp_states():
    """Counts IPv4 TCP sockets of this network namespace by state name."""
    names = {"01": "established", "06": "time-wait", "0A": "listen"}
    counts = collections.Counter()
    with open("/proc/net/tcp") as file:
        next(file)
        for line in file:
            state = line.split()[3]
            counts[names.get(state, "other")] += 1
    return counts


def process_figures():
    """Returns the number of processes, their open descriptors, and the maximum that one process holds."""
    processes, descriptors, maximum = 0, 0, 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            count = len(os.listdir(f"/proc/{entry}/fd"))
        except OSError:
            continue
        processes += 1
        descriptors += count
        maximum = max(maximum, count)
    return processes, descriptors, maximum


def status_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as file:
            for line in file:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Samples host-wide memory, processes, descriptors and TCP sockets every second while a deployment runs.

    The figures are for the whole host, so they include other work on the machine. The report shows the baseline
    taken before the deployment next to the peaks.
    """

    def __init__(self):
        self.baseline = self.sample(None)
        self.peak = dict(self.baseline)
        self.pid = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    @staticmethod
    def sample(pid):
        memory = read_meminfo()
        processes, descriptors, maximum = process_figures()
        tcp = tcp_states()
        return {
            "memory_used_mib": (memory["MemTotal"] - memory["MemAvailable"]) // 1024,
            "processes": processes,
            "descriptors": descriptors,
            "max_descriptors": maximum,
            "tcp_established": tcp["established"],
            "tcp_time_wait": tcp["time-wait"],
            "tcp_listen": tcp["listen"],
            "sim_rss_mib": status_field(pid, "VmHWM") // 1024 if pid else 0,
            "sim_descriptors": len(os.listdir(f"/proc/{pid}/fd")) if pid and os.path.exists(f"/proc/{pid}/fd") else 0,
        }

    def loop(self):
        while not self.stopping.wait(1.0):
            current = self.sample(self.pid)
            for key, value in current.items():
                self.peak[key] = max(self.peak[key], value)

    def start(self, pid):
        self.pid = pid
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()


# Counting

def hook_runs(model):
    """Counts successful hook runs by hook name, from the `ran "<hook>" hook` lines of every unit log."""
    counts = collections.Counter()
    failures = 0
    logs = os.path.join(model, "logs")
    for name in os.listdir(logs):
        with open(os.path.join(logs, name)) as file:
            for line in file:
                match = re.search(r'juju\.worker\.uniter\.operation ran "([^"]+)" hook', line)
                if match:
                    counts[match.group(1)] += 1
                elif "juju.worker.uniter.operation hook" in line and "failed" in line:
                    failures += 1
    return counts, failures


def tool_calls(model):
    """Groups the hook-tool calls of hook runs (not actions) by context id, in the order the runs started."""
    runs = collections.OrderedDict()
    with open(os.path.join(model, "hook-tool-calls.jsonl")) as file:
        for line in file:
            entry = json.loads(line)
            if entry.get("kind") == "action":
                continue
            runs.setdefault(entry.get("context", ""), []).append(entry)
    return runs


def deployment_figures(sim, units, seconds, sampler):
    counts, failures = hook_runs(sim.model)
    runs = tool_calls(sim.model)
    calls = [entry for entries in runs.values() for entry in entries]
    counted = [entry for entry in calls if entry["tool"] != "juju-log"]
    per_run = [sum(1 for entry in entries if entry["tool"] != "juju-log") for entries in runs.values()]
    state = sim.state()
    relation = next(item for item in state["relations"] if item["endpoint"] == PEER)
    unit_writes = sum(max(bag["version"] - 1, 0) for bag in relation["unitBags"].values())
    app_level = 0
    for entries in runs.values():
        if entries[0]["hook"] == f"{PEER}-relation-changed" and not any(
                entry["tool"] == "relation-get" and "--app" not in entry["args"] for entry in entries):
            app_level += 1
    total = sum(counts.values())
    # Juju's own share: install, relation-created, leader-elected or leader-settings-changed, config-changed and
    # start on each unit, then joined and changed for every ordered pair of peers.
    baseline = juju_own_hooks(units)
    statuses = json.loads(sim.run("status", "--format", "json"))
    active = sum(1 for unit in statuses["applications"]["openclaw"]["units"].values()
                 if unit["workload-status"]["current"] == "active")
    return {
        "units": units,
        "active": active,
        "seconds": round(seconds, 1),
        "hooks": total,
        "failed_hooks": failures,
        "baseline_hooks": baseline,
        "charm_hooks": total - baseline,
        "app_level_changed": app_level,
        "app_data_versions": relation["appBag"]["version"],
        "unit_data_writes": unit_writes,
        "tool_calls": len(counted),
        "juju_log_calls": len(calls) - len(counted),
        "max_calls_per_hook": max(per_run) if per_run else 0,
        "mean_calls_per_hook": round(len(counted) / max(len(runs), 1), 1),
        "hooks_by_name": dict(sorted(counts.items())),
        "baseline_resources": sampler.baseline,
        "peak_resources": sampler.peak,
    }


# Deployments

def stage_charm(build_dir, destination):
    """Assembles the charm directory juju-sim deploys: the source tree's files and the release charm-hook."""
    for name in ["dispatch", "metadata.yaml", "config.yaml", "actions.yaml"]:
        shutil.copy2(os.path.join(REPOSITORY, name), destination)
    shutil.copytree(os.path.join(REPOSITORY, "templates"), os.path.join(destination, "templates"))
    shutil.copy2(os.path.join(build_dir, "release", "charm-hook"), destination)


def juju_own_hooks(units):
    """Install, relation-created, leader-elected or leader-settings-changed, config-changed and start on each unit,
    then joined and changed for every ordered pair of peers."""
    return 5 * units + 2 * units * (units - 1)


def deploy_timeout(units, seconds_per_hook, cap_minutes):
    """Returns the seconds a deployment of `units` units may take before the bench stops it: two minutes plus
    `seconds_per_hook` for each of Juju's own hooks, and at most `cap_minutes` when that is set."""
    seconds = 120 + seconds_per_hook * juju_own_hooks(units)
    return min(seconds, 60 * cap_minutes) if cap_minutes else seconds


def deploy(binary, charm, units, work, timeout):
    """Deploys `units` units into a new model and returns its Sim and figures. The caller destroys the model.

    A deployment still running after `timeout` seconds is stopped; its figures cover the hooks run until then.
    """
    sim = Sim(binary, tempfile.mkdtemp(prefix=f"deploy-{units}-", dir=work))
    sampler = Sampler()
    arguments = [binary, "--model", sim.model, "deploy", charm, "-n", str(units)]
    for option in CONFIG:
        arguments += ["--config", option]
    start = time.monotonic()
    process = subprocess.Popen(arguments, cwd=REPOSITORY, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    sampler.start(process.pid)
    timed_out = False
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        process.kill()
        _, stderr = process.communicate()
    seconds = time.monotonic() - start
    sampler.stop()
    if process.returncode != 0 and not timed_out:
        raise RuntimeError(f"deploy -n {units} failed with exit status {process.returncode}: {stderr.strip()}")
    figures = deployment_figures(sim, units, seconds, sampler)
    figures["timed_out"] = timed_out
    return sim, figures


def namespaces_of(sim):
    """Returns the mount namespaces of the model's units, which identify every process the model started."""
    return {unit["mountNamespace"] for unit in sim.state()["units"].values() if unit.get("mountNamespace")}


def leftovers(model, namespaces, grace_seconds=5):
    """Returns the processes and addresses a destroyed model left behind: both lists must be empty.

    A hook that a stopped deployment left running may still be exiting when destroy returns, so processes count
    only when they are still there after `grace_seconds`.
    """
    deadline = time.monotonic() + grace_seconds
    while True:
        processes, addresses = model_processes(namespaces), model_addresses(model)
        if not processes or time.monotonic() >= deadline:
            return processes, addresses
        time.sleep(0.5)


def model_processes(namespaces):
    """Returns the processes in the given mount namespaces."""
    processes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            namespace = os.readlink(f"/proc/{entry}/ns/mnt")
        except OSError:
            continue
        if namespace in namespaces:
            processes.append(entry)
    return processes


def model_addresses(model):
    """Returns the registry lines of the addresses that `model` still holds."""
    addresses = []
    registry = os.path.join(os.environ.get("JUJU_SIM_RUN_DIR", "/run/juju-sim"), "addresses")
    if os.path.exists(registry):
        with open(registry) as file:
            addresses = [line.strip() for line in file if f"\t{model}\t" in line]
    return addresses


# Hook benchmark

def parse_config(text):
    """Parses the flat `key: value` YAML that `juju-sim config` prints into config-get's JSON values."""
    values = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, raw = line.partition(": ")
        raw = raw.strip()
        if raw.startswith('"'):
            values[key] = json.loads(raw)
        elif raw.startswith("'"):
            values[key] = raw[1:-1].replace("''", "'")
        elif raw in ("true", "false"):
            values[key] = raw == "true"
        elif re.fullmatch(r"-?\d+", raw):
            values[key] = int(raw)
        elif re.fullmatch(r"-?\d+\.\d*", raw):
            values[key] = float(raw)
        else:
            values[key] = raw
    return values


def canned_answers(sim, unit_name):
    """Builds what each read tool prints for `unit_name`, from the settled model's state."""
    state = sim.state()
    unit = state["units"][unit_name]
    relation = next(item for item in state["relations"] if item["endpoint"] == PEER)
    relation_key = f"{relation['endpoint']}:{relation['id']}"
    address = unit["address"]
    canned = {
        "is-leader": json.dumps(state["leader"] == unit_name),
        "config-get": json.dumps(parse_config(sim.run("config"))),
        "relation-ids": json.dumps([relation_key]),
        "relation-list": json.dumps(sorted(name for name in relation["scope"] if name != unit_name)),
        "relation-get-app": json.dumps(relation["appBag"]["data"]),
        "network-get": json.dumps({
            "bind-addresses": [{"interface-name": "lo", "addresses": [{"value": address, "cidr": address + "/32"}]}],
            "egress-subnets": [address + "/32"], "ingress-addresses": [address]}),
        "opened-ports": json.dumps([port_text(port) for port in unit.get("ports", [])]),
        "action-get": "{}",
        "secret-add": "secret:d1bench000000000000000\n",
    }
    for name, bag in relation["unitBags"].items():
        canned["relation-get-unit-" + name.replace("/", "_")] = json.dumps(bag["data"])
    canned["relation-get-unit-" + NEW_PEER.replace("/", "_")] = json.dumps({
        "ingress-address": NEW_PEER_ADDRESS, "private-address": NEW_PEER_ADDRESS,
        "egress-subnets": NEW_PEER_ADDRESS + "/32"})
    secret_uri = relation["appBag"]["data"].get("gateway-token-secret", "")
    secret_id = secret_uri.removeprefix("secret:")
    if secret_id in state["secrets"]:
        latest = max(state["secrets"][secret_id]["revisions"])
        with open(os.path.join(sim.model, "secrets", secret_id, f"{latest}.json")) as file:
            canned["secret-get"] = json.dumps(json.load(file))
    return canned, relation_key, secret_uri


def port_text(port):
    if port["proto"] == "icmp":
        return "icmp"
    if port["from"] == port["to"]:
        return f"{port['from']}/{port['proto']}"
    return f"{port['from']}-{port['to']}/{port['proto']}"


def hook_events(is_leader, relation_key, other_unit, secret_uri):
    """The events to time on one unit: every hook the charm handles, with the environment Juju gives it."""
    relation = {"JUJU_RELATION": PEER, "JUJU_RELATION_ID": relation_key, "JUJU_REMOTE_APP": "openclaw"}

    def event(label, hook, modes=("stand-ins", "fakes"), **environment):
        return {"label": label, "hook": hook, "modes": list(modes), "env": environment}

    events = [
        event("install", "install"),
        event("leader-elected" if is_leader else "leader-settings-changed",
              "leader-elected" if is_leader else "leader-settings-changed"),
        event("config-changed", "config-changed"),
        event("start", "start"),
        event("upgrade-charm", "upgrade-charm"),
        event("update-status", "update-status"),
        event("relation-created", f"{PEER}-relation-created", **relation, JUJU_REMOTE_UNIT=""),
        event("relation-joined (new peer)", f"{PEER}-relation-joined", **relation, JUJU_REMOTE_UNIT=NEW_PEER),
        event("relation-changed (peer unit)", f"{PEER}-relation-changed", **relation, JUJU_REMOTE_UNIT=other_unit),
        event("relation-changed (application)", f"{PEER}-relation-changed", **relation, JUJU_REMOTE_UNIT=""),
        event("relation-departed (peer unit)", f"{PEER}-relation-departed", **relation, JUJU_REMOTE_UNIT=other_unit,
              JUJU_DEPARTING_UNIT=other_unit),
    ]
    if not is_leader and secret_uri:
        events.append(event("secret-changed", "secret-changed", JUJU_SECRET_ID=secret_uri,
                            JUJU_SECRET_LABEL="gateway-token"))
    # stop and remove would stop the unit's real services, so they run against fake host commands only.
    events.append(event("stop", "stop", modes=("fakes",)))
    events.append(event("remove", "remove", modes=("fakes",)))
    return events


def time_hooks(sim, unit_name, iterations):
    """Runs hook_timer.py inside `unit_name` and returns its results."""
    state = sim.state()
    canned, relation_key, secret_uri = canned_answers(sim, unit_name)
    others = sorted(name for name in state["units"] if name != unit_name and name != state["leader"])
    other = others[0] if others else state["leader"]
    tag = unit_name.replace("/", "-")
    tools = sim.run("ssh", unit_name, f"ls /var/lib/juju/tools/unit-{tag}").split()
    spec = {
        "unit": unit_name,
        "charm_dir": f"/var/lib/juju/agents/unit-{tag}/charm",
        "tools": tools,
        "canned": canned,
        "charm_files": CHARM_FILES,
        "iterations": iterations,
        "events": hook_events(state["leader"] == unit_name, relation_key, other, secret_uri),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
        spec_path = file.name
    try:
        sim.run("scp", HOOK_TIMER, f"{unit_name}:/root/hook_timer.py")
        sim.run("scp", spec_path, f"{unit_name}:/root/hook_timer.json")
        output = sim.run("ssh", unit_name, "python3 /root/hook_timer.py /root/hook_timer.json")
    finally:
        os.unlink(spec_path)
    return json.loads(output)


# Sizes

def sizes(build_dir, work):
    """Returns the stripped size of the static-stdlib charm-hook, the packed charm's size and what was measured.

    The packed size is that of `openclaw_amd64.charm` when `make charm` made one. Otherwise, on a fresh clone, it is
    the size of a zip (deflate) of the files the charm holds: dispatch, the stripped charm-hook, the yaml files
    and templates/, which charmcraft packs the same way, without its small manifest.
    """
    binary = os.path.join(build_dir, "release", "charm-hook")
    stripped = os.path.join(work, "charm-hook")
    subprocess.run(["strip", "-o", stripped, binary], check=True)
    stripped_size = os.path.getsize(stripped)
    charm = os.path.join(REPOSITORY, "openclaw_amd64.charm")
    if os.path.exists(charm):
        return stripped_size, os.path.getsize(charm), "`openclaw_amd64.charm`"
    archive = os.path.join(work, "charm.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as file:
        file.write(stripped, "charm-hook")
        for name in ["dispatch", "metadata.yaml", "config.yaml", "actions.yaml", "charmcraft.yaml"]:
            file.write(os.path.join(REPOSITORY, name), name)
        for name in sorted(os.listdir(os.path.join(REPOSITORY, "templates"))):
            file.write(os.path.join(REPOSITORY, "templates", name), "templates/" + name)
    return stripped_size, os.path.getsize(archive), "a zip of the charm's files; `make charm` was not run"


# Report

def machine_description():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as file:
        for line in file:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = read_meminfo()["MemTotal"] / 1024 / 1024
    system = "unknown system"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as file:
            for line in file:
                if line.startswith("PRETTY_NAME="):
                    system = line.split("=", 1)[1].strip().strip('"')
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return (f"{system}, kernel {platform.release()}, {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB memory, "
            f"{swift[0] if swift else 'Swift'}")


def format_calls(result):
    counts = result["tool_call_counts"]
    tools = [tool for tool in result["tool_calls"] if tool != "juju-log"]
    logs = len(result["tool_calls"]) - len(tools)
    text = str(len(tools)) if len(counts) == 1 else "/".join(str(count) for count in counts)
    return text + (f" (+{logs} juju-log)" if logs else "")


def hook_table(results):
    lines = [
        "| role | hook | hook-tool calls | median ms, stand-in services | median ms, all fakes | peak RSS MiB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for role, result in results:
        for entry in result["events"]:
            fakes = entry["fakes"]
            stand_ins = entry.get("stand-ins")
            failed = any(status != 0 for status in fakes["exit_statuses"] + (
                stand_ins["exit_statuses"] if stand_ins else []))
            stand_in_text = f"{stand_ins['median_ms']:.0f}" if stand_ins else "not run"
            lines.append(
                f"| {role} | {entry['label']}{' (hook failed)' if failed else ''} | {format_calls(fakes)} | "
                f"{stand_in_text} | {fakes['median_ms']:.1f} | {fakes['max_rss_kib'] / 1024:.1f} |")
    return lines


def deployment_table(deployments):
    lines = [
        "| units | active | hooks run | Juju's own (5N + 2N(N-1)) | caused by the charm | charm's share per unit | "
        "app-level relation-changed | app-data versions | unit-data writes | hook-tool calls | "
        "calls per hook, mean / max | settle time s | ms per hook |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figures in deployments:
        settle = f"{figures['seconds']:.0f}" + (" (stopped, not settled)" if figures.get("timed_out") else "")
        # A stopped deployment ran only part of Juju's own hooks, so the charm's share is unknown.
        charm = ("not settled", "not settled") if figures.get("timed_out") else (
            figures["charm_hooks"], f"{figures['charm_hooks'] / figures['units']:.1f}")
        lines.append(
            f"| {figures['units']} | {figures['active']} | {figures['hooks']} | {figures['baseline_hooks']} | "
            f"{charm[0]} | {charm[1]} | "
            f"{figures['app_level_changed']} | {figures['app_data_versions']} | "
            f"{figures['unit_data_writes']} | {figures['tool_calls']} | {figures['mean_calls_per_hook']} / "
            f"{figures['max_calls_per_hook']} | {settle} | "
            f"{1000 * figures['seconds'] / max(figures['hooks'], 1):.0f} |")
    return lines


def resource_table(deployments):
    lines = [
        "| units | host memory used MiB, before / peak | processes, before / peak | open descriptors, before / peak | "
        "max descriptors in one process | TCP established / TIME-WAIT, peak | juju-sim peak RSS MiB / descriptors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figures in deployments:
        base, peak = figures["baseline_resources"], figures["peak_resources"]
        lines.append(
            f"| {figures['units']} | {base['memory_used_mib']} / {peak['memory_used_mib']} | "
            f"{base['processes']} / {peak['processes']} | {base['descriptors']} / {peak['descriptors']} | "
            f"{peak['max_descriptors']} | {peak['tcp_established']} / {peak['tcp_time_wait']} | "
            f"{peak['sim_rss_mib']} / {peak['sim_descriptors']} |")
    return lines


def write_report(path, command, machine, started, hook_results, deployments, stripped, packed, peak_hook_kib,
                 total_seconds, load, seconds_per_hook, cap_minutes):
    packed, packed_source = packed
    packed_text = f"{packed:,} bytes ({packed_source})"
    lines = [
        "# Performance",
        "",
        f"Written by `{command}` on {started} UTC, in {total_seconds / 60:.0f} minutes.",
        f"Machine: {machine}. The figures include whatever else ran on the machine at the time: the one-minute",
        f"load average was {load[0]:.1f} at the start and {load[1]:.1f} at the end, against {os.cpu_count()} cores.",
        "",
        "## Hooks of one unit",
        "",
        "`charm-hook` run inside a settled three-unit juju-sim model, on the leader (gateway) and on a node, with",
        "fake hook tools that print canned answers taken from the model, so the times exclude the round trips to the",
        "agent. \"Stand-in services\" runs the real host commands of the unit (the Python stand-ins of `systemctl` and",
        "`openclaw`, `setpriv`, `openssl`). \"All fakes\" replays what those printed, so it is the charm's own time",
        "plus the start of each fake, a small `/bin/sh` script.",
        "Each run starts from the same settled files. Hook-tool calls exclude `juju-log` unless shown. Peak RSS is",
        "`ru_maxrss` of the hook process from `wait4`, in the all-fakes mode, where every child is a small shell script.",
        "",
        *hook_table(hook_results),
        "",
        f"Peak memory of one hook: {peak_hook_kib / 1024:.1f} MiB. Stripped `charm-hook` built with",
        f"`--static-swift-stdlib`: {stripped:,} bytes. Packed charm: {packed_text}.",
        "",
        "## Deployments",
        "",
        "`juju-sim deploy -n N` with the three AI options set, timed until the command returns, which is when no unit",
        "has a hook left. Juju itself runs about 5N lifecycle hooks and joined and changed for every ordered pair of",
        "peers; \"caused by the charm\" is every hook beyond those, which follow the charm's own relation-data",
        "writes. App-level relation-changed counts the runs with no remote unit. Hook-tool calls exclude `juju-log`.",
        "The leader publishes the application data once (gateway address, port, certificate fingerprint, token",
        "secret) and nothing per node. A node writes its own databag at most twice (its device request, then its",
        "commands request), and the leader raises `pairing-approvals` in its own databag once per pairing pass that",
        "approved commands, which wakes a node with no hook left. Most of these writes land before the other units",
        "run their first relation-changed for the writer, so they cost no extra hook. The charm's share therefore",
        "grows about linearly with N: the N-1 application-level relation-changed runs of the one publish, plus the",
        "few late writes. Before this design the leader published `paired-units` and `approved-units`, which",
        "changed twice per node, and a node cleared its request once connected: 10 units then ran 401 hooks, 171",
        "of them caused by the charm (3 units: 37 and 10).",
        f"A deployment still running after 120 s plus {seconds_per_hook:g} s per hook Juju itself runs"
        + (f", or after {cap_minutes:g} minutes," if cap_minutes else "") + " is stopped and marked; its row then "
        "counts the hooks run until then.",
        "",
        *deployment_table(deployments),
        "",
        "## Resources of juju-sim",
        "",
        "Sampled every second for the whole host while each deployment ran; each unit has its own 127.0.0.x address, so",
        "TCP ports are never shared between units.",
        "",
        *resource_table(deployments),
        "",
        "## Reproduce",
        "",
        "```sh",
        command,
        "```",
        "",
        "`scripts/bench` builds `charm-hook` (with `--static-swift-stdlib`) and `juju-sim` in release mode, then runs",
        "`scripts/bench-tools/bench.py`, which deploys each size into a temporary model, times the hooks with",
        "`scripts/bench-tools/hook_timer.py` inside a unit, destroys every model and writes this page. Timings vary",
        "between runs and machines; the counts do not.",
        "",
    ]
    with open(path, "w") as file:
        file.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(REPOSITORY, "build", "bench-swiftpm"),
                        help="SwiftPM scratch path holding release/charm-hook and release/juju-sim")
    parser.add_argument("--units", default="3,10,25,50", help="comma-separated deployment sizes")
    parser.add_argument("--stand-in-runs", type=int, default=11, help="runs per hook with the stand-in services")
    parser.add_argument("--fake-runs", type=int, default=21, help="runs per hook with every command faked")
    parser.add_argument("--output", default=os.path.join(REPOSITORY, "docs", "performance.md"),
                        help="the Markdown page to write")
    parser.add_argument("--command", default="make bench", help="the command named on the page")
    parser.add_argument("--seconds-per-hook", type=float, default=0.6,
                        help="a deployment is stopped after 120 s plus this much per hook Juju itself runs")
    parser.add_argument("--max-deploy-minutes", type=float, default=0,
                        help="stop any deployment after this many minutes (0: no cap beyond --seconds-per-hook)")
    options = parser.parse_args()

    binary = os.path.join(options.build_dir, "release", "juju-sim")
    sizes_to_deploy = [int(value) for value in options.units.split(",")]
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    load_at_start = os.getloadavg()[0]
    start = time.monotonic()
    work = tempfile.mkdtemp(prefix="openclaw-bench-")
    charm = os.path.join(work, "charm")
    os.makedirs(charm)
    stage_charm(options.build_dir, charm)

    hook_results, deployments, problems = [], [], []
    try:
        for units in sizes_to_deploy:
            print(f"bench: deploying {units} units", file=sys.stderr, flush=True)
            sim, figures = deploy(binary, charm, units, work, deploy_timeout(units, options.seconds_per_hook, options.max_deploy_minutes))
            try:
                deployments.append(figures)
                outcome = "was stopped unsettled" if figures["timed_out"] else "settled"
                print(f"bench: {units} units {outcome} in {figures['seconds']:.0f} s after {figures['hooks']} hooks",
                      file=sys.stderr, flush=True)
                if figures["timed_out"]:
                    problems.append(f"the deployment of {units} units did not settle within {figures['seconds']:.0f} s")
                if not hook_results and units >= 2 and not figures["timed_out"]:
                    state = sim.state()
                    leader = state["leader"]
                    node = sorted(name for name in state["units"] if name != leader)[0]
                    iterations = {"stand-ins": options.stand_in_runs, "fakes": options.fake_runs}
                    for role, unit in [("gateway", leader), ("node", node)]:
                        print(f"bench: timing the hooks of {unit} ({role})", file=sys.stderr, flush=True)
                        hook_results.append((role, time_hooks(sim, unit, iterations)))
            finally:
                namespaces = namespaces_of(sim)
                sim.destroy()
                processes, addresses = leftovers(sim.model, namespaces)
                if processes or addresses:
                    problems.append(f"the model of {units} units left processes {processes} and addresses {addresses}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    size_work = tempfile.mkdtemp(prefix="openclaw-bench-sizes-")
    try:
        stripped, packed, packed_source = sizes(options.build_dir, size_work)
    finally:
        shutil.rmtree(size_work, ignore_errors=True)
    load = (load_at_start, os.getloadavg()[0])
    peak_hook = max((entry["fakes"]["max_rss_kib"] for _, result in hook_results for entry in result["events"]),
                    default=0)
    write_report(options.output, options.command, machine_description(), started, hook_results, deployments,
                 stripped, (packed, packed_source), peak_hook, time.monotonic() - start, load,
                 options.seconds_per_hook, options.max_deploy_minutes)
    with open(options.output) as file:
        print(file.read())
    for problem in problems:
        print(f"bench: error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
