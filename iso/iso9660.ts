/**
 * Minimal ISO 9660 reader: volume descriptors, directory records and path
 * lookup, as much as the Ignition embed area needs (no Rock Ridge, no Joliet).
 *
 * Port of coreos-installer `src/iso9660.rs` (facts only). Parsing is pure; the
 * image is read through an injected {@link ByteSource}, so the same code runs
 * on a file handle or an in-memory buffer.
 */
import { IsoError, IsoNotFoundError, withContext } from './errors.js';

/** The only sector size coreos-installer (and this module) supports. */
export const SECTOR_SIZE = 2048;
/** Volume descriptors start at sector 16. */
const DESCRIPTOR_START_SECTOR = 16;
/** Descriptor type codes. */
const TYPE_BOOT = 0;
const TYPE_PRIMARY = 1;
const TYPE_TERMINATOR = 255;

/** Random-access bytes of an image. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes starting at `offset`.
   * @throws when the range extends past the end.
   */
  read(offset: number, length: number): Promise<Buffer>;
}

/** One directory entry (a file or a directory). */
export interface DirectoryRecord {
  /** Name with `;1` and a trailing `.` removed, e.g. `IGNITION.IMG`; `.` for the root. */
  name: string;
  /** True for directories (flag bit 1). */
  isDirectory: boolean;
  /** First sector (LBA) of the extent. */
  extent: number;
  /** Data length in bytes. */
  length: number;
}

/** What the primary volume descriptor tells us. */
export interface PrimaryVolume {
  /** Volume space size in sectors. */
  volumeSpaceSize: number;
  /** The root directory record. */
  root: DirectoryRecord;
}

/** A ByteSource over a buffer (tests and in-memory images). */
export function bufferByteSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (offset, length) => {
      if (offset < 0 || offset + length > buffer.length) {
        return Promise.reject(new IsoError(`reading ${length} bytes at ${offset}: unexpected end of file`));
      }
      return Promise.resolve(buffer.subarray(offset, offset + length));
    },
  };
}

/**
 * Parse the primary volume descriptor sector (type byte included).
 * @throws IsoError when the `CD001` identifier or version is wrong, or the root record is not a directory.
 */
export function parsePrimaryVolumeDescriptor(sector: Buffer): PrimaryVolume {
  verifyDescriptorHeader(sector, 'parsing primary descriptor');
  const volumeSpaceSize = sector.readUInt32LE(80);
  const [root] = parseDirectoryRecords(sector.subarray(156, 156 + 34), true);
  if (root === undefined || !root.isDirectory) {
    throw new IsoError('failed to parse root directory record from primary descriptor');
  }
  return { volumeSpaceSize, root };
}

function verifyDescriptorHeader(sector: Buffer, context: string): void {
  const id = sector.subarray(1, 6).toString('latin1');
  if (id !== 'CD001')
    throw new IsoError(context, { cause: new IsoError(`unknown descriptor ID: ${JSON.stringify(id)}`) });
  const version = sector[6];
  if (version !== 1)
    throw new IsoError(context, { cause: new IsoError(`unknown descriptor version: ${String(version)}`) });
}

/**
 * Parse the directory records in a directory's data. `.` and `..` are
 * skipped, except that `isRoot` keeps a `.` record (the PVD's root record).
 * A zero length byte means "continue at the next sector boundary".
 * @throws IsoError on a record that runs past the data or a name with invalid characters.
 */
export function parseDirectoryRecords(data: Buffer, isRoot = false): DirectoryRecord[] {
  const records: DirectoryRecord[] = [];
  let pos = 0;
  while (pos < data.length) {
    const len = data[pos] ?? 0;
    if (len === 0) {
      pos = (Math.floor(pos / SECTOR_SIZE) + 1) * SECTOR_SIZE;
      continue;
    }
    if (pos + len > data.length) throw new IsoError('incomplete directory record; corrupt ISO?');
    const nameLength = data[pos + 32] ?? 0;
    if (33 + nameLength > len) throw new IsoError('incomplete directory record; corrupt ISO?');
    const nameBytes = data.subarray(pos + 33, pos + 33 + nameLength);
    const record = {
      extent: data.readUInt32LE(pos + 2),
      length: data.readUInt32LE(pos + 10),
      isDirectory: ((data[pos + 25] ?? 0) & 2) !== 0,
    };
    pos += len;
    if (nameLength === 1 && (nameBytes[0] === 0 || nameBytes[0] === 1)) {
      if (isRoot && nameBytes[0] === 0) records.push({ name: '.', ...record });
      continue;
    }
    records.push({ name: parseFileName(nameBytes), ...record });
  }
  return records;
}

/** Characters of the ISO 9660 "file" set kept as-is (besides letters, digits, `_` and space). */
const FILE_CHARS = new Set('!"%&\'()*+,-.:<=>?');

/**
 * Decode a directory record name: strip `;1`, then one trailing `.`; `;` and
 * `/` become `.` (as the kernel does); a NUL ends the name.
 * @throws IsoError on any other character.
 */
export function parseFileName(bytes: Buffer): string {
  let raw = bytes.toString('latin1');
  if (raw.endsWith(';1')) raw = raw.slice(0, -2);
  if (raw.endsWith('.')) raw = raw.slice(0, -1);
  let name = '';
  for (const ch of raw) {
    if (/^[A-Za-z0-9_ ]$/.test(ch) || FILE_CHARS.has(ch)) name += ch;
    else if (ch === ';' || ch === '/') name += '.';
    else if (ch === '\0') break;
    else throw new IsoError(`invalid string name ${JSON.stringify(raw)}`);
  }
  return name;
}

/** A parsed ISO 9660 image: the primary volume and random access to its files. */
export class IsoFs {
  private constructor(
    private readonly source: ByteSource,
    /** The primary volume descriptor. */
    readonly primary: PrimaryVolume,
  ) {}

  /**
   * Read the volume descriptors (from sector 16 up to the terminator) and
   * check the image is complete.
   * @throws IsoError `ISO image is incomplete` when the volume is larger than the file;
   *   other IsoErrors when there is no valid primary volume descriptor.
   */
  static async open(source: ByteSource): Promise<IsoFs> {
    let primary: PrimaryVolume | undefined;
    for (let index = 0; ; index += 1) {
      const offset = (DESCRIPTOR_START_SECTOR + index) * SECTOR_SIZE;
      const type = await withContext(`getting volume descriptor #${index + 1}`, async () => {
        const sector = await withContext('reading volume descriptor', () => source.read(offset, SECTOR_SIZE));
        if (sector[0] === TYPE_BOOT) verifyDescriptorHeader(sector, 'parsing boot descriptor');
        if (sector[0] === TYPE_PRIMARY && primary === undefined) primary = parsePrimaryVolumeDescriptor(sector);
        return sector[0];
      });
      if (type === TYPE_TERMINATOR) break;
    }
    if (primary === undefined) throw new IsoError('no primary volume descriptor found in ISO');
    if (primary.volumeSpaceSize * SECTOR_SIZE > source.size) throw new IsoError('ISO image is incomplete');
    return new IsoFs(source, primary);
  }

  /** The records of a directory, in on-disk order. */
  async listDir(dir: DirectoryRecord): Promise<DirectoryRecord[]> {
    const data = await withContext(`reading directory ${dir.name}`, () => this.readExtent(dir));
    return parseDirectoryRecords(data);
  }

  /**
   * The record at `path` (components separated by `/`; `.`/`..` resolved;
   * names compared exactly, so pass upper-case ISO names).
   * @throws IsoNotFoundError when a component is missing or an intermediate one is a file.
   */
  async getPath(path: string): Promise<DirectoryRecord> {
    const components = pathComponents(path);
    const filename = components.pop();
    let dir = this.primary.root;
    if (filename === undefined) return dir;
    for (const component of components) {
      const record = await this.findInDir(dir, component);
      if (record === undefined) throw new IsoNotFoundError(`intermediate directory ${component} does not exist`);
      if (!record.isDirectory)
        throw new IsoNotFoundError(`component ${JSON.stringify(component)} in path ${path} is not a directory`);
      dir = record;
    }
    const record = await this.findInDir(dir, filename);
    if (record === undefined)
      throw new IsoNotFoundError(`no record for ${filename} in directory ${components.join('/')}`);
    return record;
  }

  /**
   * The whole contents of a file record.
   * @throws IsoError when the record is a directory or extends past the image.
   */
  async readFile(file: DirectoryRecord): Promise<Buffer> {
    if (file.isDirectory) throw new IsoError(`entry ${file.name} is a directory`);
    return this.readExtent(file);
  }

  private async findInDir(dir: DirectoryRecord, name: string): Promise<DirectoryRecord | undefined> {
    const records = await this.listDir(dir);
    return records.find((r) => r.name === name);
  }

  private async readExtent(record: DirectoryRecord): Promise<Buffer> {
    const offset = record.extent * SECTOR_SIZE;
    if (offset + record.length > this.source.size) {
      throw new IsoError(`${record.name} (${record.length} bytes at ${offset}) extends past the end of the image`);
    }
    return this.source.read(offset, record.length);
  }
}

/** Split a path into components, dropping empty and `.` parts and resolving `..`. */
export function pathComponents(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}
