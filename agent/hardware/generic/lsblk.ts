/**
 * Turn `lsblk --json` output into BlockDevice values, with IPA's filtering.
 * Pure: the shell that runs lsblk is block-devices.ts.
 *
 * Port of the parsing half of IPA hardware.list_all_block_devices. Kept:
 * disk, `raid*` and `mpath` types (and `part` when partitions are asked for); no floppies
 * (`fd*`), RAM disks (`ram*`, `zram*`), zero-size devices or duplicates;
 * multipath member paths are dropped in favour of the mpath device; a missing
 * required column is an error. Our additions: loop devices only on request
 * (the allowlist names them), an allowlist predicate applied before anything
 * else, optional read-only filtering, and lsblk's own VENDOR/HCTL as defaults.
 */
import { BlockDeviceError } from '../../../common/errors.js';
import type { BlockDevice } from '../types.js';

/** Columns requested from lsblk (all supported by util-linux 2.38). */
export const LSBLK_COLUMNS = [
  'KNAME',
  'MODEL',
  'SIZE',
  'ROTA',
  'TYPE',
  'UUID',
  'PARTUUID',
  'SERIAL',
  'WWN',
  'LOG-SEC',
  'PHY-SEC',
  'TRAN',
  'RO',
  'RM',
  'PKNAME',
  'HCTL',
  'VENDOR',
] as const;

/** Columns IPA requires; the rest are optional (older lsblk). */
export const REQUIRED_LSBLK_COLUMNS = LSBLK_COLUMNS.slice(0, 12);

/** The argv that produces what {@link parseLsblk} reads. */
export function lsblkArgv(): string[] {
  return ['lsblk', '-bia', '--json', '-o', LSBLK_COLUMNS.join(',')];
}

/** One lsblk row, keys lower-cased as lsblk prints them (`log-sec`). */
export type LsblkRow = Record<string, unknown>;

/** Options for {@link parseLsblk}. */
export interface ParseLsblkOptions {
  /** Also return partitions (type `part`), after the disks. Default false. */
  includePartitions?: boolean;
  /** Return loop devices (type `loop`). Default false, as IPA. */
  includeLoop?: boolean;
  /** Drop read-only devices (RO column). Default false. */
  excludeReadOnly?: boolean;
  /** Decides first, before any other rule, whether `/dev/<kname>` may be seen at all. Default: everything. */
  allow?: (path: string, row: LsblkRow) => boolean;
  /** Told about every allowed row that is dropped, and why. */
  onSkip?: (name: string, reason: string) => void;
}

/**
 * Parse lsblk JSON (text or already parsed) into devices, disks first in lsblk
 * order, then partitions when requested. Each disk also lists its partitions in
 * `partitions` when they are included.
 * @throws BlockDeviceError when the JSON is not lsblk output or a required column is missing
 */
export function parseLsblk(json: unknown, options: ParseLsblkOptions = {}): BlockDevice[] {
  const rows = lsblkRows(json);
  const allowed = rows.filter((row) => options.allow?.(`/dev/${String(row['kname'])}`, row) ?? true);
  const mpathMembers = new Set(
    rows
      .filter((r) => r['type'] === 'mpath')
      .map((r) => r['pkname'])
      .filter((p): p is string => typeof p === 'string'),
  );
  const disks = select(allowed, 'disk', mpathMembers, options);
  if (options.includePartitions !== true) return disks;
  const partitions = select(allowed, 'part', mpathMembers, options);
  for (const disk of disks) {
    const own = partitions.filter((p) => p.name !== disk.name && parentOf(allowed, p.name) === disk.name);
    if (own.length > 0) disk.partitions = own;
  }
  return [...disks, ...partitions];
}

/**
 * The rows of an lsblk report, flattened when lsblk printed a tree (`children`).
 * @throws BlockDeviceError when the input is not lsblk JSON
 */
export function lsblkRows(json: unknown): LsblkRow[] {
  let report: unknown = json;
  if (typeof json === 'string') {
    try {
      report = JSON.parse(json);
    } catch (error) {
      throw new BlockDeviceError(`Unable to decode lsblk output, invalid JSON: ${(error as Error).message}`);
    }
  }
  const devices = (report as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(devices)) throw new BlockDeviceError('lsblk output has no "blockdevices" list');
  const rows: LsblkRow[] = [];
  const walk = (list: unknown[]): void => {
    for (const row of list) {
      if (typeof row !== 'object' || row === null) continue;
      const { children, ...rest } = row as LsblkRow & { children?: unknown };
      rows.push(rest);
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(devices);
  return rows;
}

function select(
  rows: LsblkRow[],
  kind: 'disk' | 'part',
  mpathMembers: Set<string>,
  options: ParseLsblkOptions,
): BlockDevice[] {
  const out: BlockDevice[] = [];
  const skip = (name: string, reason: string): void => options.onSkip?.(name, reason);
  for (const row of rows) {
    const kname = String(row['kname'] ?? '');
    const name = `/dev/${kname}`;
    if (out.some((d) => d.name === name)) continue; // duplicates (mpath devices appear once per path)
    const type = typeof row['type'] === 'string' ? row['type'] : null;
    if (!typeWanted(type, kind, options)) {
      if (kind === 'disk' && type !== 'part') skip(name, `type ${type ?? 'unknown'} is not a disk`);
      continue;
    }
    if (kname.startsWith('fd')) {
      skip(name, 'floppy disk');
      continue;
    }
    if (kind === 'disk' && mpathMembers.has(kname)) {
      skip(name, 'path of a multipath device (the mpath device is used instead)');
      continue;
    }
    const missing = REQUIRED_LSBLK_COLUMNS.map((c) => c.toLowerCase()).filter((c) => !(c in row));
    if (missing.length > 0) throw new BlockDeviceError(`${missing.sort().join(', ')} must be returned by lsblk.`);
    if (kname.startsWith('ram') || kname.startsWith('zram')) {
      skip(name, 'RAM disk');
      continue;
    }
    const size = toInt(row['size']) ?? 0;
    if (size === 0) {
      skip(name, 'zero size');
      continue;
    }
    const readOnly = toBool(row['ro']);
    if (options.excludeReadOnly === true && readOnly) {
      skip(name, 'read-only');
      continue;
    }
    out.push(toDevice(row, name, size, type, readOnly));
  }
  return out;
}

function typeWanted(type: string | null, kind: 'disk' | 'part', options: ParseLsblkOptions): boolean {
  if (type === null) return false;
  if (kind === 'part') return type === 'part';
  if (type === 'disk' || type === 'mpath' || type.includes('raid')) return true;
  return type === 'loop' && options.includeLoop === true;
}

function toDevice(row: LsblkRow, name: string, size: number, type: string | null, readOnly: boolean): BlockDevice {
  const serial = text(row['serial']);
  const wwn = text(row['wwn']);
  const device: BlockDevice = {
    name,
    model: typeof row['model'] === 'string' ? row['model'] : null,
    size,
    rotational: toBool(row['rota']),
    wwn,
    serial,
    vendor: text(row['vendor']),
    wwn_with_extension: null,
    wwn_vendor_extension: null,
    hctl: text(row['hctl']),
    by_path: null,
    logical_sectors: toInt(row['log-sec']),
    physical_sectors: toInt(row['phy-sec']),
    tran: text(row['tran']),
    read_only: readOnly,
    removable: toBool(row['rm']),
    all_serials: serial === null ? [] : [serial],
    all_wwns: wwn === null ? [] : [wwn],
  };
  if (type !== null) device.type = type;
  return device;
}

function parentOf(rows: LsblkRow[], name: string): string | null {
  const row = rows.find((r) => `/dev/${String(r['kname'])}` === name);
  return typeof row?.['pkname'] === 'string' ? `/dev/${row['pkname']}` : null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number.parseInt(value, 10);
  return null;
}

/** lsblk ≥ 2.33 prints JSON booleans; older versions print "0"/"1". */
function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return String(value ?? '').trim() === '1';
}
