/**
 * An initrd as coreos-installer models it: a map of regular files.
 *
 * Reading accepts a sequence of archives (gzip, xz, zstd or plain newc) with
 * zero padding between them, keeps regular files only, and lets the last copy
 * of a path win (as the kernel does). Writing emits one xz-compressed newc
 * archive with members sorted by path and parent directories created as
 * needed. Port of coreos-installer `src/io/initrd.rs` (facts only); the codecs
 * are injected, everything else is pure.
 */
import { gunzipSync } from 'node:zlib';
import { compressedLength, sniffFormat } from './compressed-stream.js';
import { IsoError, withContext, withContextSync } from './errors.js';
import { decodeNewc, encodeNewc, S_IFDIR, S_IFMT, S_IFREG, type NewcEntry } from './newc.js';
import type { XzCodec } from './xz.js';
import type { ZstdDecoder } from './zstd.js';

/** Path of the Ignition config inside an embedded or wrapped initrd. */
export const INITRD_IGNITION_PATH = 'config.ign';
/** Mode of directories created by the writer (S_IFDIR | 0755). */
const DIR_MODE = S_IFDIR | 0o755;
/** Mode of files written (S_IFREG | 0600): the config may hold secrets. */
const FILE_MODE = S_IFREG | 0o600;

/** Decoders needed to read any initrd. */
export interface InitrdCodecs {
  /** Used for reading xz members and for writing. */
  xz: XzCodec;
  /** Used for reading zstd members only. */
  zstd: ZstdDecoder;
}

/** Compare paths by their UTF-8 bytes, like Rust's BTreeMap<String, _>. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The regular files of an initrd, by path (no leading `/`). */
export class Initrd {
  private readonly members = new Map<string, Buffer>();

  /** Contents of `path`, if present. */
  get(path: string): Buffer | undefined {
    return this.members.get(path);
  }

  /** Add or replace a file. */
  add(path: string, contents: Buffer): void {
    this.members.set(path, contents);
  }

  /** Remove a file (no-op when absent). */
  remove(path: string): void {
    this.members.delete(path);
  }

  /** True when there are no files. */
  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** All paths, sorted by UTF-8 bytes. */
  paths(): string[] {
    return [...this.members.keys()].sort(comparePaths);
  }
}

/**
 * The newc entries of `initrd`: files sorted by path, each preceded by the
 * parent directories not yet created (walking a virtual working directory).
 */
export function initrdEntries(initrd: Initrd): NewcEntry[] {
  const entries: NewcEntry[] = [];
  let cwd: string[] = [];
  for (const path of initrd.paths()) {
    const parent = path.split('/').slice(0, -1);
    let common = 0;
    while (common < cwd.length && common < parent.length && cwd[common] === parent[common]) common += 1;
    cwd = cwd.slice(0, common);
    for (const component of parent.slice(common)) {
      cwd.push(component);
      entries.push({ name: cwd.join('/'), mode: DIR_MODE, data: Buffer.alloc(0) });
    }
    entries.push({ name: path, mode: FILE_MODE, data: initrd.get(path) ?? Buffer.alloc(0) });
  }
  return entries;
}

/** The uncompressed newc archive of `initrd` (see {@link initrdEntries}). */
export function initrdToCpio(initrd: Initrd): Buffer {
  return encodeNewc(initrdEntries(initrd));
}

/** The xz-compressed initrd, byte-identical to coreos-installer's `Initrd::to_bytes`. */
export async function initrdToBytes(initrd: Initrd, xz: XzCodec): Promise<Buffer> {
  return xz.compress(initrdToCpio(initrd));
}

/**
 * Read an initrd made of one or more archives.
 * @param filter keep only paths for which it returns true (default: all).
 * @throws IsoError on an unreadable archive, or `found trailing garbage inside
 *   compressed archive` when a compressed stream holds non-zero data after its trailer.
 */
export async function readInitrd(
  data: Buffer,
  codecs: InitrdCodecs,
  filter: (path: string) => boolean = () => true,
): Promise<Initrd> {
  const initrd = new Initrd();
  let pos = 0;
  while (pos < data.length) {
    const { entries, end } = await readArchive(data, pos, codecs);
    for (const entry of entries) {
      if ((entry.mode & S_IFMT) === S_IFREG && filter(entry.name)) initrd.add(entry.name, Buffer.from(entry.data));
    }
    pos = skipZeros(data, end);
  }
  return initrd;
}

async function readArchive(
  data: Buffer,
  pos: number,
  codecs: InitrdCodecs,
): Promise<{ entries: NewcEntry[]; end: number }> {
  const format = sniffFormat(data, pos);
  if (format === 'uncompressed') {
    const { entries, end } = decodeNewc(data, pos);
    return { entries, end };
  }
  const length = compressedLength(format, data, pos);
  const stream = data.subarray(pos, pos + length);
  const cpio = await withContext(`reading ${format} archive at offset ${pos}`, () =>
    decompress(format, stream, codecs),
  );
  const { entries, end } = decodeNewc(cpio, 0);
  if (cpio.subarray(end).some((byte) => byte !== 0))
    throw new IsoError('found trailing garbage inside compressed archive');
  return { entries, end: pos + length };
}

function decompress(format: 'gzip' | 'xz' | 'zstd', stream: Buffer, codecs: InitrdCodecs): Promise<Buffer> {
  if (format === 'gzip')
    return Promise.resolve(withContextSync('decompressing gzip archive', () => gunzipSync(stream)));
  if (format === 'xz') return codecs.xz.decompress(stream);
  return codecs.zstd.decompress(stream);
}

function skipZeros(data: Buffer, from: number): number {
  let pos = from;
  while (pos < data.length && data[pos] === 0) pos += 1;
  return pos;
}
