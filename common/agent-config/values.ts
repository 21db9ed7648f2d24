/**
 * Pure conversion of raw option text (from a file, the kernel command line,
 * the environment or a flag) into the typed value an option holds.
 */
import type { OptionSpec, OptionType } from './option-spec.js';

/** A raw value did not fit its option's type; `expected` says what would. */
export class InvalidValueError extends Error {
  constructor(readonly expected: string) {
    super(`expected ${expected}`);
    this.name = 'InvalidValueError';
  }
}

/** oslo.config's boolean spellings (compared case-insensitively). */
const TRUE_WORDS = ['true', '1', 'on', 'yes'];
const FALSE_WORDS = ['false', '0', 'off', 'no'];

/**
 * Convert `raw` for `spec`. Surrounding whitespace is ignored. An empty value
 * resets options whose default is null (and lists) to "unset".
 * @throws InvalidValueError naming what the option expects
 */
export function convertValue(spec: OptionSpec, raw: string): unknown {
  const value = raw.trim();
  const type = spec.type;
  if (value === '' && spec.default === null) return null;
  switch (type.kind) {
    case 'string':
      return convertString(type, value);
    case 'path':
      return convertPath(value);
    case 'int':
      return convertNumber(type, value, true);
    case 'float':
      return convertNumber(type, value, false);
    case 'bool':
      return convertBool(value);
    case 'enum':
      return convertEnum(type.choices, value);
    case 'list':
      return convertList(type, value);
    case 'url-list':
      return convertUrlList(type.joined === true, value);
  }
}

/** Parse an oslo-style boolean. @throws InvalidValueError */
export function convertBool(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new InvalidValueError('a boolean (true/false, yes/no, 1/0, on/off)');
}

/** Describe what a type accepts, for help text and errors. */
export function describeType(type: OptionType): string {
  switch (type.kind) {
    case 'string':
      return type.expected ?? 'a string';
    case 'path':
      return 'an absolute path';
    case 'int':
    case 'float':
      return describeNumber(type.kind === 'int' ? 'an integer' : 'a number', type.min, type.max);
    case 'bool':
      return 'a boolean (true/false, yes/no, 1/0, on/off)';
    case 'enum':
      return `one of: ${type.choices.join(', ')}`;
    case 'list':
      return type.expected ?? 'a comma-separated list';
    case 'url-list':
      return 'comma-separated http:// or https:// URLs';
  }
}

function convertString(type: Extract<OptionType, { kind: 'string' }>, value: string): string {
  if (type.pattern !== undefined && !type.pattern.test(value)) throw new InvalidValueError(describeType(type));
  return value;
}

function convertPath(value: string): string {
  if (!value.startsWith('/')) throw new InvalidValueError('an absolute path');
  return value;
}

function convertNumber(type: { min?: number; max?: number }, value: string, integer: boolean): number {
  const wanted = describeNumber(integer ? 'an integer' : 'a number', type.min, type.max);
  const shape = integer ? /^[+-]?\d+$/ : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
  if (!shape.test(value)) throw new InvalidValueError(wanted);
  const number = Number(value);
  if (!Number.isFinite(number) || (integer && !Number.isSafeInteger(number))) throw new InvalidValueError(wanted);
  if (type.min !== undefined && number < type.min) throw new InvalidValueError(wanted);
  if (type.max !== undefined && number > type.max) throw new InvalidValueError(wanted);
  return number;
}

function describeNumber(what: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${what} ${min}-${max}`;
  if (min !== undefined) return `${what} >= ${min}`;
  if (max !== undefined) return `${what} <= ${max}`;
  return what;
}

function convertEnum(choices: readonly string[], value: string): string {
  const match = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (match === undefined) throw new InvalidValueError(`one of: ${choices.join(', ')}`);
  return match;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function convertList(type: Extract<OptionType, { kind: 'list' }>, value: string): string[] {
  const items = splitList(value);
  const pattern = type.itemPattern;
  if (pattern !== undefined && items.some((item) => !pattern.test(item)))
    throw new InvalidValueError(describeType(type));
  return items;
}

function convertUrlList(joined: boolean, value: string): string[] | string | null {
  const urls = splitList(value);
  for (const url of urls) checkUrl(url);
  if (!joined) return urls;
  return urls.length === 0 ? null : urls.join(',');
}

function checkUrl(url: string): void {
  if (url.toLowerCase() === 'mdns') {
    throw new InvalidValueError(
      'http:// or https:// URLs; mDNS discovery ("mdns") is not supported by this agent, ' +
        'so give the URL itself, e.g. http://192.0.2.1:6385',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidValueError('comma-separated http:// or https:// URLs');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw new InvalidValueError('comma-separated http:// or https:// URLs');
  }
}
