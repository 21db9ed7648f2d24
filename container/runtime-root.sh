#!/bin/sh
# runtime-root.sh ROOT COMMAND...: the root filesystem of the agent image's
# `FROM scratch` stage (see Dockerfile). Copies each COMMAND (found on PATH),
# /usr/local/bin/node and every shared library they link (ldd) into ROOT, with
# Debian's merged-/usr layout, plus the few data files they read. Nothing else
# of the Debian system comes along: no shell, no package manager, no docs.
#
# It fails when a command is missing, is not an ELF executable (a script would
# need an interpreter the image does not have) or links a library ldd cannot
# find.
set -eu

root=$1
shift

mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/local/bin" \
  "$root/etc" "$root/tmp" "$root/run" "$root/mnt/coreos" \
  "$root/etc/ironic-python-agent" "$root/etc/ironic-python-agent.d"
for dir in bin sbin lib lib64; do ln -sfn "usr/$dir" "$root/$dir"; done
# the agent's collect_system_logs stages its files in os.tmpdir()
chmod 1777 "$root/tmp"

# place FILE: copy FILE's content (symlinks followed) into ROOT under its own
# name, in its directory's canonical path (/lib/x/libc.so.6 -> /usr/lib/x/libc.so.6),
# and the copyright file of the Debian package it comes from (the licences of
# glibc, libstdc++ and the GPL tools travel with their binaries).
place() {
  dir=$(readlink -f "$(dirname "$1")")
  dest="$root$dir/$(basename "$1")"
  [ -e "$dest" ] && return 0
  mkdir -p "$root$dir"
  cp -L --preserve=mode "$1" "$dest"
  pkg=$( (dpkg -S "$1" || dpkg -S "$dir/$(basename "$1")") 2>/dev/null | grep -v '^diversion' | head -n 1 | cut -d: -f1) || pkg=
  if [ -n "$pkg" ] && [ -f "/usr/share/doc/$pkg/copyright" ] && [ ! -e "$root/usr/share/doc/$pkg/copyright" ]; then
    mkdir -p "$root/usr/share/doc/$pkg"
    cp "/usr/share/doc/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"
  fi
}

# with_libs FILE: place FILE and every library the dynamic loader maps for it.
with_libs() {
  case $(head -c 4 "$1" | od -An -c | tr -d ' ') in
    177ELF) ;;
    *) echo "runtime-root.sh: $1 is not an ELF executable" >&2; exit 1 ;;
  esac
  place "$1"
  out=$(ldd "$1")
  if printf '%s\n' "$out" | grep -q 'not found'; then
    printf 'runtime-root.sh: %s links a missing library:\n%s\n' "$1" "$out" >&2
    exit 1
  fi
  for lib in $(printf '%s\n' "$out" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    place "$lib"
  done
}

with_libs /usr/local/bin/node
for command in "$@"; do
  path=$(command -v "$command") || { echo "runtime-root.sh: $command is not installed" >&2; exit 1; }
  with_libs "$path"
done

# mtools converts FAT short names through iconv's CP850 ("Error converting to
# codepage 850" without it): glibc loads the IBM850 module through the gconv
# cache at run time, which ldd cannot see.
gconv=$(dirname "$(ldd "$(command -v mdir)" | awk '$1 == "libc.so.6" { print $3 }')")/gconv
place "$gconv/gconv-modules.cache"
place "$gconv/IBM850.so"

# root's entries, so ps, tar and ls-style tools name uid and gid 0 (glibc's
# built-in files lookup, no nsswitch.conf needed).
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
