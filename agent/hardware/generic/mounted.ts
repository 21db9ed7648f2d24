/**
 * Which disks have a mounted filesystem. Such disks are never offered for
 * installing or cleaning: on a live ISO booted from a USB stick or a BMC
 * virtual disk, that is the boot media (mounted at /run/media/iso), and
 * wiping it under the running system, or picking it as the root disk, is
 * never what anyone wants. The exclusion itself is install-candidates.ts;
 * this file only reads the mounts.
 */
import type { FsReader } from '../../../common/fs/fs-reader.js';

/** A filesystem mounted from a block device. */
export interface DeviceMount {
  /** The mounted device: a partition (`/dev/sdb1`) or the whole disk (`/dev/sdb`). */
  device: string;
  /** Where it is mounted, as mountinfo shows it (inside the agent's container: below the host root mount). */
  mountPoint: string;
}

/** Disks with a mounted filesystem: `/dev/<disk>` → every mount on it or its partitions. */
export type MountedDisks = ReadonlyMap<string, readonly DeviceMount[]>;

/**
 * Mount points of every mounted block device, keyed by `major:minor`, from a
 * mountinfo text (field 3 is the device number, field 5 the mount point with
 * the kernel's octal escapes, e.g. `\040` for a space). Pseudo filesystems
 * (`0:N`) are ignored.
 */
export function mountsByDeviceNumber(mountinfo: string): Map<string, string[]> {
  const mounts = new Map<string, string[]>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const number = fields[2];
    const mountPoint = fields[4];
    if (number === undefined || mountPoint === undefined || !/^\d+:\d+$/.test(number) || number.startsWith('0:'))
      continue;
    mounts.set(number, [...(mounts.get(number) ?? []), unescapeMountinfo(mountPoint)]);
  }
  return mounts;
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
 * Read the mounted disks: every mounted device number is mapped to its disk
 * through `/sys/dev/block/<major:minor>`, without opening any device. An
 * unreadable mountinfo means no mounted disks.
 */
export async function readMountedDisks(deps: {
  fs: FsReader;
  sys?: string;
  mountinfo?: string;
}): Promise<MountedDisks> {
  const mounts = mountsByDeviceNumber(await deps.fs.readFile(deps.mountinfo ?? '/proc/self/mountinfo').catch(() => ''));
  const disks = new Map<string, DeviceMount[]>();
  for (const [number, mountPoints] of mounts) {
    const link = `${deps.sys ?? '/sys'}/dev/block/${number}`;
    const target = await deps.fs.readlink(link).catch(() => '');
    const disk = diskOfSysfsPath(target, await deps.fs.exists(`${link}/partition`));
    if (disk === null) continue;
    const device = `/dev/${diskOfSysfsPath(target, false) ?? disk}`;
    const list = disks.get(`/dev/${disk}`) ?? [];
    list.push(...mountPoints.map((mountPoint) => ({ device, mountPoint })));
    disks.set(`/dev/${disk}`, list);
  }
  return disks;
}

function unescapeMountinfo(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
