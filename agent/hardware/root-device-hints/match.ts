/**
 * Match block devices against root device hints, explain mismatches, and
 * guess the root disk when there are no hints. Pure.
 *
 * Port of IPA device_hints.find_devices_by_hints / match_root_device_hints and
 * utils.guess_root_disk, with Ironic's `<range-in>` for size. A device must
 * satisfy every hint (AND); matches keep the input (lsblk) order. One
 * difference, for root selection only: a device attribute that is null never
 * matches (IPA compares the text "none", so a hint "none" would match a missing
 * model). The skip list passes `nullAsNone` to get IPA's behaviour.
 */
import { DeviceNotFound } from '../../../common/errors.js';
import type { BlockDevice } from '../types.js';
import { HintError } from './hint-error.js';
import { GIB, normalizeDeviceValue, type HintName, type NumericOperator } from './grammar.js';
import { isParsedHints, parseRootDeviceHints, type ParsedHint, type ParsedHints, type StringHint } from './parse.js';

/** A device that satisfied every hint, and why. */
export interface HintMatch {
  device: BlockDevice;
  /** Every hint with the device's value, e.g. `size 8 GiB (8589934592 bytes) satisfies "== 8"`. */
  reason: string;
}

/** The first hint a device failed. */
export interface HintMismatch {
  hint: HintName;
  /** The normalised hint expression, e.g. `>= 10`. */
  expression: string;
  /** The device's value as shown to people, e.g. `5 GiB (5368709120 bytes)` or `"QEMU HARDDISK"` or `none`. */
  deviceValue: string;
  /** One sentence, e.g. `size 5 GiB (5368709120 bytes) does not satisfy ">= 10"`. */
  reason: string;
}

/** Disks smaller than this are never guessed as the root disk (IPA's 4 GiB). */
export const MIN_ROOT_DISK_SIZE = 4 * GIB;

/** Options of {@link findDevicesByHints}. */
export interface MatchOptions {
  /**
   * Compare a text attribute the device lacks (null) as the string "none", as
   * IPA does (so `s!= nvme` matches a disk without `tran`). Default false: such
   * an attribute matches no hint.
   */
  nullAsNone?: boolean;
}

interface Evaluation {
  ok: boolean;
  shown: string;
  sentence: string;
}

/**
 * Why `device` does not satisfy `hints`: the first failing hint in hint order,
 * or null when it satisfies all of them.
 */
export function explainMismatch(device: BlockDevice, hints: ParsedHints): HintMismatch | null {
  for (const hint of hints.hints) {
    const result = evaluate(device, hint);
    if (!result.ok)
      return { hint: hint.name, expression: hint.expression, deviceValue: result.shown, reason: result.sentence };
  }
  return null;
}

/**
 * Every device that satisfies all hints, in input order, each with the reason.
 * @param hints - raw hints (validated here) or the output of parseRootDeviceHints
 * @throws HintError when the hints are invalid or empty
 */
export function findDevicesByHints(
  devices: readonly BlockDevice[],
  hints: unknown,
  options: MatchOptions = {},
): HintMatch[] {
  const parsed = toParsed(hints);
  const matches: HintMatch[] = [];
  for (const device of devices) {
    const results = parsed.hints.map((hint) => evaluate(device, hint, options.nullAsNone === true));
    if (results.every((r) => r.ok)) matches.push({ device, reason: results.map((r) => r.sentence).join('; ') });
  }
  return matches;
}

/**
 * The first device (in input order) that satisfies all hints, or null.
 * @throws HintError when the hints are invalid or empty
 */
export function matchRootDeviceHints(devices: readonly BlockDevice[], hints: unknown): BlockDevice | null {
  return findDevicesByHints(devices, hints)[0]?.device ?? null;
}

/**
 * IPA's default root disk: the smallest device of at least `minSize` bytes,
 * ties broken by name. Does not reorder the input.
 * @throws DeviceNotFound (IPA's text) when every device is smaller
 */
export function guessRootDisk(devices: readonly BlockDevice[], minSize: number = MIN_ROOT_DISK_SIZE): BlockDevice {
  const sorted = [...devices].sort((a, b) => a.size - b.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const device = sorted.find((d) => d.size >= minSize);
  if (device === undefined) {
    throw new DeviceNotFound(
      'No suitable device was found for deployment - root device hints were not provided ' +
        `and all found block devices are smaller than ${minSize}B.`,
    );
  }
  return device;
}

/** `8 GiB (8589934592 bytes)` or `465.76 GiB (500107862016 bytes)`. */
export function formatSize(bytes: number): string {
  const gib = bytes / GIB;
  return `${Number.isInteger(gib) ? String(gib) : gib.toFixed(2)} GiB (${bytes} bytes)`;
}

function toParsed(hints: unknown): ParsedHints {
  const parsed = isParsedHints(hints) ? hints : parseRootDeviceHints(hints);
  if (parsed === null)
    throw new HintError('No root device hints were given; there is nothing to match devices against');
  return parsed;
}

function evaluate(device: BlockDevice, hint: ParsedHint, nullAsNone = false): Evaluation {
  if (hint.kind === 'bool') {
    const ok = device.rotational === hint.value;
    return verdict(ok, String(device.rotational), 'rotational', hint.expression);
  }
  if (hint.kind === 'size' || hint.kind === 'size-range') {
    const gib = device.size / GIB;
    const ok =
      hint.kind === 'size'
        ? compareNumbers(hint.op, gib, hint.value)
        : (hint.lowerInclusive ? gib >= hint.lower : gib > hint.lower) &&
          (hint.upperInclusive ? gib <= hint.upper : gib < hint.upper);
    return verdict(ok, formatSize(device.size), 'size', hint.expression);
  }
  const raw = deviceValues(device, hint.name);
  // IPA: str(None).lower() == "none"; an empty string still matches nothing.
  if (raw.length === 0 && nullAsNone) return verdict(matchString(hint, 'none'), 'none', hint.name, hint.expression);
  const normalized = raw.map(normalizeDeviceValue).filter((v): v is string => v !== null);
  if (normalized.length === 0) {
    return {
      ok: false,
      shown: 'none',
      sentence: `${hint.name} is unknown for this device, so it cannot satisfy "${hint.expression}"`,
    };
  }
  const shown = raw.length === 1 ? JSON.stringify(raw[0]) : JSON.stringify(raw);
  return verdict(
    normalized.some((v) => matchString(hint, v)),
    shown,
    hint.name,
    hint.expression,
  );
}

function verdict(ok: boolean, shown: string, name: string, expression: string): Evaluation {
  return { ok, shown, sentence: `${name} ${shown} ${ok ? 'satisfies' : 'does not satisfy'} "${expression}"` };
}

/** The device's value(s) for a text hint; serial and wwn may have several (lsblk and udev). Nulls are dropped. */
function deviceValues(device: BlockDevice, name: StringHint['name']): string[] {
  const list = name === 'serial' ? device.all_serials : name === 'wwn' ? device.all_wwns : undefined;
  const values = [device[name], ...(list ?? [])].filter((v): v is string => typeof v === 'string');
  return [...new Set(values)];
}

function matchString(hint: StringHint, value: string): boolean {
  const first = hint.values[0] ?? '';
  switch (hint.op) {
    case 's==':
      return value === first;
    case 's!=':
      return value !== first;
    case 's>=':
      return value >= first;
    case 's>':
      return value > first;
    case 's<=':
      return value <= first;
    case 's<':
      return value < first;
    case '<in>':
      return value.includes(first);
    case '<or>':
      return hint.values.includes(value);
    case '<all-in>':
      return hint.values.every((item) => value.includes(item));
  }
}

function compareNumbers(op: NumericOperator, x: number, y: number): boolean {
  switch (op) {
    case '=':
      return x >= y;
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '>=':
      return x >= y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '<':
      return x < y;
  }
}
