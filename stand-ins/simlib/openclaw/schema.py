"""The config schema of the OpenClaw stand-in: the keys the charm uses or may use.

Sources: the OpenClaw docs for gateway configuration, configuration, channels, logging,
custom providers and browser (openclaw/openclaw and openclaw/docs, 2026 releases).
Where an enum or a field list was read in one version only, it is marked UNCONFIRMED.
A key outside this schema is rejected, as the real strict loader does, so the charm
cannot write a config that the stand-in accepts but a real gateway would reject for an
unknown key. The converse risk remains: a real key missing here is rejected too.
"""

from simlib.openclaw.schema_types import (
    AnyOf, Arr, Bool, Cidr, Int, Num, Obj, Opaque, Rec, Str)

IPV4 = r"(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}"
DM_POLICY = Str(enum=("pairing", "allowlist", "open", "disabled"))
LOG_LEVEL = Str(enum=("silent", "fatal", "error", "warn", "info", "debug", "trace"))
ALLOW_FROM = Arr(AnyOf(Str(), Num()))

GATEWAY = Obj({
    "mode": Str(enum=("local", "remote")),
    "port": Int(1, 65535),
    "bind": Str(enum=("auto", "loopback", "lan", "tailnet", "custom")),
    "customBindHost": Str(pattern=IPV4, pattern_message="Invalid IPv4 address"),
    "auth": Obj({
        "mode": Str(enum=("none", "token", "password", "trusted-proxy")),
        "token": Str(),
        "password": Str(),
        # UNCONFIRMED: the fields of rateLimit, so its contents are not checked.
        "rateLimit": Opaque(),
    }),
    "reload": Obj({
        # Older releases also had "hot" and "restart"; the 2026.9 line accepts only these.
        "mode": Str(enum=("hybrid", "off")),
        "debounceMs": Int(0),
    }),
    "controlUi": Obj({
        "enabled": Bool(),
        "allowedOrigins": Arr(Str()),
        "allowInsecureAuth": Bool(),
        "basePath": Str(),
    }),
    "nodes": Obj({
        "pairing": Obj({
            "autoApproveLocal": Bool(),
            "autoApproveCidrs": Arr(Cidr()),
            "sshVerify": Bool(),
        }),
        # UNCONFIRMED: command allow and deny lists for node invocations.
        "allowCommands": Arr(Str()),
        "denyCommands": Arr(Str()),
    }),
    "tls": Obj({
        "enabled": Bool(),
        "autoGenerate": Bool(),
        "certPath": Str(),
        "keyPath": Str(),
        "caPath": Str(),
    }),
    "remote": Obj({
        "url": Str(pattern=r"wss?://.+", pattern_message="Invalid URL: expected ws:// or wss://"),
        "token": Str(),
        "password": Str(),
        # UNCONFIRMED: the transport names.
        "transport": Str(enum=("direct", "ssh")),
        "tlsFingerprint": Str(),
    }),
    "tailscale": Obj({
        "mode": Str(enum=("off", "serve", "funnel")),
        "resetOnExit": Bool(),
    }),
    "trustedProxies": Arr(Str()),
})

MODEL_ENTRY = Obj({
    "id": Str(min_length=1),
    "name": Str(),
    "contextWindow": Int(1),
    "maxTokens": Int(1),
    "input": Arr(Str(enum=("text", "image"))),
    "reasoning": Bool(),
    "cost": Obj({"input": Num(), "output": Num(), "cacheRead": Num(), "cacheWrite": Num()}),
}, required=("id",))

MODELS = Obj({
    "mode": Str(enum=("merge", "replace")),
    "providers": Rec(Obj({
        "baseUrl": Str(),
        "apiKey": Str(),
        # UNCONFIRMED: the full list of api adapters.
        "api": Str(enum=("openai-completions", "openai-responses", "anthropic-messages",
                         "google-generative-ai", "github-copilot", "bedrock-converse-stream", "ollama")),
        "headers": Rec(Str()),
        "authHeader": Bool(),
        "models": Arr(MODEL_ENTRY),
    })),
})

AGENTS = Obj({
    "defaults": Obj({
        # UNCONFIRMED: whether a plain "provider/model" string is accepted besides the object.
        "model": AnyOf(Obj({"primary": Str(), "fallbacks": Arr(Str())}), Str()),
        "models": Rec(Obj({"alias": Str(), "params": Opaque()})),
        "workspace": Str(),
        # AgentSandboxSchema in src/config/zod-schema.agent-runtime.ts (openclaw/openclaw @001ba9a) has more
        # keys (scope, workspaceAccess, docker, ...); only the mode the charm writes is here.
        "sandbox": Obj({"mode": Str(enum=("off", "non-main", "all"))}),
    }),
})

AUTH = Obj({
    "profiles": Rec(Obj({
        "provider": Str(),
        "mode": Str(enum=("api_key", "oauth", "token")),
        "email": Str(),
    })),
    "order": Rec(Arr(Str())),
})

CHANNELS = Obj({
    "telegram": Obj({
        "enabled": Bool(),
        "botToken": Str(),
        "tokenFile": Str(),
        "dmPolicy": DM_POLICY,
        "allowFrom": ALLOW_FROM,
    }),
    "discord": Obj({
        "enabled": Bool(),
        "token": Str(),
        "dmPolicy": DM_POLICY,
        "allowFrom": ALLOW_FROM,
    }),
    "slack": Obj({
        "enabled": Bool(),
        "botToken": Str(),
        "appToken": Str(),
        "signingSecret": Str(),
        "mode": Str(enum=("socket", "http")),
        "dmPolicy": DM_POLICY,
        "allowFrom": ALLOW_FROM,
    }),
    # UNCONFIRMED: the LINE channel's keys were not checked against a release.
    "line": Obj({
        "enabled": Bool(),
        "channelAccessToken": Str(),
        "channelSecret": Str(),
        "dmPolicy": DM_POLICY,
        "allowFrom": ALLOW_FROM,
    }),
})

ROOT = Obj({
    "$schema": Str(),
    "gateway": GATEWAY,
    "agents": AGENTS,
    "models": MODELS,
    "auth": AUTH,
    "channels": CHANNELS,
    "session": Obj({"dmScope": Str(enum=("main", "per-peer", "per-channel-peer", "per-account-channel-peer"))}),
    "logging": Obj({
        "level": LOG_LEVEL,
        "file": Str(),
        "consoleLevel": LOG_LEVEL,
        "maxFileBytes": Int(1),
        "consoleStyle": Str(enum=("pretty", "compact", "json")),
    }),
    "browser": Obj({
        "enabled": Bool(),
        "headless": Bool(),
        "noSandbox": Bool(),
        "executablePath": Str(),
        "defaultProfile": Str(),
        "attachOnly": Bool(),
        "profiles": Rec(Obj({"cdpUrl": Str(), "cdpPort": Int(1, 65535), "color": Str()})),
    }),
    "tools": Obj({
        "exec": Obj({
            # UNCONFIRMED: the host and security enums.
            "host": Str(enum=("sandbox", "gateway", "node")),
            "node": Str(),
            "security": Str(enum=("deny", "allowlist", "full")),
            "ask": Str(enum=("off", "on-miss", "always")),
        }),
    }),
    "env": Obj({
        "vars": Rec(Str()),
        "shellEnv": Obj({"enabled": Bool(), "timeoutMs": Int(0)}),
    }, catchall=Rec(Str(), key_pattern=r"[A-Z_][A-Z0-9_]*")),
})

CHANNELS_WITH_ALLOW_FROM = ("telegram", "discord", "slack", "line")
