/**
 * Disks with a mounted filesystem are never offered for installing or
 * cleaning: on a live ISO booted from a USB stick or a BMC virtual disk, that
 * is the boot media (mounted at /run/media/iso), and wiping it under the
 * running system, or picking it as the root disk, is never what anyone wants.
 */
import type { FsReader } from '../../util/fs-reader.js';
import type { Logger } from '../../logger.js';
import type { BlockDevice } from '../types.js';

/** `major:minor` of every mounted block device, from a mountinfo text (field 3). */
export function mountedDeviceNumbers(mountinfo: string): Set<string> {
  const numbers = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[2];
    if (field !== undefined && /^\d+:\d+$/.test(field) && !field.startsWith('0:')) numbers.add(field);
  }
  return numbers;
}

/**
 * The whole disk a sysfs device path belongs to: `.../block/sdb/sdb1` → `sdb`,
 * `.../block/nvme0n1` → `nvme0n1`.
 */
export function diskOfSysfsPath(path: string): string | null {
  const parts = path.split('/');
  const at = parts.lastIndexOf('block');
  return at >= 0 && parts[at + 1] !== undefined && parts[at + 1] !== '' ? parts[at + 1] ?? null : null;
}

/**
 * Drop disks that are mounted, or one of whose partitions is (found through
 * `/sys/dev/block/<major:minor>`, without opening any device).
 * @returns the kept disks, in order
 */
export async function excludeMountedDisks(disks: readonly BlockDevice[], deps: { fs: FsReader; logger: Logger; sys?: string; mountinfo?: string }): Promise<BlockDevice[]> {
  const mounted = mountedDeviceNumbers(await deps.fs.readFile(deps.mountinfo ?? '/proc/self/mountinfo').catch(() => ''));
  const busy = new Map<string, string>();
  for (const number of mounted) {
    const target = await deps.fs.readlink(`${deps.sys ?? '/sys'}/dev/block/${number}`).catch(() => '');
    const disk = diskOfSysfsPath(target);
    if (disk !== null) busy.set(disk, target.split('/').at(-1) ?? disk);
  }
  if (busy.size === 0) return [...disks];
  return disks.filter((disk) => {
    const name = disk.name.replace(/^\/dev\//, '');
    const mountedAs = busy.get(name);
    if (mountedAs === undefined) return true;
    deps.logger.warn('Leaving out a disk with a mounted filesystem (e.g. the live ISO media)', { disk: disk.name, mounted: `/dev/${mountedAs}` });
    return false;
  });
}
