/**
 * Small readers for untyped documents (the fleet file, the state file): each
 * returns the value or records a problem naming the field, so that a file with
 * several mistakes is reported in one go.
 */

/** Where problems are collected; the readers take `at`, the prefix naming the node or section. */
export interface Problems {
  readonly list: string[];
}

/** A JSON/YAML object (not null, not an array). */
export type Fields = Readonly<Record<string, unknown>>;

/** True for a plain object. */
export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Record a problem for every key of `value` not in `known` (typos must not pass silently). */
export function checkKnown(problems: Problems, at: string, value: Fields, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.list.push(`${at}unknown field "${key}" (known: ${known.join(', ')})`);
  }
}

/** A non-empty string without control characters, or undefined (recording why when present but bad). */
export function readString(problems: Problems, at: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f]/.test(value)) {
    problems.list.push(`${at}${field} must be a non-empty string`);
    return undefined;
  }
  return value;
}

/** An integer in [min, max], or undefined (recording why when present but bad). */
export function readInteger(
  problems: Problems,
  at: string,
  field: string,
  value: unknown,
  [min, max]: readonly [number, number],
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.list.push(
      `${at}${field} must be ${max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `${min}-${max}`}`,
    );
    return undefined;
  }
  return value;
}

/** An object, or undefined (recording why when present but not an object). */
export function readFields(problems: Problems, at: string, field: string, value: unknown): Fields | undefined {
  if (value === undefined) return undefined;
  if (!isFields(value)) {
    problems.list.push(`${at}${field} must be a mapping`);
    return undefined;
  }
  return value;
}

/** A non-empty list of non-empty strings (an argv), or undefined (recording why when present but bad). */
export function readArgv(problems: Problems, at: string, field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    problems.list.push(`${at}${field} must be a non-empty list of non-empty strings (an argv, no shell)`);
    return undefined;
  }
  return value as string[];
}
