/**
 * The SVR4 "newc" cpio format, pure encode/decode.
 *
 * The writer reproduces the bytes of the Rust `cpio` crate 0.4 as used by
 * coreos-installer: `070701` + 13 eight-digit lower-case hex fields (ino = the
 * entry's index, uid/gid/mtime/dev 0, nlink 1, check 0), the NUL-terminated
 * name padded so header+name is a multiple of 4, the data padded to 4, and a
 * `TRAILER!!!` entry with ino 0 and mode 0; no 512-byte block padding.
 */
import { IsoError } from './errors.js';

/** Length of the fixed header. */
const HEADER_SIZE = 110;
/** Name of the end-of-archive entry. */
export const TRAILER_NAME = 'TRAILER!!!';
/** Mask of the file type bits of `mode`. */
export const S_IFMT = 0o170000;
/** File type of a regular file. */
export const S_IFREG = 0o100000;
/** File type of a directory. */
export const S_IFDIR = 0o040000;

/** One entry to write or that was read. */
export interface NewcEntry {
  /** Path inside the archive, without a leading `/`. */
  name: string;
  /** Full mode (type bits | permission bits). */
  mode: number;
  /** File contents (empty for directories). */
  data: Buffer;
}

/** Result of reading one archive. */
export interface DecodedArchive {
  /** Entries before the trailer, in archive order. */
  entries: NewcEntry[];
  /** Offset just past the trailer entry (its padding included). */
  end: number;
}

/** Encode entries plus the trailer as one newc archive. */
export function encodeNewc(entries: readonly NewcEntry[]): Buffer {
  const parts: Buffer[] = entries.map((entry, index) => encodeEntry(index, entry));
  parts.push(encodeEntry(0, { name: TRAILER_NAME, mode: 0, data: Buffer.alloc(0) }));
  return Buffer.concat(parts);
}

function encodeEntry(ino: number, entry: NewcEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const fields = [ino, entry.mode, 0, 0, 1, 0, entry.data.length, 0, 0, 0, 0, name.length + 1, 0];
  const header = `070701${fields.map((v) => v.toString(16).padStart(8, '0')).join('')}`;
  const nameEnd = HEADER_SIZE + name.length + 1;
  return Buffer.concat([
    Buffer.from(header, 'latin1'),
    name,
    Buffer.alloc(1 + pad4(nameEnd)),
    entry.data,
    Buffer.alloc(pad4(entry.data.length)),
  ]);
}

/** Bytes needed to round `n` up to a multiple of 4. */
function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/**
 * Decode one newc archive starting at `start`, up to and including its trailer.
 * Names end at their first NUL (dracut pads name fields with NULs).
 * @throws IsoError `reading CPIO entry` (with the reason as cause) on a bad
 *   magic, a non-hex field, invalid UTF-8 in a name or a truncated entry.
 */
export function decodeNewc(buffer: Buffer, start = 0): DecodedArchive {
  const entries: NewcEntry[] = [];
  let pos = start;
  for (;;) {
    const { entry, next } = decodeEntry(buffer, pos);
    pos = next;
    if (entry.name === TRAILER_NAME) return { entries, end: pos };
    entries.push(entry);
  }
}

function decodeEntry(buffer: Buffer, pos: number): { entry: NewcEntry; next: number } {
  const fail = (reason: string): never => {
    throw new IsoError('reading CPIO entry', { cause: new IsoError(`${reason} at offset ${pos}`) });
  };
  if (pos + HEADER_SIZE > buffer.length) fail('truncated header');
  const magic = buffer.toString('latin1', pos, pos + 6);
  if (magic !== '070701' && magic !== '070702') fail('invalid newc magic');
  const field = (index: number): number => {
    const text = buffer.toString('latin1', pos + 6 + index * 8, pos + 14 + index * 8);
    if (!/^[0-9A-Fa-f]{8}$/.test(text)) fail(`invalid hex field ${JSON.stringify(text)}`);
    return Number.parseInt(text, 16);
  };
  const mode = field(1);
  const fileSize = field(6);
  const nameSize = field(11);
  const nameEnd = pos + HEADER_SIZE + nameSize;
  const dataStart = nameEnd + pad4(HEADER_SIZE + nameSize);
  const dataEnd = dataStart + fileSize;
  if (nameSize === 0 || dataEnd > buffer.length) fail('truncated entry');
  const rawName = buffer.subarray(pos + HEADER_SIZE, nameEnd - 1);
  const nul = rawName.indexOf(0);
  const name = decodeName(nul === -1 ? rawName : rawName.subarray(0, nul), fail);
  const data = buffer.subarray(dataStart, dataEnd);
  return { entry: { name, mode, data }, next: Math.min(buffer.length, dataEnd + pad4(fileSize)) };
}

function decodeName(bytes: Buffer, fail: (reason: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('invalid UTF-8 in entry name');
  }
}
