#!/bin/bash
# Build a Debian root with a newer Ironic for the test bed: debootstrap (minbase) of
# SUITE from MIRROR, then the packages installed with the suite's own apt inside it.
# The machine's own apt configuration and sources are not touched.
#
# Usage (testbed/ironic-roots.ts runs it under `flock`, so one build per root at a time):
#   build-root.sh SUITE DEST MIRROR PACKAGE...
#
# DEST appears atomically (renamed from DEST.build when complete) and holds
# DEST/.ica-root-ready (the recipe and the installed versions). When DEST is already
# complete, nothing is done: a process that waited for the lock finds the root built.
set -euo pipefail

die() { echo "build-root.sh: $*" >&2; exit 2; }

(($# >= 4)) || die "usage: build-root.sh SUITE DEST MIRROR PACKAGE..."
suite=$1 dest=$2 mirror=$3
shift 3
[[ $suite =~ ^[a-z]+$ ]] || die "invalid suite '$suite'"
[[ $dest == /* ]] || die "DEST must be an absolute path, got '$dest'"
[[ $mirror =~ ^https?:// ]] || die "MIRROR must be an http(s) URL, got '$mirror'"
here=$(dirname "$(readlink -f "$0")")

if [[ -e $dest/.ica-root-ready ]]; then
  echo "root $dest is already built"
  exit 0
fi

work=$dest.build
# A build killed half-way leaves DEST.build behind (never mounts: those lived in a
# private mount namespace that died with it), so it can simply be removed.
rm -rf --one-file-system "$work"
mkdir -p "$(dirname "$dest")"

started=$SECONDS
# The suites use the same debootstrap script as sid; a bookworm debootstrap does not
# know forky by name, so the script is named explicitly.
debootstrap --variant=minbase "$suite" "$work" "$mirror" /usr/share/debootstrap/scripts/sid
bootstrapped=$((SECONDS - started))

# Keep the packages' init scripts from starting daemons (tftpd-hpa, ...) in the root.
printf '#!/bin/sh\nexit 101\n' > "$work/usr/sbin/policy-rc.d"
chmod 755 "$work/usr/sbin/policy-rc.d"
# The configured mirror may be a snapshot whose Release files are past their
# Valid-Until date (forky's is); the signatures are still checked.
printf 'Acquire::Check-Valid-Until "false";\n' > "$work/etc/apt/apt.conf.d/90ironic-coreos-agent"

in_root() { bash "$here/in-root.sh" "$work" -- env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
in_root apt-get -q update
in_root apt-get -q install -y --no-install-recommends "$@"
in_root apt-get clean
rm -rf "$work"/var/lib/apt/lists/*
installed=$((SECONDS - started - bootstrapped))

{
  echo "suite: $suite"
  echo "mirror: $mirror"
  echo "packages: $*"
  echo "debootstrap_seconds: $bootstrapped"
  echo "install_seconds: $installed"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "versions:"
  in_root dpkg-query -W -f '  ${Package} ${Version}\n' "$@" python3-ironic
} > "$work/.ica-root-ready"
mv -T "$work" "$dest"
echo "built $dest in $((SECONDS - started)) s (debootstrap ${bootstrapped} s, apt-get install ${installed} s)"
