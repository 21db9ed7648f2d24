/**
 * Sniff the format of an archive inside an initrd and find where one
 * compressed stream ends, without decompressing it with an external tool.
 *
 * An initrd is a concatenation of (possibly compressed) cpio archives, so the
 * reader must know each stream's exact length to continue after it:
 * - gzip: one member (header, deflate data, 8-byte trailer), sized with node:zlib;
 * - xz: one stream, found by its footer, cross-checked against its index;
 * - zstd: consecutive frames (skippable ones too), walked by block headers.
 * Pure apart from node:zlib, which runs in-process.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { IsoError } from './errors.js';

/** Formats an initrd member archive can have. */
export type ArchiveFormat = 'gzip' | 'xz' | 'zstd' | 'uncompressed';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ZSTD_MAGIC = 0xfd2fb528;

/** Detect the format of the archive at `pos` (anything unknown is "uncompressed"). */
export function sniffFormat(buffer: Buffer, pos: number): ArchiveFormat {
  const available = buffer.length - pos;
  if (available >= 2 && buffer[pos] === 0x1f && buffer[pos + 1] === 0x8b) return 'gzip';
  if (available >= 6 && buffer.subarray(pos, pos + 6).equals(XZ_MAGIC)) return 'xz';
  if (available > 4 && isZstdMagic(buffer.readUInt32LE(pos))) return 'zstd';
  return 'uncompressed';
}

/** A zstd frame or skippable-frame magic number. */
function isZstdMagic(value: number): boolean {
  return value === ZSTD_MAGIC || (value & 0xfffffff0) >>> 0 === 0x184d2a50;
}

/** Byte length of the compressed stream of `format` that starts at `pos`. */
export function compressedLength(format: Exclude<ArchiveFormat, 'uncompressed'>, buffer: Buffer, pos: number): number {
  if (format === 'gzip') return gzipMemberLength(buffer, pos);
  if (format === 'xz') return xzStreamLength(buffer, pos);
  return zstdFramesLength(buffer, pos);
}

/**
 * Length of the single gzip member at `pos` (RFC 1952).
 * @throws IsoError when the header or deflate data is truncated or corrupt.
 */
export function gzipMemberLength(buffer: Buffer, pos: number): number {
  const truncated = (): never => {
    throw new IsoError(`truncated gzip member at offset ${pos}`);
  };
  if (pos + 10 > buffer.length) truncated();
  const flags = buffer[pos + 3] ?? 0;
  let cursor = pos + 10;
  if ((flags & 0x04) !== 0) {
    if (cursor + 2 > buffer.length) truncated();
    cursor += 2 + buffer.readUInt16LE(cursor);
  }
  for (const bit of [0x08, 0x10]) {
    if ((flags & bit) === 0) continue;
    const nul = buffer.indexOf(0, cursor);
    if (nul === -1) truncated();
    cursor = nul + 1;
  }
  if ((flags & 0x02) !== 0) cursor += 2;
  if (cursor > buffer.length) truncated();
  let consumed: number;
  try {
    // With `info: true` node returns { buffer, engine }; bytesWritten is the input consumed.
    const result = inflateRawSync(buffer.subarray(cursor), { info: true }) as unknown as {
      engine: { bytesWritten: number };
    };
    consumed = result.engine.bytesWritten;
  } catch (error) {
    throw new IsoError(`corrupt gzip member at offset ${pos}`, { cause: error });
  }
  const end = cursor + consumed + 8;
  if (end > buffer.length) truncated();
  return end - pos;
}

/**
 * Length of the single xz stream at `pos`: the first 4-byte-aligned stream
 * footer whose CRC, flags, index CRC and block sizes are all consistent.
 * @throws IsoError when no such footer exists (truncated or corrupt stream).
 */
export function xzStreamLength(buffer: Buffer, pos: number): number {
  const flags = buffer.subarray(pos + 6, pos + 8);
  for (let footer = pos + 12; footer + 12 <= buffer.length; footer += 4) {
    if (buffer[footer + 10] !== 0x59 || buffer[footer + 11] !== 0x5a) continue;
    if (isXzFooterOf(buffer, pos, footer, flags)) return footer + 12 - pos;
  }
  throw new IsoError(`truncated or corrupt xz stream at offset ${pos}`);
}

function isXzFooterOf(buffer: Buffer, start: number, footer: number, flags: Buffer): boolean {
  if (!buffer.subarray(footer + 8, footer + 10).equals(flags)) return false;
  if (crc32(buffer.subarray(footer + 4, footer + 10)) !== buffer.readUInt32LE(footer)) return false;
  const indexSize = (buffer.readUInt32LE(footer + 4) + 1) * 4;
  const index = footer - indexSize;
  if (index < start + 12 || buffer[index] !== 0x00) return false;
  if (crc32(buffer.subarray(index, footer - 4)) !== buffer.readUInt32LE(footer - 4)) return false;
  const blocks = sumXzBlocks(buffer.subarray(index, footer - 4));
  return blocks !== undefined && start + 12 + blocks === index;
}

/** Total padded size of the blocks listed in an xz index (without its CRC), or undefined if malformed. */
function sumXzBlocks(index: Buffer): number | undefined {
  let cursor = 1;
  const next = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 63 && cursor < index.length; shift += 7) {
      const byte = index[cursor++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  };
  const count = next();
  if (count === undefined) return undefined;
  let total = 0;
  for (let i = 0; i < count; i += 1) {
    const unpadded = next();
    if (unpadded === undefined || next() === undefined) return undefined;
    total += Math.ceil(unpadded / 4) * 4;
  }
  return total;
}

/**
 * Length of the run of zstd frames (and skippable frames) starting at `pos`.
 * Stops at the first position that does not start with a frame magic.
 * @throws IsoError `premature EOF reading zstd frame` when a frame is cut short.
 */
export function zstdFramesLength(buffer: Buffer, pos: number): number {
  let cursor = pos;
  while (cursor + 4 <= buffer.length && isZstdMagic(buffer.readUInt32LE(cursor))) {
    cursor = zstdFrameEnd(buffer, cursor);
  }
  return cursor - pos;
}

function zstdFrameEnd(buffer: Buffer, start: number): number {
  const eof = (): never => {
    throw new IsoError(`premature EOF reading zstd frame at offset ${start}`);
  };
  const need = (end: number): number => (end > buffer.length ? eof() : end);
  if (buffer.readUInt32LE(start) !== ZSTD_MAGIC) {
    need(start + 8);
    return need(start + 8 + buffer.readUInt32LE(start + 4));
  }
  const descriptor = buffer[need(start + 5) - 1] ?? 0;
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6] ?? 0;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
  let cursor = start + 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
  for (;;) {
    need(cursor + 3);
    const header = buffer.readUIntLE(cursor, 3);
    const type = (header >> 1) & 0x03;
    if (type === 3) throw new IsoError(`reserved zstd block type at offset ${cursor}`);
    cursor = need(cursor + 3 + (type === 1 ? 1 : header >>> 3));
    if ((header & 1) !== 0) break;
  }
  return need(cursor + ((descriptor & 0x04) !== 0 ? 4 : 0));
}
