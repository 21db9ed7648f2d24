#!/bin/bash
# Build the Debian root that the CoreOS-like bootable image (testbed/vm/coreos-image.ts)
# is made of: debootstrap (minbase) of SUITE from MIRROR, the packages installed with the
# suite's own apt inside it, user `core`, then a dracut initramfs with the ostree module
# (ostree-boot), the ignition module (Debian's `ignition`) and our glue around it
# (testbed/vm/dracut/99ica-coreos), written next to the kernel, where an ostree commit
# wants them: usr/lib/modules/<kver>/{vmlinuz,initramfs.img} (ostreedev/ostree docs/deployment.md).
# The machine's own apt configuration and sources are not touched.
#
# Usage (run under `flock`, so one build per root at a time):
#   build-image-root.sh SUITE DEST MIRROR PACKAGE...
#
# DEST appears atomically (renamed from DEST.build when complete) and holds
# DEST/.ica-root-ready (the recipe, timings and the kernel version).
set -euo pipefail

die() { echo "build-image-root.sh: $*" >&2; exit 2; }

(($# >= 4)) || die "usage: build-image-root.sh SUITE DEST MIRROR PACKAGE..."
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
rm -rf --one-file-system "$work"
mkdir -p "$(dirname "$dest")"

started=$SECONDS
# forky (the image's suite) uses sid's debootstrap script; a bookworm debootstrap does not
# know forky by name, so the script is named explicitly (as testbed/build-root.sh does).
debootstrap --variant=minbase "$suite" "$work" "$mirror" /usr/share/debootstrap/scripts/sid
bootstrapped=$((SECONDS - started))

# The mirror may be a snapshot whose Release is past its Valid-Until date (forky's is);
# the signatures are still checked (as testbed/build-root.sh).
printf 'Acquire::Check-Valid-Until "false";\n' > "$work/etc/apt/apt.conf.d/90ironic-coreos-agent"
printf '#!/bin/sh\nexit 101\n' > "$work/usr/sbin/policy-rc.d"
chmod 755 "$work/usr/sbin/policy-rc.d"

# INITRD=No: the kernel's own hooks build no initramfs; dracut runs once, below.
in_root() { bash "$here/../in-root.sh" "$work" -- env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 INITRD=No "$@"; }
in_root apt-get -q update
in_root apt-get -q install -y --no-install-recommends "$@"
in_root apt-get clean
rm -rf "$work"/var/lib/apt/lists/* "$work/usr/sbin/policy-rc.d" "$work/etc/apt/apt.conf.d/90ironic-coreos-agent"
installed=$((SECONDS - started - bootstrapped))

# `core` is part of the image, as in Fedora CoreOS (its /usr/lib/passwd): Ignition's
# passwd.users then only adds keys (usermod, not useradd), and the user exists on a machine
# booted without a config. In /etc/passwd here, it reaches the commit's /usr/etc/passwd.
# Its home is made by tmpfiles (testbed/vm/guest-tree/usr/lib/tmpfiles.d/ica-vm-var.conf).
in_root useradd --no-create-home --home-dir /var/home/core --shell /bin/bash \
  --comment 'CoreOS Admin' --user-group core

kvers=("$work"/lib/modules/*)
((${#kvers[@]} == 1)) || die "expected one kernel in $work/lib/modules, found ${#kvers[@]}"
kver=$(basename "${kvers[0]}")
moddir=$work/usr/lib/modules/$kver
[[ -d $moddir ]] || die "no $moddir"
cp -r "$here/dracut/99ica-coreos" "$work/usr/lib/dracut/modules.d/"
# --no-hostonly: the initramfs is for a VM, not for this machine.
# virtio_console: the initramfs reports an emergency on the testisocompletion port.
in_root dracut --force --no-hostonly --no-hostonly-cmdline --add 'ostree ignition ica-coreos' \
  --add-drivers 'virtio_blk virtio_pci virtio_scsi virtio_console ext4' \
  --kver "$kver" "/usr/lib/modules/$kver/initramfs.img"
# forky's kernel package already installs it there (a hard link of /boot's); older ones do not
[[ -e $moddir/vmlinuz ]] || cp "$work/boot/vmlinuz-$kver" "$moddir/vmlinuz"
dracut_seconds=$((SECONDS - started - bootstrapped - installed))

{
  echo "suite: $suite"
  echo "mirror: $mirror"
  echo "packages: $*"
  echo "kernel: $kver"
  echo "debootstrap_seconds: $bootstrapped"
  echo "install_seconds: $installed"
  echo "dracut_seconds: $dracut_seconds"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$work/.ica-root-ready"
mv -T "$work" "$dest"
echo "built $dest in $((SECONDS - started)) s"
