#!/bin/bash
# Confinement for test-bed nodes: run COMMAND with a /dev and a /sys/block view
# that show ONLY the node's test disks, so that an agent (or a test double)
# running inside can never see, let alone write to, the machine's own disks.
#
# Usage (always through a private mount namespace; testbed/confine.ts builds it):
#   ip netns exec NS unshare --mount --propagation private -- \
#       confine.sh [--disk NAME]... [--host-root DIR] [--max-partitions N] -- COMMAND [ARG...]
#
#   --disk NAME         a whole disk to expose (kernel name, e.g. loop3); repeat per disk
#   --host-root DIR     also bind the confined /dev over DIR/dev (created if missing) and, when
#                       DIR/sys exists, the masked /sys over DIR/sys (the agent's /mnt/coreos)
#   --max-partitions N  partition slots prepared per disk in /sys/class/block (default 16)
#
# What COMMAND sees:
#   /dev               a tmpfs with null, zero, full, random, urandom, tty, ptmx + a private
#                      devpts, shm, fd/stdin/stdout/stderr links, and block nodes (same
#                      major:minor as the host's) for each test disk and its EXISTING partitions.
#   /sys/block         a tmpfs with one symlink per test disk, using the kernel's own relative
#                      target (../devices/virtual/block/loopN), so everything below a disk,
#                      including partitions created later, stays the real sysfs.
#   /sys/class/block   a tmpfs with links for the disks, their existing partitions, and
#                      partition slots <disk>p1..pN (<disk>1..N for names not ending in a digit)
#                      pointing where the kernel will create them; a slot is a dangling link
#                      until that partition exists.
#
# Partitions created later (sgdisk + `partx -a`, which this kernel needs because it has
# no partition-table support) appear in sysfs but NOT as nodes in this /dev. The agent
# and the test doubles create a missing node themselves from sysfs:
#   read MAJ:MIN from /sys/class/block/<name>/dev (or /sys/block/<disk>/<name>/dev)
#   mknod /dev/<name> b MAJ MIN
#
# Not masked (documented limits): /proc/partitions and /sys/dev/block still list every
# block device of the machine by name/number; without a /dev node none of them can be
# opened. lsblk, `ls /dev` and `ls /sys/block` show only the test disks.
#
# Safety: the script always enters a fresh private mount namespace itself (re-executing
# under `unshare --mount --propagation private`), then verifies -- failing closed -- that
# its mount namespace differs from its caller's and that its root mount does not propagate
# anywhere, before it mounts anything. It never unmounts anything.
set -euo pipefail

die() { echo "confine.sh: $*" >&2; exit 2; }

# Internal marker: set only by the re-exec below. unshare execs in place, so the PID (and
# with it the parent PID, the caller) stays the same across this re-exec.
if [[ ${1:-} != --in-private-mount-ns ]]; then
  exec unshare --mount --propagation private -- /bin/bash "$0" --in-private-mount-ns "$@"
fi
shift

disks=()
host_root=''
max_parts=16
while (($# > 0)); do
  case "$1" in
    --disk) (($# >= 2)) || die "--disk needs a disk name"; disks+=("$2"); shift 2 ;;
    --host-root) (($# >= 2)) || die "--host-root needs a directory"; host_root=$2; shift 2 ;;
    --max-partitions) (($# >= 2)) || die "--max-partitions needs a number"; max_parts=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (usage is in the header of this script)" ;;
  esac
done
(($# > 0)) || die "no command given after --"
[[ $max_parts =~ ^[0-9]+$ ]] && ((max_parts <= 128)) || die "--max-partitions must be 0-128, got '$max_parts'"

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

# --- collect everything from the real sysfs before masking it ------------------
declare -a nodes=()      # "name maj min" for /dev
declare -a block_links=() # "name target" for /sys/block
declare -a class_links=() # "name target" for /sys/class/block
for d in "${disks[@]}"; do
  [[ $d =~ ^[a-z][a-z0-9]*$ ]] || die "invalid disk name '$d' (expected a kernel name such as loop3)"
  [[ -e /sys/class/block/$d/dev ]] || die "disk '$d' does not exist (no /sys/class/block/$d); attach it first"
  [[ ! -e /sys/class/block/$d/partition ]] || die "'$d' is a partition; pass whole disks only"
  nodes+=("$d $(tr ':' ' ' < "/sys/class/block/$d/dev")")
  block_links+=("$d $(readlink "/sys/block/$d")")
  class_target=$(readlink "/sys/class/block/$d")
  class_links+=("$d $class_target")
  declare -A seen=()
  for part in "/sys/class/block/$d/$d"*; do
    [[ -e $part/partition ]] || continue
    p=${part##*/}
    nodes+=("$p $(tr ':' ' ' < "$part/dev")")
    class_links+=("$p $class_target/$p")
    seen[$p]=1
  done
  if [[ $d =~ [0-9]$ ]]; then sep=p; else sep=''; fi
  for ((i = 1; i <= max_parts; i++)); do
    p=$d$sep$i
    [[ -n ${seen[$p]:-} ]] || class_links+=("$p $class_target/$p")
  done
  unset seen
done
disk_gid=$(getent group disk | cut -d: -f3 || true)

# --- /dev ---------------------------------------------------------------------
mount -t tmpfs -o mode=0755,nosuid,size=1m,nr_inodes=4096 confined-dev /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/tty c 5 0
mkdir -m 755 /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev confined-shm /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
for entry in "${nodes[@]}"; do
  read -r name maj min <<< "$entry"
  mknod -m 660 "/dev/$name" b "$maj" "$min"
  [[ -z $disk_gid ]] || chgrp "$disk_gid" "/dev/$name"
done

# --- /sys/block and /sys/class/block ----------------------------------------------
mount -t tmpfs -o mode=0755,nosuid,nodev,noexec,size=256k confined-sys-block /sys/block
for entry in "${block_links[@]}"; do
  read -r name target <<< "$entry"
  ln -s "$target" "/sys/block/$name"
done
mount -t tmpfs -o mode=0755,nosuid,nodev,noexec,size=256k confined-sys-class-block /sys/class/block
for entry in "${class_links[@]}"; do
  read -r name target <<< "$entry"
  ln -s "$target" "/sys/class/block/$name"
done

# --- the agent's view of the host root ------------------------------------------------
if [[ -n $host_root ]]; then
  [[ -d $host_root ]] || die "--host-root '$host_root' is not a directory"
  mkdir -p "$host_root/dev"
  mount --rbind /dev "$host_root/dev"
  if [[ -d $host_root/sys ]]; then mount --rbind /sys "$host_root/sys"; fi
fi

exec "$@"
