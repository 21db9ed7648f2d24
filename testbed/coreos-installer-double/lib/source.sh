# shellcheck shell=bash
# Input checks and image source selection of `coreos-installer install`
# (install.rs steps 2-4): Ignition source, partition filters, destination,
# image location and signature.

# Open the Ignition config (file or URL) and check it is one JSON value.
# Sets IGNITION_SRC to a readable file, or '' without Ignition.
open_ignition() {
  IGNITION_SRC=''
  if [ -n "$IGNITION_FILE" ]; then
    [ -e "$IGNITION_FILE" ] || die "opening source Ignition config $IGNITION_FILE" "$(os_error ENOENT)"
    [ -r "$IGNITION_FILE" ] || die "opening source Ignition config $IGNITION_FILE" "$(os_error EACCES)"
    IGNITION_SRC=$IGNITION_FILE
  elif [ -n "$IGNITION_URL" ]; then
    local scheme err
    scheme=$(printf '%s' "${IGNITION_URL%%:*}" | tr '[:upper:]' '[:lower:]')
    if [ "$scheme" = http ]; then
      [ -n "$IGNITION_HASH" ] || [ "$INSECURE_IGNITION" = 1 ] ||
        die 'refusing to fetch Ignition config over HTTP without --ignition-hash or --insecure-ignition'
    elif [ "$scheme" != https ]; then
      die "unknown protocol for URL '$IGNITION_URL'"
    fi
    make_temp IGNITION_SRC /tmp/coreos-installer-ignition.XXXXXX
    err=$(curl -fsS --retry "$(retries_for_curl)" -o "$IGNITION_SRC" "$IGNITION_URL" 2>&1) ||
      die "downloading source Ignition config $IGNITION_URL" "${err#curl: }"
  else
    return 0
  fi
  local count
  if ! count=$(jq -s length <"$IGNITION_SRC" 2>"$RUN_TMP/jq.err"); then
    die 'parsing specified Ignition config' "$(sed 's/^jq: error (at <stdin>:[0-9]*): //' "$RUN_TMP/jq.err")"
  fi
  [ "$count" = 1 ] || die 'parsing specified Ignition config' \
    "$([ "$count" = 0 ] && echo 'EOF while parsing a value at line 1 column 0' || echo 'trailing characters')"
}

retries_for_curl() { [ "$FETCH_RETRIES" = infinite ] && echo 1000 || echo "$FETCH_RETRIES"; }

# Validate --save-partlabel/--save-partindex (upstream parse_partition_filters messages).
parse_partition_filters() {
  local glob range start end
  for glob in "${SAVE_PARTLABELS[@]}"; do
    [[ $glob == *'***'* ]] && die "couldn't parse label glob '$glob'" 'wildcards are either regular `*` or recursive `**`'
  done
  for range in "${SAVE_PARTINDEXES[@]}"; do
    case "$range" in
      *-*-*) die "couldn't parse partition index range '$range'" ;;
      *-*) start=${range%%-*} end=${range#*-} ;;
      *) start=$range end=$range ;;
    esac
    for value in "$start" "$end"; do
      [ -z "$value" ] && continue
      [[ $value =~ ^\+?[0-9]+$ ]] && [ "${#value}" -le 10 ] || die "couldn't parse partition index '$value'"
      [ $((10#${value#+})) -ne 0 ] || die 'partition index cannot be zero'
    done
    [ -z "$start" ] && [ -z "$end" ] && die "both ends of partition index range '$range' cannot be open"
    if [ -n "$start" ] && [ -n "$end" ] && [ $((10#${start#+})) -gt $((10#${end#+})) ]; then
      die "start of partition index range '$range' cannot be greater than end"
    fi
  done
}

# The destination must exist and be a block device (checked while reading its sector size).
check_destination() {
  [ -e "$DEST" ] || die "getting sector size of $DEST" "opening \"$DEST\"" "$(os_error ENOENT)"
  [ -b "$DEST" ] || die "getting sector size of $DEST" "\"$DEST\" is not a block device"
  SECTOR_SIZE=$(blockdev --getss "$DEST")
  DEST_BYTES=$(blockdev --getsize64 "$DEST")
}

# Find an osmet file for the architecture and sector size (the double's text format, see the entry script).
find_osmet() {
  local file
  [ -d "$OSMET_DIR" ] || return 1
  for file in "$OSMET_DIR"/*; do
    [ -f "$file" ] || continue
    [ "$(head -n1 "$file")" = coreos-installer-double-osmet ] || die "reading osmet file $file" 'invalid osmet file magic'
    if [ "$(sed -n 's/^architecture=//p' "$file")" = "$ARCHITECTURE" ] &&
      [ "$(sed -n 's/^sector-size=//p' "$file")" = "$SECTOR_SIZE" ]; then
      OSMET_DESCRIPTION=$(sed -n 's/^description=//p' "$file")
      osmet_image "$file"
      return 0
    fi
  done
  return 1
}

# The optional image= line names the raw metal image this osmet file stands for (what
# upstream reconstructs from osmet data and the live root): an absolute path to a readable
# regular file. Without it, the double builds its small synthetic image (lib/image.sh).
osmet_image() {
  OSMET_IMAGE=$(sed -n 's/^image=//p' "$1")
  [ -n "$OSMET_IMAGE" ] || return 0
  [[ $OSMET_IMAGE == /* ]] || die "reading osmet file $1" "image=$OSMET_IMAGE is not an absolute path"
  [ -f "$OSMET_IMAGE" ] && [ -r "$OSMET_IMAGE" ] || die "reading osmet file $1" "image $OSMET_IMAGE" "$(os_error ENOENT)"
}

http_reason() {
  case "$1" in
    404) echo '404 Not Found' ;; 403) echo '403 Forbidden' ;; 401) echo '401 Unauthorized' ;;
    500) echo '500 Internal Server Error' ;; 503) echo '503 Service Unavailable' ;; *) echo "$1" ;;
  esac
}

# Choose and announce the image source (stderr), fetch it, check the signature rule.
# Sets SOURCE_KIND (osmet|file), SOURCE_IMAGE, SOURCE_SIG.
select_source() {
  SOURCE_KIND=file SOURCE_IMAGE='' SOURCE_SIG='' OSMET_IMAGE=''
  local require_sig=1 err status
  if [ -n "$IMAGE_FILE" ]; then
    printf 'Copying image from %s\nReading signature from %s.sig\n' "$IMAGE_FILE" "$IMAGE_FILE" >&2
    [ -r "$IMAGE_FILE" ] || die 'opening source image file' "$(os_error ENOENT)"
    SOURCE_IMAGE=$IMAGE_FILE
    if [ -r "$IMAGE_FILE.sig" ]; then SOURCE_SIG=$IMAGE_FILE.sig; else echo "Couldn't read signature file: $(os_error ENOENT)" >&2; fi
  elif [ -n "$IMAGE_URL" ]; then
    printf 'Downloading image from %s\nDownloading signature from %s.sig\n' "$IMAGE_URL" "$IMAGE_URL" >&2
    make_temp SOURCE_SIG /tmp/coreos-installer-sig.XXXXXX
    if ! err=$(curl -fsS -o "$SOURCE_SIG" "$IMAGE_URL.sig" 2>&1); then
      echo "Failed to fetch signature: ${err#curl: }" >&2
      rm -f "$SOURCE_SIG"
      SOURCE_SIG=''
    fi
    make_temp SOURCE_IMAGE /tmp/coreos-installer-image.XXXXXX
    status=$(curl -sS --retry "$(retries_for_curl)" -o "$SOURCE_IMAGE" -w '%{http_code}' "$IMAGE_URL" 2>"$RUN_TMP/curl.err") ||
      die 'fetching image URL' "$(sed 's/^curl: //' "$RUN_TMP/curl.err")"
    [ "$status" = 200 ] || die "image fetch failed: $(http_reason "$status")"
  elif [ "$OFFLINE" = 1 ] || { [ -z "$STREAM" ] && find_osmet; }; then
    find_osmet || die 'cannot perform offline install; metadata missing'
    echo "Installing $OSMET_DESCRIPTION $ARCHITECTURE ($SECTOR_SIZE-byte sectors)" >&2
    SOURCE_KIND=osmet require_sig=0
  else
    echo "Downloading Fedora CoreOS ${STREAM:-stable} $ARCHITECTURE metal image (raw.xz) and signature" >&2
    die 'fetching stream metadata' 'the coreos-installer test double cannot download CoreOS streams; use --image-url, --image-file or --offline'
  fi
  if [ "$require_sig" = 1 ] && [ -z "$SOURCE_SIG" ]; then
    [ "$INSECURE" = 1 ] || die '--insecure not specified and signature not found'
    echo 'Signature not found; skipping verification as requested' >&2
  fi
}

# Refuse a destination with mounted, swapped or held partitions.
ensure_exclusive_access() {
  local name part busy=() mp holder
  name=$(basename "$(readlink -f "$DEST")")
  for part in /sys/class/block/"$name" /sys/class/block/"$name"/"$name"*; do
    [ -e "$part" ] || continue
    local dev=/dev/$(basename "$part")
    while read -r src mp _; do
      [ "$src" = "$dev" ] && busy+=("    $dev mounted on $mp")
    done </proc/self/mounts
    grep -q "^$dev " /proc/swaps 2>/dev/null && busy+=("    $dev is swap device")
    for holder in "$part"/holders/*; do [ -e "$holder" ] && busy+=("    $dev in use by $(basename "$holder")"); done
  done
  [ ${#busy[@]} -eq 0 ] && return 0
  echo "Partitions in use on $DEST:" >&2
  printf '%s\n' "${busy[@]}" >&2
  die "checking for exclusive access to $DEST" 'found busy partitions'
}
