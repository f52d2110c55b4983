"""Classification of config changes into live reloads and in-process gateway restarts.

From the OpenClaw configuration docs (hybrid reload): changes under channels, agents,
models, session, tools, logging, hooks, cron and gateway.nodes.pairing apply live. Other
gateway.* keys (port, bind, auth, tls, controlUi, ...), discovery, browser and plugins
need a restart. The docs do not classify gateway.reload, gateway.remote (client-only
credentials), env, auth and $schema; the stand-in applies them live.
"""

LIVE_GATEWAY_PREFIXES = ("gateway.nodes.pairing", "gateway.reload", "gateway.remote")
RESTART_ROOTS = ("gateway", "discovery", "browser", "plugins")


def changed_paths(old, new, prefix: str = "") -> list[str]:
    """Return the dotted paths of values that differ between two config documents."""
    if isinstance(old, dict) and isinstance(new, dict):
        paths = []
        for key in sorted(set(old) | set(new)):
            child = f"{prefix}.{key}" if prefix else key
            if key not in old or key not in new:
                paths.append(child)
            else:
                paths.extend(changed_paths(old[key], new[key], child))
        return paths
    return [] if old == new else [prefix or "<root>"]


def needs_restart(path: str) -> bool:
    if any(path == live or path.startswith(live + ".") for live in LIVE_GATEWAY_PREFIXES):
        return False
    if path == "gateway.nodes":
        # The whole nodes block appeared or vanished; pairing alone would be live.
        return False
    root = path.split(".", 1)[0]
    return root in RESTART_ROOTS
