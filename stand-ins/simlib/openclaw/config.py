"""Locate, read, substitute and validate the OpenClaw config file.

- Location: `$OPENCLAW_CONFIG_PATH`, else `<state dir>/openclaw.json`; the state dir is
  `$OPENCLAW_STATE_DIR`, else `~/.openclaw` (`~/.openclaw-<profile>` with --profile,
  `~/.openclaw-dev` with --dev). `$OPENCLAW_HOME` replaces `~`.
- `.env` files in the current directory and the state dir fill variables that are not
  set, and so do `env.vars` and upper-case keys of `env` in the config.
- `${UPPER_VAR}` in any config string is replaced from that environment; `$${VAR}` is a
  literal `${VAR}`. An unset or empty variable is an error naming it and its config path.
- Validation is strict (schema.py), plus the cross-field rules the real loader has.
"""

import os
import re
from dataclasses import dataclass, field

from simlib.openclaw import jsonc
from simlib.openclaw.schema import CHANNELS_WITH_ALLOW_FROM, ROOT
from simlib.openclaw.schema_types import Issue
from simlib.systemd.envfile import parse_environment_file

_VARIABLE = re.compile(r"\$?\$\{([A-Z_][A-Z0-9_]*)\}")


@dataclass
class Profile:
    """The global --profile and --dev options, which move the state dir."""

    name: str | None = None
    dev: bool = False


@dataclass
class LoadedConfig:
    """A config file after substitution and validation."""

    path: str
    exists: bool
    data: dict = field(default_factory=dict)
    raw_text: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.issues

    def get(self, dotted: str, default=None):
        """Return the value at a dotted path such as `gateway.auth.token`, or default."""
        node = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def home_directory() -> str:
    return os.environ.get("OPENCLAW_HOME") or os.path.expanduser("~")


def state_directory(profile: Profile | None = None) -> str:
    explicit = os.environ.get("OPENCLAW_STATE_DIR")
    if explicit:
        return explicit
    suffix = ""
    if profile and profile.dev:
        suffix = "-dev"
    elif profile and profile.name:
        suffix = f"-{profile.name}"
    return os.path.join(home_directory(), f".openclaw{suffix}")


def config_path(profile: Profile | None = None) -> str:
    return os.environ.get("OPENCLAW_CONFIG_PATH") or os.path.join(state_directory(profile), "openclaw.json")


def _dotenv_values(profile: Profile | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for directory in (os.getcwd(), state_directory(profile)):
        try:
            with open(os.path.join(directory, ".env"), encoding="utf-8") as handle:
                for name, value in parse_environment_file(handle.read()).items():
                    values.setdefault(name, value)
        except OSError:
            continue
    return values


def effective_environment(data: dict, profile: Profile | None) -> dict[str, str]:
    """Return the process environment, filled from .env files and the config's `env`."""
    environment = dict(os.environ)
    for name, value in _dotenv_values(profile).items():
        environment.setdefault(name, value)
    env_section = data.get("env") if isinstance(data, dict) else None
    if isinstance(env_section, dict):
        inline = {k: v for k, v in env_section.items() if k not in ("vars", "shellEnv") and isinstance(v, str)}
        variables = env_section.get("vars") if isinstance(env_section.get("vars"), dict) else {}
        for name, value in list(variables.items()) + list(inline.items()):
            if isinstance(value, str):
                environment.setdefault(name, value)
    return environment


def substitute_variables(value, environment: dict[str, str], path: str, issues: list[Issue]):
    """Return value with `${VAR}` replaced in every string; record unset variables as issues."""
    if isinstance(value, dict):
        return {key: substitute_variables(item, environment, f"{path}.{key}" if path else key, issues)
                for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_variables(item, environment, f"{path}.{index}", issues) for index, item in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(0).startswith("$$"):
            return match.group(0)[1:]
        name = match.group(1)
        resolved = environment.get(name)
        if not resolved:
            issues.append(Issue(path, f'Missing env var "{name}" referenced at config path: {path}'))
            return ""
        return resolved

    return _VARIABLE.sub(replace, value)


def _cross_field_issues(data: dict) -> list[Issue]:
    issues = []
    channels = data.get("channels") if isinstance(data.get("channels"), dict) else {}
    for name in CHANNELS_WITH_ALLOW_FROM:
        channel = channels.get(name)
        if isinstance(channel, dict) and channel.get("dmPolicy") == "open":
            allow = channel.get("allowFrom")
            if not isinstance(allow, list) or "*" not in allow:
                issues.append(Issue(f"channels.{name}.allowFrom",
                                    f'channels.{name}.dmPolicy="open" requires channels.{name}.allowFrom '
                                    'to include "*"'))
    return issues


def parse_config_text(text: str, path: str, profile: Profile | None = None) -> LoadedConfig:
    """Parse, substitute and validate config text; problems are returned as issues."""
    loaded = LoadedConfig(path=path, exists=True, raw_text=text)
    try:
        data = jsonc.loads(text) if text.strip() else {}
    except ValueError as error:
        loaded.issues.append(Issue("", f"Invalid JSON5: {error}"))
        return loaded
    if not isinstance(data, dict):
        loaded.issues.append(Issue("", "Invalid input: expected object at the top level"))
        return loaded
    environment = effective_environment(data, profile)
    substituted = substitute_variables(data, environment, "", loaded.issues)
    if loaded.issues:
        return loaded
    ROOT.validate(substituted, "", loaded.issues)
    if not loaded.issues:
        loaded.issues.extend(_cross_field_issues(substituted))
    loaded.data = substituted
    return loaded


def load_config(profile: Profile | None = None, path: str | None = None) -> LoadedConfig:
    """Read and validate the config file; a missing file gives an empty, valid config."""
    path = path or config_path(profile)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return LoadedConfig(path=path, exists=False)
    except OSError as error:
        return LoadedConfig(path=path, exists=True, issues=[Issue("", f"Cannot read config: {error.strerror}")])
    return parse_config_text(text, path, profile)


def format_issues(loaded: LoadedConfig) -> str:
    lines = [f"Invalid config at {loaded.path}:"]
    lines.extend(f"- {issue}" for issue in loaded.issues)
    lines.append('Fix the keys above, or run "openclaw doctor" to repair the file.')
    return "\n".join(lines)
