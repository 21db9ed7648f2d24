/**
 * The CoreOS-like image's filesystems mounted on the host, as a sysroot:
 * `root` at `<dir>` and `boot` at `<dir>/boot`, so host ostree can change it
 * with `--sysroot=<dir>` as it would on the machine. The image is attached to
 * a loop device (`losetup --find --show`) and its partitions added with
 * `partx -a` (this kernel scans no partition table itself, see
 * testbed/loop-disks.ts); everything is flushed and detached afterwards.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';

/** Partition numbers of the image (testbed/vm/disk-layout.ts: EFI-SYSTEM, boot, root). */
const BOOT_PARTITION = 2;
const ROOT_PARTITION = 3;

/**
 * Runs `fn` with the image's root mounted at `dir` and its boot filesystem at `dir/boot`.
 * @throws Error when the image cannot be attached or mounted (after undoing what was done).
 */
export async function withMountedSysroot<T>(
  runner: Runner,
  image: string,
  dir: string,
  fn: (sysroot: string) => Promise<T>,
): Promise<T> {
  const { stdout } = await runner.run(['losetup', '--find', '--show', image]);
  const device = stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup printed "${device}" instead of a loop device`);
  const partition = (n: number): string => `${device}p${n}`;
  const mounted: string[] = [];
  try {
    await runner.run(['partx', '-a', device]);
    mkdirSync(dir, { recursive: true });
    await runner.run(['mount', '-t', 'ext4', partition(ROOT_PARTITION), dir]);
    mounted.unshift(dir);
    await runner.run(['mount', '-t', 'ext4', partition(BOOT_PARTITION), join(dir, 'boot')]);
    mounted.unshift(join(dir, 'boot'));
    return await fn(dir);
  } finally {
    for (const mountpoint of mounted) await runner.run(['umount', mountpoint]);
    // a partition's dirty page cache outlives partx -d and would land in the next image on this device
    for (const dev of [partition(BOOT_PARTITION), partition(ROOT_PARTITION), device])
      await runner.run(['blockdev', '--flushbufs', dev], { okExitCodes: [0, 1] });
    await runner.run(['partx', '-d', device], { okExitCodes: [0, 1] });
    await runner.run(['losetup', '--detach', device]);
  }
}
