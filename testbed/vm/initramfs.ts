/**
 * A tiny initramfs for the test VM, built by hand (no mkinitramfs, nothing
 * changes on the host): busybox-static, the guest kernel's module files and an
 * `/init` that loads them, mounts the host's root (9p, read-only) under a
 * tmpfs overlay, mounts the writable share and switches to the share's
 * `stage2.sh`. Cached by content hash, so it is built once per kernel.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import type { GuestKernel } from './kernel.js';

/** Where busybox-static installs its binary. */
export const BUSYBOX = '/bin/busybox';

/** 9p tags shared with {@link VmOptions} in run.ts. */
export const HOSTROOT_TAG = 'hostroot';
export const SHARE_TAG = 'share';
/** Where the writable share is mounted in the guest. */
export const GUEST_SHARE = '/ica-share';

/** The initramfs's /init (busybox sh). Falls back to a read-only root plus tmpfs mounts if overlay over 9p fails. */
export function initScript(modules: readonly string[]): string {
  const p9 = 'trans=virtio,version=9p2000.L,msize=262144';
  return [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'mkdir -p /proc /sys /dev /lower /rw /newroot',
    'mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev',
    'echo "ica-vm: initramfs"',
    ...modules.map((m) => `insmod /modules/${m} || echo "ica-vm: insmod ${m} failed"`),
    `mount -t 9p -o ${p9},ro ${HOSTROOT_TAG} /lower || { echo "ica-vm: cannot mount the host root"; poweroff -f; }`,
    'mount -t tmpfs -o mode=0755 tmpfs /rw && mkdir -p /rw/upper /rw/work',
    'if ! mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot; then',
    '  echo "ica-vm: overlay failed, read-only root with tmpfs mounts"; mount --move /lower /newroot',
    '  for d in tmp run var/tmp; do mount -t tmpfs tmpfs /newroot/$d; done',
    'fi',
    `mkdir -p /newroot${GUEST_SHARE} 2>/dev/null; mount -t 9p -o ${p9} ${SHARE_TAG} /newroot${GUEST_SHARE} || echo "ica-vm: cannot mount the share"`,
    'umount /proc /sys; umount /dev',
    `exec switch_root /newroot /bin/sh ${GUEST_SHARE}/stage2.sh`,
    '',
  ].join('\n');
}

/** Default cache dir: $ICA_VM_CACHE, else ~/.cache/ironic-coreos-agent/vm. */
export function defaultCacheDir(): string {
  return process.env['ICA_VM_CACHE'] ?? join(homedir(), '.cache', 'ironic-coreos-agent', 'vm');
}

/**
 * Build (or reuse) the initramfs for `kernel`.
 * @returns the path of the uncompressed newc cpio archive
 */
export async function buildInitramfs(
  runner: Runner,
  kernel: GuestKernel,
  cacheDir = defaultCacheDir(),
): Promise<string> {
  const init = initScript(kernel.modules);
  const hash = createHash('sha256').update(init).update(readFileSync(BUSYBOX));
  for (const m of kernel.modules) hash.update(m).update(readFileSync(join(kernel.modulesDir, m)));
  const out = join(cacheDir, `initramfs-${kernel.version}-${hash.digest('hex').slice(0, 16)}.cpio`);
  if (existsSync(out)) return out;
  const stage = `${out}.d-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(stage, 'bin/busybox'));
  chmodSync(join(stage, 'bin/busybox'), 0o755);
  for (const m of kernel.modules) {
    mkdirSync(dirname(join(stage, 'modules', m)), { recursive: true });
    copyFileSync(join(kernel.modulesDir, m), join(stage, 'modules', m));
  }
  writeFileSync(join(stage, 'init'), init, { mode: 0o755 });
  await runner.run([
    'sh',
    '-c',
    `cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 > "$2"`,
    'sh',
    stage,
    `${out}.tmp-${process.pid}`,
  ]);
  renameSync(`${out}.tmp-${process.pid}`, out);
  rmSync(stage, { recursive: true, force: true });
  return out;
}
