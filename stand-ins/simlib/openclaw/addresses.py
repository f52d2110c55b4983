"""Address rules of the simulator for gateways, nodes and the CLI.

Each simulated unit is a machine whose own address is 127.0.0.x (unit-address). The
host's 127.0.0.1 and the name `localhost` therefore mean "this machine's loopback",
which the stand-ins map to the unit's own address. Another unit's 127.0.0.x address
stands for that machine's private LAN address, so it counts as a private IP literal.
"""

import ipaddress

from simlib.unitinfo import unit_address

LOOPBACK_ALIASES = ("localhost", "127.0.0.1", "::1")

# RFC 1918, loopback, link-local, carrier-grade NAT (Tailscale) and IPv6 unique-local ranges.
PRIVATE_NETWORKS = [ipaddress.ip_network(cidr) for cidr in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
    "fc00::/7", "fe80::/10", "::1/128")]


def is_own_address(host: str) -> bool:
    """Return whether host is this machine's loopback in the simulator's sense."""
    return host in LOOPBACK_ALIASES or host == unit_address()


def connect_address(host: str) -> str:
    """Return the address to connect to for host (loopback aliases become the unit address)."""
    return unit_address() if is_own_address(host) else host


def is_private_host(host: str) -> bool:
    """Return whether plaintext ws:// may reach host with OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1.

    OpenClaw allows private IP literals, `.local` names and `*.ts.net` names. Addresses in
    127.0.0.0/8 other than this unit's count as private literals (other machines' LAN
    addresses in the simulator).
    """
    lowered = host.lower().rstrip(".")
    if lowered.endswith(".local") or lowered.endswith(".ts.net"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in PRIVATE_NETWORKS)


def address_in_cidrs(address: str, cidrs: list[str]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    for cidr in cidrs:
        try:
            if parsed in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False
