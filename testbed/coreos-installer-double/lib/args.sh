# shellcheck shell=bash
# Command-line parsing of `coreos-installer install`, with clap's rules and
# messages: repeatable options, --opt=value, later values override earlier
# ones, conflicts, value parsers, exit 2 on usage errors.

STREAM='' IMAGE_URL='' IMAGE_FILE='' IGNITION_FILE='' IGNITION_URL='' IGNITION_HASH=''
ARCHITECTURE=$(uname -m) PLATFORM='' FIRSTBOOT_ARGS='' NETWORK_DIR=/etc/NetworkManager/system-connections/
STREAM_BASE_URL='' FETCH_RETRIES=0 DEST=''
COPY_NETWORK=0 OFFLINE=0 INSECURE=0 INSECURE_IGNITION=0 PRESERVE_ON_ERROR=0 HAVE_PLATFORM=0 HAVE_FIRSTBOOT=0
CONSOLES=() CONSOLE_KARGS=() APPEND_KARGS=() DELETE_KARGS=() SAVE_PARTLABELS=() SAVE_PARTINDEXES=()
declare -A SEEN=()

# "--long <VALUE>" as clap names an option in messages.
option_display() {
  case "$1" in
    --config-file | --image-file | --ignition-file | --network-dir) printf '%s <path>' "$1" ;;
    --image-url | --ignition-url | --stream-base-url) printf '%s <URL>' "$1" ;;
    --stream | --architecture | --platform) printf '%s <name>' "$1" ;;
    --ignition-hash) printf '%s <digest>' "$1" ;;
    --console) printf '%s <spec>' "$1" ;;
    --firstboot-args) printf '%s <args>' "$1" ;;
    --append-karg | --delete-karg) printf '%s <arg>' "$1" ;;
    --save-partlabel) printf '%s <lx>' "$1" ;;
    --save-partindex) printf '%s <id>' "$1" ;;
    --fetch-retries) printf '%s <N>' "$1" ;;
    *) printf '%s' "$1" ;;
  esac
}

long_name() {
  case "$1" in
    -c) echo --config-file ;; -s) echo --stream ;; -u) echo --image-url ;; -f) echo --image-file ;;
    -i | --ignition) echo --ignition-file ;; -I) echo --ignition-url ;; -a) echo --architecture ;;
    -p) echo --platform ;; -n) echo --copy-network ;; -h) echo --help ;; *) echo "$1" ;;
  esac
}

takes_value() {
  case "$1" in
    --config-file | --stream | --image-url | --image-file | --ignition-file | --ignition-url | --ignition-hash | \
      --architecture | --platform | --console | --firstboot-args | --append-karg | --delete-karg | --network-dir | \
      --save-partlabel | --save-partindex | --stream-base-url | --fetch-retries) return 0 ;;
  esac
  return 1
}

is_flag() {
  case "$1" in --copy-network | --offline | --insecure | --insecure-ignition | --preserve-on-error | --help) return 0 ;; esac
  return 1
}

invalid_value() { usage_error "invalid value '$2' for '$(option_display "$1")': $3"; }

check_url() {
  [[ $2 =~ ^[A-Za-z][A-Za-z0-9+.-]*:[^[:space:]]+$ ]] || invalid_value "$1" "$2" 'relative URL without a base'
}

# Parse a --console spec; sets CONSOLE_KARG (coreos-installer's normalised form).
parse_console() {
  local spec=$1
  case "$spec" in
    console=*) invalid_value --console "$spec" 'spec should not start with "console="' ;;
    /dev/*) invalid_value --console "$spec" 'spec should not start with "/dev/"' ;;
  esac
  if [[ $spec =~ ^(ttyS|ttyAMA)([0-9]+)(,([0-9]+)(([noe])([5-8])?)?)?$ ]]; then
    CONSOLE_KARG="${BASH_REMATCH[1]}${BASH_REMATCH[2]},${BASH_REMATCH[4]:-9600}${BASH_REMATCH[6]:-n}${BASH_REMATCH[7]:-8}"
  elif [[ $spec =~ ^(tty0|hvc0|ttysclp0)$ ]]; then
    CONSOLE_KARG=$spec
  else
    invalid_value --console "$spec" 'invalid or unsupported console argument'
  fi
}

set_option() {
  local name=$1 value=$2 parts
  case "$name" in
    --config-file) CONFIG_FILES+=("$value") ;;
    --stream) STREAM=$value ;;
    --image-url) check_url "$name" "$value"; IMAGE_URL=$value ;;
    --image-file) IMAGE_FILE=$value ;;
    --ignition-file) IGNITION_FILE=$value ;;
    --ignition-url) check_url "$name" "$value"; IGNITION_URL=$value ;;
    --ignition-hash)
      [[ $value =~ ^(sha256-[0-9a-fA-F]{64}|sha512-[0-9a-fA-F]{128})$ ]] ||
        invalid_value "$name" "$value" 'expected sha256-<64 hex digits> or sha512-<128 hex digits>'
      IGNITION_HASH=$value ;;
    --architecture) ARCHITECTURE=$value ;;
    --platform) PLATFORM=$value; HAVE_PLATFORM=1 ;;
    --console) parse_console "$value"; CONSOLES+=("$value"); CONSOLE_KARGS+=("console=$CONSOLE_KARG") ;;
    --firstboot-args) FIRSTBOOT_ARGS=$value; HAVE_FIRSTBOOT=1 ;;
    --append-karg) APPEND_KARGS+=("$value") ;;
    --delete-karg) DELETE_KARGS+=("$value") ;;
    --network-dir) NETWORK_DIR=$value ;;
    --save-partlabel) IFS=, read -r -a parts <<<"$value,"; SAVE_PARTLABELS+=("${parts[@]}") ;;
    --save-partindex) IFS=, read -r -a parts <<<"$value,"; SAVE_PARTINDEXES+=("${parts[@]}") ;;
    --stream-base-url) check_url "$name" "$value"; STREAM_BASE_URL=$value ;;
    --fetch-retries)
      [[ $value =~ ^([0-9]+|infinite)$ ]] || invalid_value "$name" "$value" 'expected a number of retries or "infinite"'
      FETCH_RETRIES=$value ;;
    --copy-network) COPY_NETWORK=1 ;;
    --offline) OFFLINE=1 ;;
    --insecure) INSECURE=1 ;;
    --insecure-ignition) INSECURE_IGNITION=1 ;;
    --preserve-on-error) PRESERVE_ON_ERROR=1 ;;
  esac
}

parse_install_args() {
  CONFIG_FILES=()
  local arg name value inline index=0
  while [ $# -gt 0 ]; do
    arg=$1
    shift
    index=$((index + 1))
    inline=0
    case "$arg" in
      --) for arg in "$@"; do add_positional "$arg"; done; break ;;
      --*=*) name=${arg%%=*} value=${arg#*=} inline=1 ;;
      --*) name=$arg ;;
      -?) name=$arg ;;
      -?*) name=${arg:0:2} value=${arg:2} value=${value#=} inline=1 ;;
      *) add_positional "$arg"; continue ;;
    esac
    name=$(long_name "$name")
    if [ "$name" = --help ]; then install_help; exit 0; fi
    if takes_value "$name"; then
      if [ "$inline" = 0 ]; then
        if [ $# -eq 0 ] || { [[ $1 == -* ]] && [ "$name" != --save-partindex ]; }; then
          usage_error "a value is required for '$(option_display "$name")' but none was supplied"
        fi
        value=$1
        shift
      fi
    elif is_flag "$name"; then
      [ "$inline" = 1 ] && usage_error "unexpected value '$value' for '$name' found; no more were expected"
    else
      usage_error "unexpected argument '$arg' found"
    fi
    [ -n "${SEEN[$name]:-}" ] || SEEN[$name]=$index
    set_option "$name" "${value:-}"
  done
  check_conflicts
  if [ -z "$DEST" ] && [ ${#CONFIG_FILES[@]} -eq 0 ]; then
    usage_error $'the following required arguments were not provided:\n  <DEST_DEVICE>'
  fi
}

add_positional() {
  [ -n "$DEST" ] && usage_error "unexpected argument '$1' found"
  DEST=$1
}

check_conflicts() {
  local pair a b
  for pair in '--stream --image-url' '--stream --image-file' '--image-url --image-file' '--ignition-file --ignition-url'; do
    read -r a b <<<"$pair"
    [ -n "${SEEN[$a]:-}" ] && [ -n "${SEEN[$b]:-}" ] || continue
    if [ "${SEEN[$a]}" -gt "${SEEN[$b]}" ]; then local t=$a; a=$b; b=$t; fi
    usage_error "the argument '$(option_display "$b")' cannot be used with '$(option_display "$a")'"
  done
}

install_help() {
  cat <<'EOF'
Install Fedora CoreOS or RHEL CoreOS (test double: see testbed/coreos-installer-double)

Usage: coreos-installer install [OPTIONS] [DEST_DEVICE]

Arguments:
  [DEST_DEVICE]  Destination device

Options:
  -c, --config-file <path>      YAML config file with install options (not supported by the double)
  -s, --stream <name>           Fedora CoreOS stream
  -u, --image-url <URL>         Manually specify the image URL
  -f, --image-file <path>       Manually specify a local image file
  -i, --ignition-file <path>    Embed an Ignition config from a file
  -I, --ignition-url <URL>      Embed an Ignition config from a URL
      --ignition-hash <digest>  Digest (type-value) of the Ignition config
  -a, --architecture <name>     Target CPU architecture [default: x86_64]
  -p, --platform <name>         Override the Ignition platform ID
      --console <spec>          Kernel and bootloader console
      --append-karg <arg>       Append default kernel arg
      --delete-karg <arg>       Delete default kernel arg
  -n, --copy-network            Copy network config from install environment
      --network-dir <path>      Override NetworkManager keyfile dir for -n
      --save-partlabel <lx>     Save partitions with this label glob
      --save-partindex <id>     Save partitions with this number or range
  -h, --help                    Print help

Advanced Options:
      --offline                 Force offline installation
      --insecure                Allow unsigned image
      --insecure-ignition       Allow Ignition URL without HTTPS or hash
      --stream-base-url <URL>   Base URL for CoreOS stream metadata
      --preserve-on-error       Don't clear partition table on error
      --fetch-retries <N>       Fetch retries, or "infinite"
EOF
}
