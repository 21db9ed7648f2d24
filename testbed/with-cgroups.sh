#!/bin/bash
# Give a command run inside a test node's confinement the cgroup mounts its caller has,
# then exec it. podman needs them: `ip netns exec` remounts /sys (so that /sys/class/net
# shows the node's interfaces), and the fresh sysfs has an empty /sys/fs/cgroup, where
# runc then fails with "no cgroup mount found in mountinfo".
#
# Usage (as the command of testbed/confine.sh; testbed/container-agent.ts builds it):
#   ... confine.sh --disk loopN ... -- /bin/bash with-cgroups.sh -- COMMAND [ARG...]
#
# Every mount of the caller's mount namespace at or below /sys/fs/cgroup (read from
# /proc/$PPID/mountinfo, in mount order) is mounted again with the same filesystem type,
# source and options. Mounting a cgroup v1 hierarchy with the same controllers, a named
# hierarchy (name=systemd) or cgroup2 again yields the SAME hierarchy, so containers land
# in the machine's real cgroups, exactly as with podman started outside the node.
#
# Safety: refuses (exit 2, before mounting anything) unless it runs in a mount namespace
# of its own (not its caller's, not PID 1's) whose root mount does not propagate.
set -euo pipefail

die() { echo "with-cgroups.sh: $*" >&2; exit 2; }

[[ ${1:-} == -- ]] || die "usage: with-cgroups.sh -- COMMAND [ARG...]"
shift
(($# > 0)) || die "no command given after --"

self_ns=$(readlink /proc/self/ns/mnt 2>/dev/null || true)
caller_ns=$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null || true)
init_ns=$(readlink /proc/1/ns/mnt 2>/dev/null || true)
if [[ -z $self_ns || -z $caller_ns || $self_ns == "$caller_ns" || $self_ns == "$init_ns" ]]; then
  die "not in a private mount namespace of my own (mine: '${self_ns}', caller's: '${caller_ns}'); run me through testbed/confine.sh"
fi
root_optional=$(awk '$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i }' /proc/self/mountinfo)
[[ $root_optional != *shared:* ]] || die "the root mount is shared with another namespace; use unshare --propagation private"

# "mount-point fstype source options" per cgroup mount of the caller (field 6 are the
# per-mount options, the last field the superblock options; see proc(5) mountinfo).
mounts=$(awk '($5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1) {
  for (i = 7; $i != "-"; i++);
  print $5, $(i + 1), $(i + 2), $6 "," $(i + 3)
}' "/proc/$PPID/mountinfo")
[[ -n $mounts ]] || die "the caller has no mounts at /sys/fs/cgroup; podman cannot run containers without cgroups"
[[ $mounts != *\\* ]] || die "escaped characters in a cgroup mount point are not supported: $mounts"

while read -r target fstype source options; do
  mkdir -p "$target"
  mount -t "$fstype" -o "$options" "$source" "$target" || die "cannot mount $fstype ($options) at $target"
done <<< "$mounts"

exec "$@"
