#!/bin/bash
# `setfiles` for an image without SELinux (installed only where the root has no real one).
# Debian's Ignition is built with SELinux relabelling on (coreos/ignition internal/distro
# SelinuxRelabel): its files stage reads SELINUXTYPE from /etc/selinux/config and runs
# `setfiles -vF0 -r /sysroot <file_contexts> -f -` with the paths it wrote
# (internal/exec/util/selinux.go). This image's config says SELINUX=disabled and it has no
# policy, so there is nothing to label: read the paths, say so, succeed. With SELinux
# active in the kernel, refuse instead of leaving files unlabelled.
set -euo pipefail
if [[ -e /sys/fs/selinux/enforce ]]; then
    echo "setfiles (ica-coreos): SELinux is active but this initramfs has no real setfiles; install policycoreutils in the image" >&2
    exit 1
fi
count=$(tr -cd '\0' | wc -c)
echo "setfiles (ica-coreos): SELinux is disabled in this image; $count path(s) left unlabelled"
