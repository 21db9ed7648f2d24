/**
 * Locate the Ignition embed area of a CoreOS live ISO.
 *
 * Newer ISOs describe it in `COREOS/IGNINFO.JSO` (`{"file": "images/ignition.img"}`,
 * or on s390x a slice of `images/cdboot.img` given by `offset`/`length`); older
 * ones simply have `IMAGES/IGNITION.IMG`. Port of coreos-installer
 * `InitrdEmbedArea::for_iso` (src/live/embed.rs), facts only.
 */
import { IsoError, IsoNotFoundError, withContext, withContextSync } from './errors.js';
import { SECTOR_SIZE, type IsoFs } from './iso9660.js';

/** Path of the embed-area description, as stored in the ISO. */
export const IGNINFO_PATH = 'COREOS/IGNINFO.JSO';
/** The embed area of ISOs without IGNINFO.JSO. */
export const DEFAULT_EMBED_PATH = 'IMAGES/IGNITION.IMG';
/** Outer error of every failure to find the area (upstream's exact text). */
export const UNRECOGNIZED_ISO = 'Unrecognized CoreOS ISO image.';

/** Contents of `COREOS/IGNINFO.JSO`. */
export interface IgnInfo {
  /** Path of the file holding the area, relative to the ISO root (any case). */
  file: string;
  /** Byte offset of the area inside that file. Default 0. */
  offset?: number;
  /** Area length. Default: the file size minus `offset`. */
  length?: number;
}

/** Where the area is in the ISO file. */
export interface EmbedArea {
  /** Absolute byte offset in the ISO. */
  offset: number;
  /** Length in bytes (262144 in every known image). */
  length: number;
  /** The ISO file holding it, e.g. `IMAGES/IGNITION.IMG`. */
  file: string;
}

/**
 * Parse IGNINFO.JSO.
 * @throws IsoError `decoding igninfo` when it is not JSON or the fields have the wrong type.
 */
export function parseIgnInfo(bytes: Buffer): IgnInfo {
  return withContextSync('decoding igninfo', () => {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new IsoError('expected a JSON object');
    const { file, offset, length } = value as Record<string, unknown>;
    if (typeof file !== 'string') throw new IsoError('missing field `file`');
    const info: IgnInfo = { file };
    const parsedOffset = optionalSize(offset, 'offset');
    const parsedLength = optionalSize(length, 'length');
    if (parsedOffset !== undefined) info.offset = parsedOffset;
    if (parsedLength !== undefined) info.length = parsedLength;
    return info;
  });
}

function optionalSize(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new IsoError(`field \`${field}\` must be a non-negative integer`);
  }
  return value;
}

/**
 * Compute the area from the IGNINFO description and the record of its file.
 * @throws IsoError when the offset/length do not fit inside that file.
 */
export function areaFromIgnInfo(info: IgnInfo, extent: number, fileLength: number): EmbedArea {
  const inFile = info.offset ?? 0;
  if (inFile > fileLength)
    throw new IsoError(`embed area offset ${inFile} is beyond the end of ${info.file} (${fileLength} bytes)`);
  const length = info.length ?? fileLength - inFile;
  return { offset: extent * SECTOR_SIZE + inFile, length, file: info.file.toUpperCase() };
}

/**
 * Find the embed area of an opened ISO and check it lies inside the image.
 * @throws IsoError `Unrecognized CoreOS ISO image.` (with the specific reason as cause)
 *   when there is no area or its description is invalid.
 */
export async function locateEmbedArea(iso: IsoFs, imageSize: number): Promise<EmbedArea> {
  return withContext(UNRECOGNIZED_ISO, async () => {
    const info = await readIgnInfo(iso);
    const record = await withContext('finding initrd embed area', () => iso.getPath(info.file.toUpperCase()));
    if (record.isDirectory) throw new IsoError(`entry ${record.name} is a directory`);
    const area = areaFromIgnInfo(info, record.extent, record.length);
    if (area.offset + area.length > imageSize) {
      throw new IsoError('reading initrd embed area', {
        cause: new IsoError(`reading ${area.length} bytes at ${area.offset}: unexpected end of file`),
      });
    }
    return area;
  });
}

async function readIgnInfo(iso: IsoFs): Promise<IgnInfo> {
  let record;
  try {
    record = await iso.getPath(IGNINFO_PATH);
  } catch (error) {
    if (error instanceof IsoNotFoundError) return { file: DEFAULT_EMBED_PATH };
    throw error;
  }
  const bytes = await withContext('reading igninfo', () => iso.readFile(record));
  return parseIgnInfo(bytes);
}
