#!/bin/bash
# dracut module 99ica-coreos: the glue Fedora CoreOS puts around Ignition in its
# initramfs and Debian's `ignition` package (dracut module 30ignition) lacks.
# Facts from coreos/fedora-coreos-config overlay.d/05core/usr/lib/dracut/modules.d/
# (35coreos-ignition, 40ignition-ostree) and coreos/ignition dracut/30ignition:
#
# - ica-setup-user.service: on first boot, copy boot:/ignition/config.ign (where
#   coreos-installer writes the config) to /usr/lib/ignition/user.ign, which
#   Ignition reads before asking the platform (FCOS coreos-ignition-setup-user);
# - ica-mount-var.service: bind-mount the stateroot's /var at /sysroot/var once
#   ostree-prepare-root has made /sysroot the deployment, so that Ignition's
#   files under /var land where the booted system finds them
#   (FCOS ignition-ostree-mount-var);
# - ica-populate-var.service: create /var's directories with systemd-tmpfiles
#   from the deployment's tmpfiles.d before Ignition writes there
#   (FCOS ignition-ostree-populate-var);
# - ica-emergency-report.service: when the initramfs gives up (emergency.target),
#   write the journal to the console and a failure line to the testisocompletion
#   port (coreos/coreos-assembler kola testiso's signalFailureUnit and FCOS
#   99emergency-shell-setup do the same).
# - setfiles: a stand-in for Ignition's SELinux relabel on an image without SELinux
#   (setfiles-disabled.sh).
# /run/ignition.env (PLATFORM_ID) is already written by 30ignition's ignition-generator.

check() {
    return 0
}

depends() {
    echo ignition ostree
}

install_ica_unit() {
    local unit="$1" target="$2"
    inst_simple "$moddir/$unit" "$systemdsystemunitdir/$unit"
    mkdir -p "$initdir/$systemdsystemunitdir/$target.requires"
    ln_r "$systemdsystemunitdir/$unit" "$systemdsystemunitdir/$target.requires/$unit"
}

install() {
    # chroot: Ignition runs `chroot /sysroot id|getent` for users (coreos/ignition
    # internal/exec/util/passwd.go); Debian's 30ignition does not install it
    inst_multiple chroot cp rm mkdir findmnt mount umount realpath systemd-tmpfiles journalctl stty
    inst_script "$moddir/ica-coreos.sh" /usr/sbin/ica-coreos
    instmods virtio_console
    # setfiles-disabled.sh says why; a real setfiles (policycoreutils) wins
    if ! type -P setfiles >/dev/null; then
        inst_multiple tr wc
        inst_script "$moddir/setfiles-disabled.sh" /usr/sbin/setfiles
    fi
    # the units run on first boot only: ignition-generator queues ignition-complete.target
    # (and ignition-diskful.target) only when ignition.firstboot is on the command line
    install_ica_unit ica-setup-user.service ignition-complete.target
    install_ica_unit ica-mount-var.service ignition-diskful.target
    install_ica_unit ica-populate-var.service ignition-diskful.target
    install_ica_unit ica-emergency-report.service emergency.target
}
