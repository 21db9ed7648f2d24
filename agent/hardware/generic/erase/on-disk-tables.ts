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
  PROTECTIVE_MBR_TYPE,
  validEntrySize,
  type GptHeader,
  type MbrSlot,
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

/** {@link DiskReader} over `node:fs` (opened read-only, closed after each read; reads until `length` or the end). */
export class NodeDiskReader implements DiskReader {
  async read(device: string, offset: number, length: number): Promise<Buffer> {
    const handle = await open(device, 'r');
    try {
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
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

/**
 * All partitions described by the MBR, EBR chain and both GPT copies, deduplicated.
 * @throws Error on a short read inside the disk, or a GPT header whose entry
 *   array cannot be read as the UEFI layout says (the guard then fails closed)
 */
export async function readOnDiskPartitions(
  reader: DiskReader,
  device: string,
  geometry: DiskGeometry,
): Promise<OnDiskPartition[]> {
  const read = exactReader(reader, device, geometry);
  const slots = parseMbrSector(await read(0, 512)) ?? [];
  const found = [...(await readMbr(read, geometry, slots)), ...(await readGpts(read, geometry, slots))];
  const seen = new Set<string>();
  return found.filter((p) => {
    const key = [p.type, p.uniqueGuid, p.name, p.offset, p.size].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads `length` bytes at `offset`, fewer only past the end of the disk. */
type ExactRead = (offset: number, length: number) => Promise<Buffer>;

/** A read that fails instead of returning less than the disk holds (a short read must not hide an entry). */
function exactReader(reader: DiskReader, device: string, geometry: DiskGeometry): ExactRead {
  return async (offset, length) => {
    const bytes = await reader.read(device, offset, length);
    const expected = Math.max(0, Math.min(length, geometry.sizeBytes - offset));
    if (bytes.length < expected)
      throw new Error(`short read of ${device}: ${bytes.length} of ${expected} bytes at offset ${offset}`);
    return bytes;
  };
}

/** Sector sizes a table may have been written with: the disk's own, and 512 and 4096 bytes. */
function sectorSizes(geometry: DiskGeometry): number[] {
  return [...new Set([geometry.sectorSize, 512, 4096])];
}

/** MBR slots (and EBR chains) in every plausible sector unit; the type byte does not depend on it. */
async function readMbr(read: ExactRead, geometry: DiskGeometry, slots: readonly MbrSlot[]): Promise<OnDiskPartition[]> {
  const out: OnDiskPartition[] = [];
  for (const ss of sectorSizes(geometry)) {
    for (const slot of slots) {
      out.push(mbrPartition('mbr', slot.slot + 1, slot.type, slot.startLba * ss, slot.sectors * ss));
      if (EXTENDED_MBR_TYPES.has(slot.type)) out.push(...(await readEbrChain(read, geometry, ss, slot.startLba)));
    }
  }
  return out;
}

/**
 * Logical partitions: each EBR holds one logical partition (start relative to
 * that EBR) and a link to the next EBR (start relative to the extended partition).
 */
async function readEbrChain(
  read: ExactRead,
  geometry: DiskGeometry,
  ss: number,
  extendedLba: number,
): Promise<OnDiskPartition[]> {
  const out: OnDiskPartition[] = [];
  const visited = new Set<number>();
  let ebrLba = extendedLba;
  for (
    let hop = 0;
    hop < MAX_LOGICAL_PARTITIONS && !visited.has(ebrLba) && ebrLba * ss < geometry.sizeBytes;
    hop += 1
  ) {
    visited.add(ebrLba);
    const slots = parseMbrSector(await read(ebrLba * ss, 512));
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

function mbrPartition(
  source: TableSource,
  number: number,
  type: string,
  offset: number,
  size: number,
): OnDiskPartition {
  return { source, number, type, uniqueGuid: null, name: null, offset, size };
}

/**
 * Both GPT copies per sector size. The backup is looked for at the last LBA,
 * where the primary says it is, and where the protective MBR entry (0xee)
 * says the disk ended when it was partitioned: a SAN disk grown since keeps
 * its backup GPT at the old end.
 */
async function readGpts(
  read: ExactRead,
  geometry: DiskGeometry,
  slots: readonly MbrSlot[],
): Promise<OnDiskPartition[]> {
  const out: OnDiskPartition[] = [];
  for (const ss of sectorSizes(geometry)) {
    const primary = await readHeader(read, geometry, ss, 1);
    if (primary !== null) out.push(...(await readEntries(read, geometry, ss, primary, 'gpt-primary')));
    const backupLbas = new Set([Math.floor(geometry.sizeBytes / ss) - 1]);
    if (primary !== null) backupLbas.add(primary.alternateLba);
    for (const slot of slots)
      if (slot.type === PROTECTIVE_MBR_TYPE && slot.sectors > 0) backupLbas.add(slot.startLba + slot.sectors - 1);
    for (const lba of backupLbas) {
      const backup = await readHeader(read, geometry, ss, lba);
      if (backup !== null) out.push(...(await readEntries(read, geometry, ss, backup, 'gpt-backup')));
    }
  }
  return out;
}

async function readHeader(read: ExactRead, geometry: DiskGeometry, ss: number, lba: number): Promise<GptHeader | null> {
  if (lba < 1 || (lba + 1) * ss > geometry.sizeBytes) return null;
  return parseGptHeader(await read(lba * ss, 512));
}

async function readEntries(
  read: ExactRead,
  geometry: DiskGeometry,
  ss: number,
  header: GptHeader,
  source: TableSource,
): Promise<OnDiskPartition[]> {
  const where = `GPT header at LBA ${header.myLba} (${ss}-byte sectors)`;
  if (!validEntrySize(header.entrySize))
    throw new Error(`${where} gives an entry size of ${header.entrySize} bytes, not a multiple of 128 up to 4096`);
  const offset = header.entriesLba * ss;
  if (header.entriesLba < 2 || offset >= geometry.sizeBytes)
    throw new Error(`${where} places its entry array at LBA ${header.entriesLba}, outside the disk`);
  const length = Math.min(header.entryCount * header.entrySize, MAX_GPT_ENTRY_BYTES);
  const bytes = await read(offset, length);
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
