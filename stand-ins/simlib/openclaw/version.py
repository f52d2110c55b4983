"""The OpenClaw release the stand-in claims to be.

2026.9.3 is the newest release the charm's reference notes name (its Node.js floor is
>=24.16). The stand-in follows that line's documented behaviour: strict config
validation, `gateway.nodes.pairing.autoApproveCidrs` and `sshVerify`, `/healthz` and
`/readyz`, and `devices approve` without an id only previewing. Upgrade tests override
the printed version with OPENCLAW_SIM_VERSION.
"""

import os

RELEASE = "2026.9.3"


def current_version() -> str:
    return os.environ.get("OPENCLAW_SIM_VERSION") or RELEASE
