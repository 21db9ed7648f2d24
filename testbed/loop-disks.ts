/**
 * Sparse image files attached as loop devices: the test node's disks.
 *
 * `truncate -s <N>G` makes the image (no space is used until written) and
 * `losetup -f --show` attaches it to a free loop device, which the kernel
 * allocates atomically. This kernel has no partition-table support: after
 * partitioning run `partx -a /dev/loopN`: `losetup -P` and BLKRRPART create
 * no loopNpM nodes without CONFIG_EFI_PARTITION, and a reread removes partx's.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner } from '../common/exec/runner.js';

/** One attached test disk. */
export interface LoopDisk {
  /** Device path, e.g. /dev/loop3. */
  device: string;
  /** Kernel name, e.g. loop3. */
  name: string;
  /** Backing sparse file. */
  image: string;
  /** Size in GiB. */
  sizeGiB: number;
}

/**
 * Create `disk<i>.img` of `sizeGiB` GiB in `dir` and attach it.
 * Retries a few times when another process takes the free device first.
 * @throws Error with the losetup message when no loop device can be attached.
 */
export async function attachLoopDisk(runner: Runner, dir: string, index: number, sizeGiB: number): Promise<LoopDisk> {
  if (!Number.isInteger(sizeGiB) || sizeGiB < 1 || sizeGiB > 1024) {
    throw new Error(`Invalid test disk size ${sizeGiB} GiB: use a whole number from 1 to 1024`);
  }
  const image = join(dir, `disk${index}.img`);
  await runner.run(['truncate', '-s', `${sizeGiB}G`, image]);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const { stdout } = await runner.run(['losetup', '--find', '--show', image]);
      const device = stdout.trim();
      if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup printed "${device}" instead of a loop device`);
      // A fresh image has no partitions: drop any the kernel kept from a previous user of this device.
      if (partitionsOf(basename(device)).length > 0) await runner.run(['partx', '-d', device], { okExitCodes: [0, 1] });
      return { device, name: basename(device), image, sizeGiB };
    } catch (error) {
      lastError = error;
      await sleep(200 * (attempt + 1));
    }
  }
  rmSync(image, { force: true });
  throw new Error(`Cannot attach ${image} to a loop device (is the loop module loaded and are devices left?)`, {
    cause: lastError,
  });
}

/**
 * Detach a test disk: flush it and its partitions, drop the partitions
 * (`partx -d`), detach the loop device (only if it is still backed by our
 * image) and delete the image. Idempotent.
 *
 * The flush matters: a partition's page cache outlives `partx -d` and
 * `losetup -d`, and dirty pages left there were written into the NEXT image
 * attached to the same loop device (seen as a stray GPT + ext4 on a fresh disk).
 */
export async function detachLoopDisk(runner: Runner, disk: LoopDisk): Promise<void> {
  if (await isBackedBy(runner, disk)) {
    for (const device of [...partitionsOf(disk.name).map((p) => `/dev/${p}`), disk.device]) {
      await runner.run(['blockdev', '--flushbufs', device], { okExitCodes: [0, 1] });
    }
    await runner.run(['partx', '-d', disk.device], { okExitCodes: [0, 1] });
    await runner.run(['losetup', '--detach', disk.device]);
    if (await isBackedBy(runner, disk))
      throw new Error(`${disk.device} is still attached to ${disk.image} after losetup --detach`);
  }
  rmSync(disk.image, { force: true });
}

/** True while `disk.device` is attached to `disk.image`. */
async function isBackedBy(runner: Runner, disk: LoopDisk): Promise<boolean> {
  const { stdout } = await runner.run(['losetup', '--list', '--noheadings', '--output', 'BACK-FILE', disk.device], {
    okExitCodes: [0, 1],
  });
  return stdout.trim().replace(/ \(deleted\)$/, '') === disk.image;
}

/** Kernel partitions of a disk (e.g. loop3p1), from sysfs. */
export function partitionsOf(name: string): string[] {
  try {
    return readdirSync(`/sys/class/block/${name}`).filter(
      (entry) => entry.startsWith(`${name}p`) && existsSync(`/sys/class/block/${name}/${entry}/partition`),
    );
  } catch {
    return [];
  }
}
