"""Stand-ins for the install tools: useradd, curl, gpg, apt-get, npm and node.

Each works inside the unit's own files only and records every call in
/var/log/juju-sim/commands.jsonl (see common.py).
"""
