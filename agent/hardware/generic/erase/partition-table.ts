/**
 * Pure decoders of the partition tables as they are stored ON THE DISK: the
 * MBR (and the EBR chain of an extended partition) and a GPT header with its
 * entry array. The protected-storage guard reads these itself instead of
 * trusting the partitions the kernel has registered, which may be none
 * (partition scanning off, or a shared disk repartitioned by another host).
 *
 * Layouts: UEFI Specification 2.10, section 5.2 (legacy MBR) and 5.3 (GPT
 * header and GPT partition entry array); the EBR chain as util-linux
 * libfdisk/src/dos.c walks it. CRCs are deliberately NOT required: a guard
 * must also see entries of a damaged table, since another host may still use
 * the partitions it describes.
 */

/** Bytes of one MBR or EBR sector that hold the table (446..509) and its 0x55AA mark. */
const MBR_TABLE_OFFSET = 446;
const MBR_SIGNATURE_OFFSET = 510;

/** One used slot of an MBR or EBR (type byte not zero). */
export interface MbrSlot {
  /** 0..3: the slot in its sector. */
  slot: number;
  /** The type byte as IPA and lsblk print it: `0x` and two lower-case hex digits. */
  type: string;
  /** First sector, relative to the sector the slot was read from (EBR: see the EBR rules). */
  startLba: number;
  /** Length in sectors. */
  sectors: number;
}

/** MBR types that point at a chain of EBRs (DOS extended, Windows LBA extended, Linux extended). */
export const EXTENDED_MBR_TYPES: ReadonlySet<string> = new Set(['0x05', '0x0f', '0x85']);

/** The GPT protective type: the real table is the GPT. */
export const PROTECTIVE_MBR_TYPE = '0xee';

/**
 * The used slots of an MBR or EBR sector, or null when the sector does not
 * end in the 0x55AA boot signature (no table there).
 */
export function parseMbrSector(sector: Uint8Array): MbrSlot[] | null {
  if (sector.length < 512 || sector[MBR_SIGNATURE_OFFSET] !== 0x55 || sector[MBR_SIGNATURE_OFFSET + 1] !== 0xaa)
    return null;
  const view = viewOf(sector);
  const slots: MbrSlot[] = [];
  for (let slot = 0; slot < 4; slot += 1) {
    const base = MBR_TABLE_OFFSET + slot * 16;
    const typeByte = sector[base + 4] ?? 0;
    if (typeByte === 0) continue;
    slots.push({
      slot,
      type: `0x${typeByte.toString(16).padStart(2, '0')}`,
      startLba: view.getUint32(base + 8, true),
      sectors: view.getUint32(base + 12, true),
    });
  }
  return slots;
}

/** The fields of a GPT header the guard uses. */
export interface GptHeader {
  /** LBA this header says it is stored at. */
  myLba: number;
  /** LBA of the other copy. */
  alternateLba: number;
  /** First LBA of the entry array. */
  entriesLba: number;
  /** Number of entries in the array. */
  entryCount: number;
  /** Bytes per entry (128 × 2^n). */
  entrySize: number;
}

/** "EFI PART", the GPT header signature. */
const GPT_SIGNATURE = 'EFI PART';

/** A GPT header at the start of `sector`, or null when the signature is absent. */
export function parseGptHeader(sector: Uint8Array): GptHeader | null {
  if (sector.length < 92 || Buffer.from(sector.subarray(0, 8)).toString('latin1') !== GPT_SIGNATURE) return null;
  const view = viewOf(sector);
  return {
    myLba: safeNumber(view.getBigUint64(24, true)),
    alternateLba: safeNumber(view.getBigUint64(32, true)),
    entriesLba: safeNumber(view.getBigUint64(72, true)),
    entryCount: view.getUint32(80, true),
    entrySize: view.getUint32(84, true),
  };
}

/** One used GPT entry (type GUID not all zero). */
export interface GptEntry {
  /** 1-based entry number, as sgdisk and the kernel number them. */
  number: number;
  /** Partition type GUID, lower case, in the usual text form. */
  typeGuid: string;
  /** Unique partition GUID (PARTUUID), lower case. */
  uniqueGuid: string;
  firstLba: number;
  lastLba: number;
  /** The partition name (UTF-16LE, up to the first NUL). */
  name: string;
}

/** Entry sizes accepted: a multiple of 128 from 128 to 4096 bytes (UEFI: 128 × 2^n). */
export function validEntrySize(size: number): boolean {
  return size >= 128 && size <= 4096 && size % 128 === 0;
}

/**
 * The used entries of a GPT entry array (as many whole entries as `bytes`
 * holds, at most `count`).
 */
export function parseGptEntries(bytes: Uint8Array, entrySize: number, count: number): GptEntry[] {
  if (!validEntrySize(entrySize)) return [];
  const entries: GptEntry[] = [];
  const whole = Math.min(count, Math.floor(bytes.length / entrySize));
  for (let index = 0; index < whole; index += 1) {
    const entry = bytes.subarray(index * entrySize, (index + 1) * entrySize);
    if (entry.subarray(0, 16).every((b) => b === 0)) continue;
    const view = viewOf(entry);
    entries.push({
      number: index + 1,
      typeGuid: formatGuid(entry.subarray(0, 16)),
      uniqueGuid: formatGuid(entry.subarray(16, 32)),
      firstLba: safeNumber(view.getBigUint64(32, true)),
      lastLba: safeNumber(view.getBigUint64(40, true)),
      name: utf16Name(entry.subarray(56, 128)),
    });
  }
  return entries;
}

/** A GUID in its text form: the first three fields are stored little-endian (UEFI Appendix A). */
export function formatGuid(bytes: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = [...bytes.subarray(from, to)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

function utf16Name(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf16le');
  const nul = text.indexOf('\u0000');
  return nul === -1 ? text : text.slice(0, nul);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A 64-bit LBA as a number; values past 2^53 (never valid on a real disk) become MAX_SAFE_INTEGER. */
function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
