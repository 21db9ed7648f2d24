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
 * The whole disk of a sysfs device path (the target of `/sys/dev/block/<major:minor>`):
 * the device itself, or for a partition its parent directory. A `block/`
 * component cannot be relied on: NVMe namespaces sit directly below their
 * controller (`.../nvme/nvme0/nvme0n1/nvme0n1p2`), SCSI disks below a `block/`
 * directory (`.../block/sdb/sdb1`).
 */
export function diskOfSysfsPath(path: string, isPartition: boolean): string | null {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return (isPartition ? parts.at(-2) : parts.at(-1)) ?? null;
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
    const link = `${deps.sys ?? '/sys'}/dev/block/${number}`;
    const target = await deps.fs.readlink(link).catch(() => '');
    const disk = diskOfSysfsPath(target, await deps.fs.exists(`${link}/partition`));
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
