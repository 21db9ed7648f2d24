# shellcheck shell=bash
# Post-processing on the installed boot filesystem (install.rs write_disk
# after the image): mount the filesystem labelled "boot", then Ignition,
# platform, console, first-boot args, kernel arguments, GRUB console and
# network keyfiles. Runs inside the private mount namespace the entry script
# created, so the mount is invisible to the rest of the system.

BOOT_MNT=''

postprocess_needed() {
  [ -n "$IGNITION_SRC" ] || [ "$HAVE_FIRSTBOOT" = 1 ] || [ ${#APPEND_KARGS[@]} -gt 0 ] || [ ${#DELETE_KARGS[@]} -gt 0 ] ||
    [ "$HAVE_PLATFORM" = 1 ] || [ ${#CONSOLES[@]} -gt 0 ] || [ "$COPY_NETWORK" = 1 ]
}

# Mount the partition whose FILESYSTEM label is "boot" (blkid: there is no udev here).
mount_boot() {
  local name part dev matches=() fstype
  name=$(basename "$(readlink -f "$DEST")")
  for part in /sys/class/block/"$name"/"$name"*; do
    [ -e "$part" ] || continue
    dev=/dev/$(basename "$part")
    [ "$(blkid -p -o value -s LABEL "$dev" 2>/dev/null)" = boot ] && matches+=("$dev")
  done
  compgen -G "/sys/class/block/$name/$name*" >/dev/null || fail_write "couldn't find any partitions on $DEST"
  [ ${#matches[@]} -eq 0 ] && fail_write "couldn't find boot device for $DEST"
  [ ${#matches[@]} -gt 1 ] && fail_write "found multiple devices on $DEST with label \"boot\""
  fstype=$(blkid -p -o value -s TYPE "${matches[0]}" 2>/dev/null)
  [ -n "$fstype" ] || fail_write "couldn't get filesystem type of boot device for $DEST"
  BOOT_MNT=$(mktemp -d /tmp/coreos-installer-XXXXXX)
  mount -t "$fstype" "${matches[0]}" "$BOOT_MNT" 2>"$RUN_TMP/mount.err" ||
    fail_write "mounting device ${matches[0]} on $BOOT_MNT" "$(cat "$RUN_TMP/mount.err")"
}

# Unmount explicitly (a mount left to namespace teardown is released asynchronously,
# and the disk would look busy to whoever uses it next). Upstream prints "umounting X: err".
unmount_boot() {
  [ -n "$BOOT_MNT" ] || return 0
  local attempt
  for attempt in 1 2 3 4 5; do
    if umount "$BOOT_MNT" 2>/dev/null; then
      rmdir "$BOOT_MNT"
      BOOT_MNT=''
      return 0
    fi
    sleep 0.2
  done
  echo "umounting ${BOOT_MNT}: $(umount "$BOOT_MNT" 2>&1)" >&2
  BOOT_MNT=''
}

# Copy the Ignition config: <boot>/ignition (0700 when created), config.ign 0600, create_new.
write_ignition() {
  echo 'Writing Ignition config' >&2
  if [ -n "$IGNITION_HASH" ]; then
    local kind=${IGNITION_HASH%%-*} want=${IGNITION_HASH#*-} got
    got=$("${kind}sum" <"$IGNITION_SRC" | cut -d' ' -f1)
    [ "$got" = "${want,,}" ] || fail_write 'writing Ignition configuration' 'failed to validate Ignition configuration digest' \
      "hash mismatch, computed '$got' but expected '${want,,}'"
  fi
  local dir=$BOOT_MNT/ignition dest=$BOOT_MNT/ignition/config.ign
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" || fail_write 'writing Ignition configuration' "creating Ignition config directory $dir"
    chmod 0700 "$dir"
  fi
  # noclobber opens with O_EXCL: Rust's create_new.
  if ! (set -C; umask 077; : >"$dest") 2>/dev/null; then
    fail_write 'writing Ignition configuration' "opening destination Ignition config $dest" \
      "$([ -e "$dest" ] && os_error EEXIST || os_error EACCES)"
  fi
  chmod 0600 "$dest"
  cat "$IGNITION_SRC" >"$dest" || fail_write 'writing Ignition configuration' 'writing Ignition config'
}

# Apply coreos-installer's naive kargs edit to an options string: delete " arg ", append, replace K=OLD=NEW.
kargs_edit() {
  local options=" $1 " karg
  for karg in "${EDIT_DELETE[@]}"; do karg=$(trim "$karg"); options=${options//" $karg "/ }; done
  for karg in "${EDIT_APPEND[@]}"; do options+="$(trim "$karg") "; done
  for karg in "${EDIT_REPLACE[@]}"; do
    [[ $karg =~ ^([^=]+)=([^=]+)=([^=]+)$ ]] || return 1
    options=${options//" ${BASH_REMATCH[1]}=${BASH_REMATCH[2]} "/" ${BASH_REMATCH[1]}=${BASH_REMATCH[3]} "}
  done
  trim "$options"
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# Rewrite the options line of the last (sorted) BLS entry with kargs_edit; $1 = error context.
# Sets OPTIONS_CHANGED=1 when the line changed.
edit_bls_options() {
  local context=$1 entry line out='' found=0 new
  entry=$(find "$BOOT_MNT/loader/entries" -maxdepth 1 -name '*.conf' 2>/dev/null | LC_ALL=C sort | tail -n1)
  [ -n "$entry" ] || fail_write "$context" "Found no BLS entries in $BOOT_MNT/loader/entries"
  OPTIONS_CHANGED=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line == 'options '* ]]; then
      [ "$found" = 1 ] && fail_write "$context" "visiting $entry" "Multiple 'options' lines found"
      found=1
      new=$(kargs_edit "$(trim "${line#options }")") || fail_write "$context" "visiting $entry" 'Wrong input, format should be: KEY=OLD=NEW'
      [ "options $new" != "$line" ] && OPTIONS_CHANGED=1
      out+="options $new"$'\n'
    else
      out+="${line%"${line##*[![:space:]]}"}"$'\n'
    fi
  done <"$entry"
  [ "$found" = 1 ] || fail_write "$context" "visiting $entry" "Couldn't locate 'options' line"
  printf '%s' "$out" >"$entry"
}

platform_kargs() { jq -r --arg p "$1" '.[$p].kernel_arguments // [] | .[]' "$BOOT_MNT/coreos/platforms.json" 2>/dev/null; }
platform_grub() { jq -r --arg p "$1" '.[$p].grub_commands // [] | .[]' "$BOOT_MNT/coreos/platforms.json" 2>/dev/null; }

configure_kernel_arguments() {
  local -a metal
  mapfile -t metal < <(platform_kargs metal)
  if [ "$HAVE_PLATFORM" = 1 ] && [ "$PLATFORM" != metal ]; then
    echo "Setting platform to $PLATFORM" >&2
    EDIT_DELETE=() EDIT_APPEND=() EDIT_REPLACE=("ignition.platform.id=metal=$PLATFORM")
    edit_bls_options 'configuring kernel arguments'
    [ "$OPTIONS_CHANGED" = 1 ] || fail_write 'configuring kernel arguments' 'configuring platform' "couldn't locate platform ID"
    if [ ${#CONSOLES[@]} -eq 0 ]; then
      mapfile -t EDIT_APPEND < <(platform_kargs "$PLATFORM")
      EDIT_DELETE=("${metal[@]}") EDIT_REPLACE=()
      [ ${#EDIT_APPEND[@]} -gt 0 ] || [ ${#EDIT_DELETE[@]} -gt 0 ] && edit_bls_options 'configuring kernel arguments'
    fi
  fi
  if [ ${#CONSOLES[@]} -gt 0 ]; then
    echo 'Configuring console settings' >&2
    EDIT_APPEND=("${CONSOLE_KARGS[@]}") EDIT_DELETE=("${metal[@]}") EDIT_REPLACE=()
    edit_bls_options 'configuring kernel arguments'
  fi
  if [ "$HAVE_FIRSTBOOT" = 1 ]; then
    echo 'Writing first-boot kernel arguments' >&2
    [ -f "$BOOT_MNT/ignition.firstboot" ] || fail_write 'configuring kernel arguments' 'writing firstboot kargs' \
      "opening first-boot file $BOOT_MNT/ignition.firstboot" "$(os_error ENOENT)"
    printf 'set ignition_network_kcmdline="%s"\n' "$FIRSTBOOT_ARGS" >>"$BOOT_MNT/ignition.firstboot"
  fi
  if [ ${#APPEND_KARGS[@]} -gt 0 ] || [ ${#DELETE_KARGS[@]} -gt 0 ]; then
    echo 'Modifying kernel arguments' >&2
    EDIT_APPEND=("${APPEND_KARGS[@]}") EDIT_DELETE=("${DELETE_KARGS[@]}") EDIT_REPLACE=()
    edit_bls_options 'configuring kernel arguments'
  fi
}

configure_grub() {
  local -a commands=() terminals=()
  local console karg
  if [ ${#CONSOLES[@]} -gt 0 ]; then
    for karg in "${CONSOLE_KARGS[@]}"; do
      console=${karg#console=}
      if [[ $console =~ ^(ttyS|ttyAMA)([0-9]+),([0-9]+)([noe])([5-8])$ ]]; then
        local parity=no
        [ "${BASH_REMATCH[4]}" = o ] && parity=odd
        [ "${BASH_REMATCH[4]}" = e ] && parity=even
        commands+=("serial --unit=${BASH_REMATCH[2]} --speed=${BASH_REMATCH[3]} --word=${BASH_REMATCH[5]} --parity=$parity")
        terminals+=(serial)
      else
        terminals+=(console)
      fi
    done
    mapfile -t terminals < <(printf '%s\n' "${terminals[@]}" | LC_ALL=C sort -u)
    commands+=("terminal_input ${terminals[*]}" "terminal_output ${terminals[*]}")
  elif [ "$HAVE_PLATFORM" = 1 ]; then
    [ "$(platform_grub "$PLATFORM")" = "$(platform_grub metal)" ] && return 0
    mapfile -t commands < <(platform_grub "$PLATFORM")
  else
    return 0
  fi
  local name=grub2/console.cfg
  [ -e "$BOOT_MNT/$name" ] || name=grub2/grub.cfg
  local file=$BOOT_MNT/$name text block
  [ -r "$file" ] || fail_write 'configuring GRUB' "reading $name" "$(os_error ENOENT)"
  block=$(printf '%s\n' "${commands[@]}")
  text=$(awk -v block="$block" '
    /^# CONSOLE-SETTINGS-START$/ { print; if (block != "") print block; skip = 1; found++; next }
    /^# CONSOLE-SETTINGS-END$/ { skip = 0 }
    !skip { print }
    END { if (found == 0) exit 3 }' "$file") || fail_write 'configuring GRUB' "updating $name" 'missing substitution marker in grub.cfg'
  printf '%s\n' "$text" >"$file"
}

copy_network_config() {
  echo "Copying networking configuration from $NETWORK_DIR" >&2
  local dest=$BOOT_MNT/coreos-firstboot-network src
  mkdir -p "$dest" || fail_write "creating destination networking config directory $dest"
  [ -d "$NETWORK_DIR" ] || fail_write "reading directory $NETWORK_DIR" "$(os_error ENOENT)"
  for src in "${NETWORK_DIR%/}"/*; do
    [ -f "$src" ] || continue
    echo "Copying $src to installed system" >&2
    cp "$src" "$dest/" || fail_write 'Copying networking config'
  done
}

postprocess() {
  postprocess_needed || return 0
  mount_boot
  [ -n "$IGNITION_SRC" ] && write_ignition
  configure_kernel_arguments
  configure_grub
  [ "$COPY_NETWORK" = 1 ] && copy_network_config
  sync
  unmount_boot
}
