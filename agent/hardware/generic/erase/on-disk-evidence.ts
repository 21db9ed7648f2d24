/**
 * Evidence from the disk's OWN partition tables, whatever the kernel has
 * registered: every entry of the MBR, the EBR chain and both GPT copies, its
 * type and name, and a filesystem probe at the entry's offset. This is what
 * catches a VMFS or GPFS partition the kernel never scanned (partition
 * scanning off, or a shared SAN disk repartitioned by another host after boot).
 */
import { BlockDeviceError } from '../../../../common/errors.js';
import type { Runner } from '../../../../common/exec/runner.js';
import { blkidProbeArgv, parseBlkidExport } from './kernel-evidence.js';
import { readOnDiskPartitions, type DiskGeometry, type DiskReader, type OnDiskPartition } from './on-disk-tables.js';
import type { DeviceEvidence } from './protected-ids.js';

const SOURCE_NAMES: Readonly<Record<OnDiskPartition['source'], string>> = {
  mbr: 'MBR',
  ebr: 'extended (EBR)',
  'gpt-primary': 'primary GPT',
  'gpt-backup': 'backup GPT',
};

/** Where an on-disk entry is, for the refusal message. */
export function describeEntry(device: string, entry: OnDiskPartition): string {
  return `${device} (partition ${entry.number} of its ${SOURCE_NAMES[entry.source]} at byte ${entry.offset}, read from the disk itself)`;
}

/**
 * `blockdev --flushbufs --getss --getsize64`: drop this host's cached blocks
 * first (another host may have rewritten the disk), then the geometry.
 * @throws BlockDeviceError when the output is not two numbers (fails closed)
 */
export async function readGeometry(runner: Runner, device: string): Promise<DiskGeometry> {
  const { stdout } = await runner.run(['blockdev', '--flushbufs', '--getss', '--getsize64', device]);
  const [sectorSize, sizeBytes] = stdout.trim().split(/\s+/).map(Number);
  if (!Number.isSafeInteger(sectorSize) || !Number.isSafeInteger(sizeBytes) || sectorSize! < 512 || sizeBytes! < 0) {
    throw new BlockDeviceError(
      `Unable to read the size of ${device} (blockdev printed ${JSON.stringify(stdout.trim())}); cannot verify it is safe to write`,
    );
  }
  return { sectorSize: sectorSize!, sizeBytes: sizeBytes! };
}

/**
 * Evidence for every partition the disk's own tables describe.
 * @param geometry from {@link readGeometry}, read (and the cache dropped) just before
 * @throws BlockDeviceError when the disk cannot be read or a table cannot be decoded (fails closed)
 */
export async function onDiskEvidence(
  runner: Runner,
  reader: DiskReader,
  device: string,
  geometry: DiskGeometry,
): Promise<DeviceEvidence[]> {
  let entries: OnDiskPartition[];
  try {
    entries = await readOnDiskPartitions(reader, device, geometry);
  } catch (error) {
    throw new BlockDeviceError(
      `Unable to read the partition tables of ${device} (${error instanceof Error ? error.message : String(error)}); cannot verify it is safe to write`,
    );
  }
  const evidence: DeviceEvidence[] = [];
  for (const entry of entries) {
    const fs = await probeRegion(runner, device, geometry, entry);
    evidence.push({
      name: describeEntry(device, entry),
      ids: [entry.type, entry.uniqueGuid],
      labels: [entry.name],
      fsTypes: [fs],
    });
  }
  return evidence;
}

/** blkid's TYPE for the entry's region, limited to the guarded types; null when nothing or out of the disk. */
async function probeRegion(
  runner: Runner,
  device: string,
  geometry: DiskGeometry,
  entry: OnDiskPartition,
): Promise<string | null> {
  if (entry.size <= 0 || entry.offset >= geometry.sizeBytes) return null;
  const size = Math.min(entry.size, geometry.sizeBytes - entry.offset);
  const probe = await runner.run(blkidProbeArgv(device, { offset: entry.offset, size }), { okExitCodes: [0, 2] });
  return parseBlkidExport(probe.stdout)['TYPE'] ?? null;
}
