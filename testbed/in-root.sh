#!/bin/bash
# Run COMMAND chrooted into a Debian root (testbed/ironic-roots.ts builds them: a
# newer Ironic than the host's), sharing the host's network namespace so that it
# listens on, and connects to, the test bed's addresses as a host process would.
#
# Usage (testbed/ironic-root-run.ts builds the command line):
#   in-root.sh ROOT [--bind DIR]... -- COMMAND [ARG...]
#
#   ROOT        the root directory (its /usr/bin/ironic etc. are run)
#   --bind DIR  make the host's DIR visible at the same path inside ROOT (the test bed
#               directory: config, database, logs); repeat per directory
#
# What COMMAND sees inside ROOT:
#   /proc              a fresh proc mount (same PID namespace as the host)
#   /dev               a tmpfs with null, zero, full, random, urandom, tty, a private devpts
#                      and a shm tmpfs: no block device of the machine
#   /sys               the host's sysfs, read-only
#   /tmp, /var/tmp     the host's, so that files the tests pass by path (e.g. a config drive
#                      directory for the baremetal CLI) are found where the host has them
#   each --bind DIR    the host's DIR (a missing mount point is created inside ROOT)
#   /etc/resolv.conf   unchanged: the test bed uses IP addresses only
#
# Safety: as testbed/confine.sh, the script enters a fresh private mount namespace itself
# (re-executing under `unshare --mount --propagation private`) and verifies, failing
# closed, that it differs from its caller's and that its root mount does not propagate,
# before it mounts anything. Every mount lives only in that namespace: it disappears
# with the last process in it, so nothing has to be unmounted and a killed test leaves
# no mounts behind. ROOT itself is only written to for missing --bind mount points.
set -euo pipefail

die() { echo "in-root.sh: $*" >&2; exit 2; }

# Internal marker: set only by the re-exec below. unshare execs in place, so the PID
# (recorded by the caller as the service's PID) stays the same through to COMMAND.
if [[ ${1:-} != --in-private-mount-ns ]]; then
  exec unshare --mount --propagation private -- /bin/bash "$0" --in-private-mount-ns "$@"
fi
shift

(($# > 0)) || die "usage: in-root.sh ROOT [--bind DIR]... -- COMMAND [ARG...]"
root=$1
shift
binds=()
while (($# > 0)); do
  case "$1" in
    --bind) (($# >= 2)) || die "--bind needs a directory"; binds+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (usage is in the header of this script)" ;;
  esac
done
(($# > 0)) || die "no command given after --"
[[ $root == /* && -d $root && -x $root/usr/bin/env ]] || die "'$root' is not an absolute path to a Debian root"
for dir in "${binds[@]}"; do
  [[ $dir == /* && -d $dir ]] || die "--bind '$dir' is not an absolute path to a directory"
done

# --- safety: only ever mount inside a private mount namespace (fail closed) ---------------
self_ns=$(readlink /proc/self/ns/mnt 2>/dev/null || true)
caller_ns=$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null || true)
if [[ -z $self_ns || -z $caller_ns || $self_ns == "$caller_ns" ]]; then
  die "not in a private mount namespace of my own (mine: '${self_ns}', caller's: '${caller_ns}'); refusing to mount anything"
fi
root_optional=$(awk '$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i }' /proc/self/mountinfo)
if [[ $root_optional == *shared:* ]]; then
  die "the root mount is shared with another namespace; use unshare --propagation private"
fi

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"

mount -t tmpfs -o mode=0755,nosuid,size=1m,nr_inodes=4096 root-dev "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/full" c 1 7
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9
mknod -m 666 "$root/dev/tty" c 5 0
mkdir -m 755 "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev root-shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"

mount --rbind /sys "$root/sys"
mount -o remount,bind,ro "$root/sys"

for dir in /tmp /var/tmp "${binds[@]}"; do
  mkdir -p "$root$dir"
  mount --bind "$dir" "$root$dir"
done

exec chroot "$root" "$@"
