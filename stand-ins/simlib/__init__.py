"""Shared code of the juju-sim stand-ins: `openclaw`, `systemctl` and the install tools in `tools/`.

The executables next to this package put its parent directory on sys.path, so the
package works from a source checkout and from the copy inside a simulated unit.
"""
