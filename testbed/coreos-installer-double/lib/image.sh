# shellcheck shell=bash
# Writing the image (install.rs write_disk / download.rs write_image): the
# synthetic "metal image" used for osmet installs, decompression of file/URL
# images, the write itself (first MiB last, progress on stderr), signature
# check, saved partitions, and the partition-table reset on failure.

MIB=1048576
SAVED=()
# Layout of the synthetic metal image (MiB offsets): like a real FCOS metal
# image, scaled down: BIOS-BOOT, EFI-SYSTEM (vfat), boot (ext4, LABEL=boot),
# root (ext4 here, xfs in FCOS; xfsprogs is not installed), 48 MiB in total.
# The control boot_mib=N gives the boot filesystem N MiB instead of 16 (the
# image grows by as much): a real FCOS boot partition has 384 MiB, and large
# Ignition configs (written there) do not fit in 16.
BOOT_MIB_DEFAULT=16

# The boot filesystem tree of the synthetic image.
make_boot_tree() {
  local tree=$1 description=$2 hash=4b1e2d0c8a
  mkdir -p "$tree/loader/entries" "$tree/grub2" "$tree/coreos" "$tree/ostree/fedora-coreos-$hash"
  cat >"$tree/loader/entries/ostree-1.conf" <<EOF
title $description (ostree:0)
version 1
options mitigations=auto,nosmt ignition.platform.id=metal \$ignition_firstboot ostree=/ostree/boot.1/fedora-coreos/$hash/0 root=UUID=$ROOT_UUID rw rootflags=prjquota boot=UUID=$BOOT_UUID
linux /ostree/fedora-coreos-$hash/vmlinuz
initrd /ostree/fedora-coreos-$hash/initramfs.img
EOF
  printf '# GRUB reads this file to add ignition.firstboot on the first boot\n' >"$tree/ignition.firstboot"
  cat >"$tree/grub2/console.cfg" <<'EOF'
# Any non-default console settings will be inserted here.
# CONSOLE-SETTINGS-START
# CONSOLE-SETTINGS-END
EOF
  cat >"$tree/coreos/platforms.json" <<'EOF'
{
  "metal": {"grub_commands": [], "kernel_arguments": []},
  "qemu": {"grub_commands": ["serial --speed=115200", "terminal_input serial console", "terminal_output serial console"],
           "kernel_arguments": ["console=tty0", "console=ttyS0,115200n8"]},
  "vmware": {"kernel_arguments": ["console=ttyS0,115200n8"]}
}
EOF
  printf 'kernel\n' >"$tree/ostree/fedora-coreos-$hash/vmlinuz"
  printf 'initramfs\n' >"$tree/ostree/fedora-coreos-$hash/initramfs.img"
}

# Build the synthetic metal image into $1 (what osmet would reconstruct).
build_metal_image() {
  local out=$1 work boot_mib
  boot_mib=$(control boot_mib "$BOOT_MIB_DEFAULT")
  [[ $boot_mib =~ ^[1-9][0-9]{0,4}$ ]] || die "test double control boot_mib=$boot_mib is not a size in MiB"
  make_temp work -d /tmp/coreos-installer-osmet.XXXXXX
  BOOT_UUID=$(cat /proc/sys/kernel/random/uuid) ROOT_UUID=$(cat /proc/sys/kernel/random/uuid)
  make_boot_tree "$work/boot" "$OSMET_DESCRIPTION"
  mkdir -p "$work/root/ostree/repo" "$work/root/ostree/deploy/fedora-coreos"
  truncate -s "$((32 + boot_mib))M" "$out"
  sgdisk -n 1:2048:+1M -t 1:21686148-6449-6E6F-744E-656564454649 -c 1:BIOS-BOOT \
    -n 2:0:+8M -t 2:C12A7328-F81F-11D2-BA4B-00A0C93EC93B -c 2:EFI-SYSTEM \
    -n 3:0:+"$boot_mib"M -t 3:0FC63DAF-8483-4772-8E79-3D69D8477DE4 -c 3:boot \
    -n 4:0:+20M -t 4:4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 -c 4:root "$out" >/dev/null 2>&1 || return 1
  mkfs.vfat --offset=4096 -n EFI-SYSTEM "$out" 8192 >/dev/null 2>&1 || return 1
  populate_esp "$out@@$((2 * MIB))"
  mkfs.ext4 -q -F -L boot -U "$BOOT_UUID" -d "$work/boot" -E offset=$((10 * MIB)) "$out" "$boot_mib"M >/dev/null 2>&1 || return 1
  mkfs.ext4 -q -F -L root -U "$ROOT_UUID" -d "$work/root" -E offset=$(((10 + boot_mib) * MIB)) "$out" 20M >/dev/null 2>&1 || return 1
  rm -rf "$work"
}

# Shim, GRUB and the shim's BOOTX64.CSV hint on the ESP (needs mtools; skipped without).
populate_esp() {
  command -v mcopy >/dev/null || return 0
  local esp=$1 tmp
  make_temp tmp -d /tmp/coreos-installer-esp.XXXXXX
  printf 'shim\n' >"$tmp/shim"
  printf 'shimx64.efi,Fedora,,This is the boot entry for Fedora\n' | iconv -f utf-8 -t utf-16 >"$tmp/csv"
  export MTOOLS_SKIP_CHECK=1
  mmd -i "$esp" ::/EFI ::/EFI/fedora ::/EFI/BOOT &&
    mcopy -i "$esp" "$tmp/shim" ::/EFI/fedora/shimx64.efi &&
    mcopy -i "$esp" "$tmp/shim" ::/EFI/fedora/grubx64.efi &&
    mcopy -i "$esp" "$tmp/csv" ::/EFI/fedora/BOOTX64.CSV &&
    mcopy -i "$esp" "$tmp/shim" ::/EFI/BOOT/BOOTX64.EFI
  rm -rf "$tmp"
}

# Produce the raw image to write in RAW_IMAGE (decompressing file/URL images).
prepare_image() {
  if [ "$SOURCE_KIND" = osmet ] && [ -n "$OSMET_IMAGE" ]; then
    RAW_IMAGE=$OSMET_IMAGE
    return
  fi
  make_temp RAW_IMAGE /tmp/coreos-installer-raw.XXXXXX
  if [ "$SOURCE_KIND" = osmet ]; then
    build_metal_image "$RAW_IMAGE" || fail_write 'building the image from osmet data' 'mkfs or sgdisk failed'
    return
  fi
  case "$(head -c 6 "$SOURCE_IMAGE" | od -An -tx1 | tr -d ' \n')" in
    fd377a585a00) xz -dc "$SOURCE_IMAGE" >"$RAW_IMAGE" || fail_write 'decoding and writing image' 'xz decompression failed' ;;
    1f8b*) gzip -dc "$SOURCE_IMAGE" >"$RAW_IMAGE" || fail_write 'decoding and writing image' 'gzip decompression failed' ;;
    28b52ffd*) zstd -qdc "$SOURCE_IMAGE" >"$RAW_IMAGE" || fail_write 'decoding and writing image' 'zstd decompression failed' ;;
    *) cp "$SOURCE_IMAGE" "$RAW_IMAGE" ;;
  esac
  [ "$(stat -c %s "$RAW_IMAGE")" -ge "$MIB" ] || fail_write 'decoding first MiB of image' 'failed to fill whole buffer'
}

# Copy RAW_IMAGE to DEST: zero the first MiB, write the rest with progress,
# verify the signature, then write the first MiB (so a partial write never boots).
write_image() {
  local size chunk=$((8 * MIB)) offset done_bytes size_text
  size=$(stat -c %s "$RAW_IMAGE")
  [ "$size" -le "$DEST_BYTES" ] || fail_write 'writing image' "image ($size bytes) is larger than $DEST ($DEST_BYTES bytes)"
  check_saved_offsets "$size"
  dd if=/dev/zero of="$DEST" bs=$MIB count=1 conv=notrunc,fsync status=none || fail_write 'clearing first MiB of disk' 'write failed'
  size_text=$(format_bytes "$size")
  offset=$MIB
  while [ "$offset" -lt "$size" ]; do
    dd if="$RAW_IMAGE" of="$DEST" bs=$MIB skip=$((offset / MIB)) seek=$((offset / MIB)) count=$((chunk / MIB)) \
      conv=notrunc status=none || fail_write 'decoding and writing image' "write to $DEST failed"
    offset=$((offset + chunk))
    done_bytes=$((offset < size ? offset : size))
    printf 'Read disk %s/%s (%d%%)\n' "$(format_bytes "$done_bytes")" "$size_text" $((100 * done_bytes / size)) >&2
    if [ "$INJECTED_FAILURE" = 1 ] && [ $((2 * done_bytes)) -ge "$size" ]; then
      injected_failure fail_write
    fi
  done
  verify_signature "$size"
  dd if="$RAW_IMAGE" of="$DEST" bs=$MIB count=1 conv=notrunc,fsync status=none || fail_write 'writing first MiB of disk' 'write failed'
  sync
}

# The double's signature rule: a .sig is valid when it reads "sha256:<digest of the image file>"
# (GPG is out of reach here); a missing one was handled by select_source.
verify_signature() {
  [ -n "$SOURCE_SIG" ] || return 0
  local expected
  expected="sha256:$(sha256sum "$SOURCE_IMAGE" | cut -d' ' -f1)"
  [ "$(tr -d '\n' <"$SOURCE_SIG")" = "$expected" ] ||
    fail_write 'verifying signature' "bad signature (the test double expects the .sig to contain $expected)"
}

# Existing partitions matching --save-partlabel/--save-partindex: "start size type uuid name" lines.
collect_saved_partitions() {
  SAVED=()
  [ ${#SAVE_PARTLABELS[@]} -gt 0 ] || [ ${#SAVE_PARTINDEXES[@]} -gt 0 ] || return 0
  local json line number name glob range start end keep
  json=$(sfdisk --json "$DEST" 2>/dev/null) || return 0
  [ "$(jq -r '.partitiontable.label' <<<"$json")" = dos ] && die "saving partitions from $DEST" 'saving partitions from an MBR disk is not yet supported'
  while IFS=$'\t' read -r number line name; do
    keep=0
    for glob in "${SAVE_PARTLABELS[@]}"; do
      # shellcheck disable=SC2053 # the glob is a pattern on purpose
      [[ $name == $glob ]] && keep=1
    done
    for range in "${SAVE_PARTINDEXES[@]}"; do
      start=${range%%-*} end=${range#*-}
      [[ $range == *-* ]] || end=$start
      [ "$number" -ge "${start:-1}" ] && [ "$number" -le "${end:-999999}" ] && keep=1
    done
    [ "$keep" = 1 ] && SAVED+=("$line $name")
  done < <(jq -r '.partitiontable.partitions[] | [(.node | capture("(?<n>[0-9]+)$").n), "\(.start) \(.size) \(.type) \(.uuid)", (.name // "")] | @tsv' <<<"$json")
}

check_saved_offsets() {
  local entry start
  for entry in "${SAVED[@]}"; do
    read -r start _ <<<"$entry"
    [ $((start * SECTOR_SIZE)) -ge "$1" ] || fail_write 'writing image' "saved partition \"${entry#* * * * }\" at offset $((start * SECTOR_SIZE)) overlaps the image ($1 bytes)"
  done
}

# Put saved partitions back after the image's own (renumbered from 5, as upstream may renumber).
restore_saved_partitions() {
  [ ${#SAVED[@]} -gt 0 ] || return 0
  local entry start size type uuid name number=5
  sgdisk -e "$DEST" >/dev/null 2>&1
  for entry in "${SAVED[@]}"; do
    read -r start size type uuid name <<<"$entry"
    sgdisk -n "$number:$start:$((start + size - 1))" -t "$number:$type" -u "$number:$uuid" -c "$number:$name" "$DEST" >/dev/null 2>&1 ||
      fail_write "restoring saved partition $name"
    number=$((number + 1))
  done
}

# Failure inside write_disk: report, then preserve or reset the partition table.
fail_write() {
  [ -n "${FAILING:-}" ] && exit 1
  FAILING=1
  unmount_boot
  printf '\nError: %s\n\n' "$(format_chain "$@")" >&2
  if [ "$PRESERVE_ON_ERROR" = 1 ]; then
    echo 'Preserving partition table as requested' >&2
  else
    echo 'Resetting partition table' >&2
    sgdisk --zap-all "$DEST" >/dev/null 2>&1
    restore_saved_partitions
    reread_partitions "$DEST"
  fi
  echo 'Error: install failed' >&2
  exit 1
}
