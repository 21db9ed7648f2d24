# shellcheck shell=bash
# Shared helpers of the coreos-installer test double: error reporting in
# coreos-installer's (anyhow's) format, sizes, control file, call log.

# Where tests drop the control file and read the call log (inside the host root).
DOUBLE_RUN_DIR=${COREOS_INSTALLER_DOUBLE_DIR:-/run/coreos-installer-double}
# Where --offline looks for osmet files, as the real tool does.
OSMET_DIR=/run/coreos-installer/osmet

# Print anyhow's "Error: msg\n\nCaused by:\n    ..." for a context chain (outermost first).
format_chain() {
  local msg=$1
  shift
  printf '%s' "$msg"
  if [ $# -eq 1 ]; then
    printf '\n\nCaused by:\n    %s' "$1"
  elif [ $# -gt 1 ]; then
    printf '\n\nCaused by:\n'
    local i=0 cause
    for cause in "$@"; do
      printf '    %d: %s' "$i" "$cause"
      i=$((i + 1))
      [ "$i" -lt $# ] && printf '\n'
    done
  fi
}

# Fail before anything was written: "Error: <chain>" and exit 1.
die() {
  printf 'Error: %s\n' "$(format_chain "$@")" >&2
  exit 1
}

# A clap usage error: message, usage, exit 2.
usage_error() {
  printf 'error: %s\n\nUsage: coreos-installer install [OPTIONS] [DEST_DEVICE]\n\nFor more information, try '"'"'--help'"'"'.\n' "$1" >&2
  exit 2
}

# Rust's io::Error text for the errno of a failed open/read.
os_error() {
  case "$1" in
    ENOENT) printf 'No such file or directory (os error 2)' ;;
    EEXIST) printf 'File exists (os error 17)' ;;
    EACCES) printf 'Permission denied (os error 13)' ;;
    ENOTDIR) printf 'Not a directory (os error 20)' ;;
    *) printf '%s' "$1" ;;
  esac
}

# byte_unit's binary formatting with one decimal: "1.2 GiB".
format_bytes() {
  awk -v n="$1" 'BEGIN {
    split("B KiB MiB GiB TiB", u, " "); i = 1
    while (n >= 1024 && i < 5) { n /= 1024; i++ }
    printf "%.1f %s", n, u[i]
  }'
}

# Value of KEY in the control file (KEY=VALUE lines), or the default.
control() {
  local key=$1 default=${2:-} line
  if [ -r "$DOUBLE_RUN_DIR/control" ]; then
    while IFS= read -r line; do
      case "$line" in "$key="*) printf '%s' "${line#*=}"; return ;; esac
    done <"$DOUBLE_RUN_DIR/control"
  fi
  printf '%s' "$default"
}

# Every value of a repeatable KEY in the control file, one per line, in order.
control_all() {
  local key=$1 line
  [ -r "$DOUBLE_RUN_DIR/control" ] || return 0
  while IFS= read -r line; do
    case "$line" in "$key="*) printf '%s\n' "${line#*=}" ;; esac
  done <"$DOUBLE_RUN_DIR/control"
}

# Report the injected failure through "$1" (die or fail_write): fail_message
# and its fail_cause chain.
injected_failure() {
  local causes=()
  mapfile -t causes < <(control_all fail_cause)
  "$1" "$(control fail_message 'injected failure (coreos-installer test double)')" "${causes[@]}"
}

# Record this invocation (one shell-quoted argv per line) for tests.
log_call() {
  mkdir -p "$DOUBLE_RUN_DIR" 2>/dev/null || return 0
  { printf '%q ' "$@"; printf '\n'; } >>"$DOUBLE_RUN_DIR/calls" 2>/dev/null || true
}

# Injected failure: "fail_times=N" fails the first N runs; "fail_always=1"
# every run. Prints nothing; returns 0 when this run must fail.
injected_failure_due() {
  [ "$(control fail_always 0)" = 1 ] && return 0
  local times count
  times=$(control fail_times 0)
  [ "$times" -gt 0 ] 2>/dev/null || return 1
  count=$(cat "$DOUBLE_RUN_DIR/failures" 2>/dev/null || echo 0)
  [ "$count" -ge "$times" ] && return 1
  echo $((count + 1)) >"$DOUBLE_RUN_DIR/failures"
  return 0
}

# Temporary files and directories of this run, removed on exit (never a mount point).
TEMP_PATHS=()
# make_temp VAR [mktemp options]: create a temp path, store it in VAR, remember it.
make_temp() {
  local __var=$1 __path
  shift
  __path=$(mktemp "$@") || return 1
  TEMP_PATHS+=("$__path")
  printf -v "$__var" '%s' "$__path"
}
remove_temps() {
  [ ${#TEMP_PATHS[@]} -gt 0 ] && rm -rf --one-file-system "${TEMP_PATHS[@]}"
  return 0
}

# Partition device node N of a disk: /dev/loop0p1, /dev/sda1, /dev/nvme0n1p1.
part_dev() {
  case "$1" in
    *[0-9]) printf '%sp%s' "$1" "$2" ;;
    *) printf '%s%s' "$1" "$2" ;;
  esac
}

# Re-read the partition table the way this kernel allows (no BLKRRPART
# support for GPT here): partx, then create any device node udev would have.
# partx -d/-a gives the partitions new minor numbers (block extended devices
# are numbered as they come), so a node left from before (a reinstall: the
# confinement made nodes for the partitions that existed) is replaced when its
# numbers are not the partition's any more: it would name another device.
reread_partitions() {
  local disk=$1 name sysdir part devno
  partx -d "$disk" >/dev/null 2>&1
  partx -a "$disk" >/dev/null 2>&1
  name=$(basename "$(readlink -f "$disk")")
  for sysdir in /sys/class/block/"$name"/"$name"*; do
    [ -r "$sysdir/dev" ] || continue
    part=/dev/$(basename "$sysdir")
    devno=$(cat "$sysdir/dev")
    if [ -b "$part" ] && [ "$(stat -c '%Hr:%Lr' "$part")" != "$devno" ]; then rm -f "$part"; fi
    [ -b "$part" ] || mknod -m 0600 "$part" b "${devno%%:*}" "${devno##*:}"
  done
}
