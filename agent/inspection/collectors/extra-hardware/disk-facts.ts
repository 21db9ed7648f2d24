/**
 * `disk` facts: port of hardware-detect's diskinfo.detect
 * (redhat-cip/hardware hardware/diskinfo.py) over sysfs and /dev/disk/by-id,
 * for the disks of the agent's inventory (the device allowlist applies)
 * instead of every sd/hd/vd/nvme name. SMART data (smartctl) is not read.
 */
import { readdirOrEmpty, readTrimmed, type FsReader } from '../../../../common/fs/fs-reader.js';
import type { Fact } from './facts.js';

/** What is read for one disk. */
export interface DiskSysfs {
  /** Kernel name, e.g. `sda`. */
  name: string;
  /** `/sys/block/<name>/size` (512-byte sectors), or null. */
  sectors: number | null;
  /** `[key, value]` of the device/queue attributes that could be read, in hardware-detect's order. */
  attributes: Array<[string, string]>;
  /** `queue/scheduler` text, e.g. `none [mq-deadline]`. */
  scheduler: string | null;
  /** `device/scsi_disk/<hctl>/cache_type`. */
  cacheType: string | null;
  /** /dev/disk/by-id entries pointing at the disk. */
  byId: string[];
}

/** hardware-detect's attribute files: path under /sys/block/<name>, fact key. */
const ATTRIBUTES = [
  'device/vendor',
  'device/model',
  'device/rev',
  'queue/optimal_io_size',
  'queue/physical_block_size',
  'queue/rotational',
  'queue/nr_requests',
];

/** Size in GB as hardware-detect computes it: 512-byte sectors, 10^9 bytes, truncated. */
export function sizeInGb(sectors: number): number {
  return Math.trunc((sectors * 512) / 1e9);
}

/** `Write Cache Enable` / `Read Cache Disable` from a SCSI cache_type (kernel sd-parameters). */
export function cacheFlags(cacheType: string): { wce: string; rcd: string } {
  if (cacheType === 'write through') return { wce: '0', rcd: '0' };
  if (cacheType === 'none') return { wce: '0', rcd: '1' };
  return { wce: '1', rcd: cacheType.includes('daft') ? '1' : '0' };
}

/** The facts for the disks (only those with a non-zero GB size count and are described, as in hardware-detect). */
export function diskFacts(disks: readonly DiskSysfs[]): Fact[] {
  const sized = disks.filter((d) => d.sectors !== null && sizeInGb(d.sectors) > 0);
  const facts: Fact[] = [['disk', 'logical', 'count', String(sized.length)]];
  for (const disk of sized) {
    facts.push(['disk', disk.name, 'size', String(sizeInGb(disk.sectors ?? 0))]);
    for (const [key, value] of disk.attributes) facts.push(['disk', disk.name, key, value]);
    const scheduler = /\[(.*?)\]/.exec(disk.scheduler ?? '')?.[1];
    if (scheduler !== undefined) facts.push(['disk', disk.name, 'scheduler', scheduler]);
    if (disk.cacheType !== null && !disk.name.startsWith('nvme')) {
      const { wce, rcd } = cacheFlags(disk.cacheType);
      facts.push(['disk', disk.name, 'Write Cache Enable', wce], ['disk', disk.name, 'Read Cache Disable', rcd]);
    }
    for (const entry of disk.byId) {
      facts.push([
        'disk',
        disk.name,
        entry.startsWith('wwn') ? 'wwn-id' : entry.startsWith('scsi') ? 'scsi-id' : 'id',
        entry,
      ]);
    }
  }
  return facts;
}

/** Read one disk's attributes (`name` is the kernel name). */
export async function readDiskSysfs(fs: FsReader, sys: string, dev: string, name: string): Promise<DiskSysfs> {
  const base = `${sys}/block/${name}`;
  const attributes: Array<[string, string]> = [];
  for (const attribute of ATTRIBUTES) {
    let path = attribute;
    if (attribute === 'device/rev' && !(await fs.exists(`${base}/${path}`))) path = 'device/revision';
    let value = await readTrimmed(fs, `${base}/${path}`);
    value ??= await readTrimmed(fs, `${base}/device/${path}`);
    if (value !== null) attributes.push([path.split('/')[1] ?? path, value]);
  }
  const sectors = Number.parseInt((await readTrimmed(fs, `${base}/size`)) ?? '', 10);
  return {
    name,
    attributes,
    sectors: Number.isNaN(sectors) ? null : sectors,
    scheduler: await readTrimmed(fs, `${base}/queue/scheduler`),
    cacheType: await scsiCacheType(fs, base),
    byId: await byIdEntries(fs, `${dev}/disk/by-id`, name),
  };
}

async function scsiCacheType(fs: FsReader, base: string): Promise<string | null> {
  const [address] = await readdirOrEmpty(fs, `${base}/device/scsi_disk`);
  return address === undefined ? null : readTrimmed(fs, `${base}/device/scsi_disk/${address}/cache_type`);
}

async function byIdEntries(fs: FsReader, dir: string, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdirOrEmpty(fs, dir)).sort()) {
    try {
      if ((await fs.readlink(`${dir}/${entry}`)).split('/').pop() === name) out.push(entry);
    } catch {
      // not a link
    }
  }
  return out;
}
