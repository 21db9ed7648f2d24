/**
 * Every partition a disk's own tables describe: the MBR's four slots, the
 * logical partitions of an extended partition (EBR chain), and the entries
 * of BOTH GPT copies (primary at LBA 1, backup at the last LBA), for the
 * disk's logical sector size and for 512 and 4096 bytes (a table written
 * through a bridge with another sector size is still found).
 *
 * Reads only; the byte layout is decoded by partition-table.ts.
 */
import { open } from 'node:fs/promises';
import {
  EXTENDED_MBR_TYPES,
  parseGptEntries,
  parseGptHeader,
  parseMbrSector,
  validEntrySize,
  type GptHeader,
} from './partition-table.js';

/** Reads raw bytes of a block device. The seam the guard reads disks through. */
export interface DiskReader {
  /**
   * Up to `length` bytes at `offset`; fewer (possibly none) past the end of
   * the device.
   * @throws the system error when the device cannot be opened or read
   */
  read(device: string, offset: number, length: number): Promise<Buffer>;
}

/** {@link DiskReader} over `node:fs` (opened read-only, closed after each read). */
export class NodeDiskReader implements DiskReader {
  async read(device: string, offset: number, length: number): Promise<Buffer> {
    const handle = await open(device, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}

/** Size and logical sector size of a device (`blockdev --getss --getsize64`). */
export interface DiskGeometry {
  sizeBytes: number;
  sectorSize: number;
}

/** Which table an entry came from. */
export type TableSource = 'mbr' | 'ebr' | 'gpt-primary' | 'gpt-backup';

/** One partition found in a table on the disk. */
export interface OnDiskPartition {
  source: TableSource;
  /** Partition number as Linux would number it (MBR 1-4, logical from 5, GPT entry number). */
  number: number;
  /** GPT type GUID (lower case) or MBR type byte (`0xfb`). */
  type: string;
  /** GPT unique partition GUID, null for MBR. */
  uniqueGuid: string | null;
  /** GPT partition name, null for MBR. */
  name: string | null;
  /** Byte offset of the partition on the disk. */
  offset: number;
  /** Size in bytes (0 for a malformed entry). */
  size: number;
}

/** Logical partitions followed at most (util-linux libfdisk stops a looping chain too). */
export const MAX_LOGICAL_PARTITIONS = 256;

/** Entry-array bytes read at most per GPT header (the usual array is 16 KiB). */
export const MAX_GPT_ENTRY_BYTES = 4 * 1024 * 1024;

/** All partitions described by the MBR, EBR chain and both GPT copies, deduplicated. */
export async function readOnDiskPartitions(reader: DiskReader, device: string, geometry: DiskGeometry): Promise<OnDiskPartition[]> {
  const found = [...(await readMbr(reader, device, geometry)), ...(await readGpts(reader, device, geometry))];
  const seen = new Set<string>();
  return found.filter((p) => {
    const key = [p.type, p.uniqueGuid, p.name, p.offset, p.size].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function readMbr(reader: DiskReader, device: string, geometry: DiskGeometry): Promise<OnDiskPartition[]> {
  const ss = geometry.sectorSize;
  const slots = parseMbrSector(await reader.read(device, 0, 512));
  if (slots === null) return [];
  const out: OnDiskPartition[] = [];
  for (const slot of slots) {
    out.push(mbrPartition('mbr', slot.slot + 1, slot.type, slot.startLba * ss, slot.sectors * ss));
    if (EXTENDED_MBR_TYPES.has(slot.type)) out.push(...(await readEbrChain(reader, device, ss, slot.startLba)));
  }
  return out;
}

/**
 * Logical partitions: each EBR holds one logical partition (start relative to
 * that EBR) and a link to the next EBR (start relative to the extended partition).
 */
async function readEbrChain(reader: DiskReader, device: string, ss: number, extendedLba: number): Promise<OnDiskPartition[]> {
  const out: OnDiskPartition[] = [];
  const visited = new Set<number>();
  let ebrLba = extendedLba;
  for (let hop = 0; hop < MAX_LOGICAL_PARTITIONS && !visited.has(ebrLba); hop += 1) {
    visited.add(ebrLba);
    const slots = parseMbrSector(await reader.read(device, ebrLba * ss, 512));
    if (slots === null) break;
    for (const slot of slots.filter((s) => !EXTENDED_MBR_TYPES.has(s.type))) {
      out.push(mbrPartition('ebr', 5 + hop, slot.type, (ebrLba + slot.startLba) * ss, slot.sectors * ss));
    }
    const link = slots.find((s) => EXTENDED_MBR_TYPES.has(s.type));
    if (link === undefined || link.startLba === 0) break;
    ebrLba = extendedLba + link.startLba;
  }
  return out;
}

function mbrPartition(source: TableSource, number: number, type: string, offset: number, size: number): OnDiskPartition {
  return { source, number, type, uniqueGuid: null, name: null, offset, size };
}

async function readGpts(reader: DiskReader, device: string, geometry: DiskGeometry): Promise<OnDiskPartition[]> {
  const out: OnDiskPartition[] = [];
  for (const ss of new Set([geometry.sectorSize, 512, 4096])) {
    const primary = await readHeader(reader, device, ss);
    if (primary !== null) out.push(...(await readEntries(reader, device, geometry, ss, primary, 'gpt-primary')));
    const backupLbas = new Set([Math.floor(geometry.sizeBytes / ss) - 1]);
    if (primary !== null && primary.alternateLba > 1) backupLbas.add(primary.alternateLba);
    for (const lba of backupLbas) {
      if (lba <= 1 || lba * ss >= geometry.sizeBytes) continue;
      const backup = await readHeader(reader, device, ss, lba);
      if (backup !== null) out.push(...(await readEntries(reader, device, geometry, ss, backup, 'gpt-backup')));
    }
  }
  return out;
}

async function readHeader(reader: DiskReader, device: string, ss: number, lba = 1): Promise<GptHeader | null> {
  return parseGptHeader(await reader.read(device, lba * ss, 512));
}

async function readEntries(
  reader: DiskReader, device: string, geometry: DiskGeometry, ss: number, header: GptHeader, source: TableSource,
): Promise<OnDiskPartition[]> {
  const offset = header.entriesLba * ss;
  if (!validEntrySize(header.entrySize) || header.entriesLba === 0 || offset >= geometry.sizeBytes) return [];
  const length = Math.min(header.entryCount * header.entrySize, MAX_GPT_ENTRY_BYTES);
  const bytes = await reader.read(device, offset, length);
  return parseGptEntries(bytes, header.entrySize, header.entryCount).map((entry) => ({
    source,
    number: entry.number,
    type: entry.typeGuid,
    uniqueGuid: entry.uniqueGuid,
    name: entry.name,
    offset: entry.firstLba * ss,
    size: entry.lastLba >= entry.firstLba ? (entry.lastLba - entry.firstLba + 1) * ss : 0,
  }));
}
