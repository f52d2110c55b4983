"""The OpenClaw release the stand-in claims to be.

2026.9.3 is the newest release the charm's reference notes name (its Node.js floor is
>=24.16). The stand-in follows that line's documented behaviour: strict config
validation, `gateway.nodes.pairing.autoApproveCidrs` and `sshVerify`, `/healthz` and
`/readyz`, and `devices approve` without an id only previewing. Started through an
installed package (the node stand-in running openclaw.mjs), it claims the package's version
through OPENCLAW_SIM_VERSION; tests set that variable too.
"""

import os

RELEASE = "2026.9.3"


def current_version() -> str:
    return os.environ.get("OPENCLAW_SIM_VERSION") or RELEASE
