# Shared by the scripts in this folder: run as root, find the Swift toolchain, work from the repository root.

# juju-sim mounts overlays in private mount namespaces, which needs root: re-run under sudo when not root.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=PATH,SWIFT "$0" "$@"
  fi
  echo "error: $0 needs root (juju-sim mounts overlays); run it as root." >&2
  exit 1
fi

cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "error: no Swift toolchain on PATH; install Swift 6.1 or newer from swift.org first." >&2
  exit 1
fi
