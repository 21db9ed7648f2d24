#!/bin/bash
# The steps of dracut module 99ica-coreos (see its module-setup.sh), one per verb:
#   ica-coreos setup-user | mount-var | umount-var | populate-var | emergency-report
set -euo pipefail

fatal() { echo "ica-coreos: $*" >&2; exit 1; }

# coreos/fedora-coreos-config 35coreos-ignition/coreos-ignition-setup-user.sh: the boot
# partition mounted read-only by label (the unit's MountFlags=slave unmounts it).
# systemd >= 256 makes the initramfs's /usr read-only (systemd-system.conf ProtectSystem=auto);
# Ignition reads /usr/lib/ignition/user.ign, so make /usr writable in this unit's own mount
# namespace (MountFlags=slave) only, as fedora-iot/ignition-edge dracut/35ignition-edge/
# ignition-setup-user.sh does.
setup_user() {
    local mnt=/mnt/boot_partition dest=/usr/lib/ignition
    [[ -w /usr ]] || mount -o remount,bind,rw /usr
    mkdir -p "$mnt" "$dest"
    mount -o ro /dev/disk/by-label/boot "$mnt"
    if [[ -f $mnt/ignition/config.ign ]]; then
        echo "Copying $mnt/ignition/config.ign to $dest/user.ign"
        cp "$mnt/ignition/config.ign" "$dest/user.ign"
    else
        echo "No $mnt/ignition/config.ign: Ignition asks the platform"
    fi
}

# 40ignition-ostree/ignition-ostree-mount-var.sh: /sysroot is the deployment here, the
# physical root is at /sysroot/sysroot, and ostree= names the deployment's boot link.
mount_var() {
    local arg ostree="" link var
    for arg in $(</proc/cmdline); do
        [[ $arg == ostree=* ]] && ostree=${arg#ostree=}
    done
    [[ -n $ostree ]] || fatal "no ostree= kernel argument in /proc/cmdline"
    link=/sysroot/sysroot$ostree
    [[ -L $link ]] || fatal "$link is not a symlink"
    var=$(realpath "$link/../../var")
    [[ -d $var ]] || fatal "$var is not a directory"
    if findmnt /sysroot/var >/dev/null; then
        echo "/sysroot/var is already mounted"
        return
    fi
    echo "Mounting $var on /sysroot/var"
    mount --bind "$var" /sysroot/var
    : >/run/ica-coreos-var-mounted
}

# systemd may have unmounted it already (sysroot-var.mount) when the initramfs stops.
umount_var() {
    if [[ -e /run/ica-coreos-var-mounted ]] && findmnt /sysroot/var >/dev/null; then
        umount /sysroot/var
    fi
    rm -f /run/ica-coreos-var-mounted
}

# 40ignition-ostree/ignition-ostree-populate-var.sh (without the SELinux relabel).
populate_var() {
    local sub
    for sub in lib log home roothome opt srv usrlocal mnt media; do
        [[ -d /sysroot/var/$sub ]] && continue
        if [[ $sub == lib || $sub == log ]]; then
            mkdir -p "/sysroot/var/$sub"
        else
            systemd-tmpfiles --create --boot --root=/sysroot --prefix="/var/$sub"
        fi
    done
}

emergency_report() {
    local port=/dev/virtio-ports/testisocompletion
    # --sync: journald reads services' output streams on its own schedule; without it the dump can miss
    # the last lines of the unit that failed (Ignition's own error)
    journalctl --sync 2>/dev/null || true
    journalctl --no-pager -o short-monotonic -b >/dev/console 2>&1 || true
    modprobe virtio_console 2>/dev/null || true
    [[ -e $port ]] && echo "ICA-VM-EMERGENCY initramfs" >"$port"
    echo "ICA-VM-EMERGENCY initramfs" >/dev/console
    # wait until the UART has sent it all (stty sets the same mode with TCSADRAIN)
    stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null || true
}

case "${1:-}" in
    setup-user) setup_user ;;
    mount-var) mount_var ;;
    umount-var) umount_var ;;
    populate-var) populate_var ;;
    emergency-report) emergency_report ;;
    *) fatal "usage: ica-coreos setup-user|mount-var|umount-var|populate-var|emergency-report" ;;
esac
