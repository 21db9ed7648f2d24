/**
 * Parse and validate root device hints into typed, normalised hints. Pure.
 *
 * Port of IPA device_hints.parse_root_device_hints, with Ironic's `<range-in>`
 * for `size` (Ironic commit 322a10dc; IPA HEAD rejects it). Deliberate
 * differences, each turning an expression that can never match upstream (or
 * that crashes the matcher there) into an early, specific error:
 * - a numeric operator (`==`, `>=`, ...) on a text hint, `<range-in>` on a text
 *   hint, and a text operator (`s==`, `<in>`, `<or>`, ...) on `size`;
 * - an operator without a value, an empty `<or>` alternative, a malformed range;
 * - `<all-in>` takes whitespace-separated items (oslo's grammar); IPA quotes
 *   them into one item and then fails to evaluate it.
 */
import { HintError } from './hint-error.js';
import {
  HINT_TYPES,
  isNumericOperator,
  pyQuote,
  RANGE_OPERATOR,
  splitOperator,
  VALID_HINTS,
  type HintName,
  type NumericOperator,
  type StringHintName,
  type StringOperator,
} from './grammar.js';

/** `size` compared with a numeric operator, in GiB. */
export interface SizeHint {
  kind: 'size';
  name: 'size';
  op: NumericOperator;
  value: number;
  /** Normalised expression, e.g. `== 8`. */
  expression: string;
}

/** `size` with Ironic's `<range-in>`: `[`/`]` include a bound, `(`/`)` exclude it. */
export interface SizeRangeHint {
  kind: 'size-range';
  name: 'size';
  op: typeof RANGE_OPERATOR;
  lower: number;
  upper: number;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  expression: string;
}

/** A text hint; `values` are lower-cased and URL-quoted (one per `<or>` alternative / `<all-in>` item). */
export interface StringHint {
  kind: 'string';
  name: StringHintName;
  op: StringOperator;
  values: string[];
  expression: string;
}

/** `rotational`. */
export interface BoolHint {
  kind: 'bool';
  name: 'rotational';
  value: boolean;
  expression: string;
}

/** One parsed hint. */
export type ParsedHint = SizeHint | SizeRangeHint | StringHint | BoolHint;

/** The result of {@link parseRootDeviceHints}; hints keep the order they were given in. */
export interface ParsedHints {
  readonly kind: 'parsed-root-device-hints';
  readonly hints: readonly ParsedHint[];
  /** The hints as given. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** IPA's parsed form: name → normalised expression (boolean for rotational), e.g. `{size: "== 8"}`. */
  readonly normalized: Readonly<Record<string, string | boolean>>;
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** Whether `hints` means "no hints" (null, undefined, empty string, empty object or list), as Python's `not hints`. */
export function isEmptyHints(hints: unknown): boolean {
  if (hints === null || hints === undefined || hints === '') return true;
  if (Array.isArray(hints)) return hints.length === 0;
  return typeof hints === 'object' && Object.keys(hints).length === 0;
}

/** Whether `value` is already the output of {@link parseRootDeviceHints}. */
export function isParsedHints(value: unknown): value is ParsedHints {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'parsed-root-device-hints'
  );
}

/**
 * Parse and validate a hints object such as `{"size": ">= 100", "rotational": false}`.
 * @returns the parsed hints, or null when there are no hints ({@link isEmptyHints})
 * @throws HintError naming the bad hint (and, for unknown names, listing the valid ones)
 */
export function parseRootDeviceHints(hints: unknown): ParsedHints | null {
  if (isEmptyHints(hints)) return null;
  if (typeof hints !== 'object' || hints === null || Array.isArray(hints)) {
    throw new HintError(
      `Root device hints must be a JSON object mapping hint names to values, e.g. {"size": ">= 100"}; got ${show(hints)}`,
    );
  }
  const raw = hints as Record<string, unknown>;
  const invalid = Object.keys(raw).filter((k) => !(VALID_HINTS as readonly string[]).includes(k));
  if (invalid.length > 0) {
    throw new HintError(`The hints "${invalid.join(', ')}" are invalid. Valid hints are: "${VALID_HINTS.join(', ')}"`);
  }
  const parsed = Object.entries(raw).map(([name, value]) => parseHint(name as HintName, value));
  const normalized: Record<string, string | boolean> = {};
  for (const hint of parsed) normalized[hint.name] = hint.kind === 'bool' ? hint.value : hint.expression;
  return { kind: 'parsed-root-device-hints', hints: parsed, raw: { ...raw }, normalized };
}

function parseHint(name: HintName, value: unknown): ParsedHint {
  const type = HINT_TYPES[name];
  if (type === 'int') return parseSize(value);
  if (type === 'bool') return parseRotational(value);
  return parseString(name as StringHintName, value);
}

function parseString(name: StringHintName, raw: unknown): StringHint {
  if (typeof raw !== 'string') {
    throw new HintError(`Root device hint "${name}" is not a string value. Hint expression: ${show(raw)}`);
  }
  const expression = raw.trim().toLowerCase();
  if (expression === '') throw new HintError(`Root device hint "${name}" expression is empty`);
  const { op, rest } = splitOperator(expression);
  if (op === null)
    return { kind: 'string', name, op: 's==', values: [pyQuote(expression)], expression: `s== ${pyQuote(expression)}` };
  if (op === RANGE_OPERATOR) {
    throw new HintError(
      `Root device hint "${name}" uses "<range-in>", which only works for "size"; for text use "s==", "<in>" or "<or>". Current value: ${raw}`,
    );
  }
  if (isNumericOperator(op)) {
    throw new HintError(
      `Root device hint "${name}" uses the numeric operator "${op}", but "${name}" is text; ` +
        `use a string operator (s==, s!=, s>=, s>, s<=, s<, <in>, <or>, <all-in>), e.g. "s== ${rest}". Current value: ${raw}`,
    );
  }
  if (rest === '')
    throw new HintError(`Root device hint "${name}" has the operator "${op}" but no value. Current value: ${raw}`);
  const parts =
    op === '<or>' ? rest.split('<or>').map((p) => p.trim()) : op === '<all-in>' ? rest.split(/\s+/) : [rest];
  if (parts.some((p) => p === '')) {
    throw new HintError(
      `Root device hint "${name}" has an empty alternative; write "<or> a <or> b". Current value: ${raw}`,
    );
  }
  const values = parts.map(pyQuote);
  const text = op === '<or>' ? values.map((v) => `<or> ${v}`).join(' ') : `${op} ${values.join(' ')}`;
  return { kind: 'string', name, op, values, expression: text };
}

function parseSize(raw: unknown): SizeHint | SizeRangeHint {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new HintError(`Root device hint "size" is not an integer value. Current value: ${show(raw)}`);
  }
  const text = String(raw).trim().toLowerCase();
  if (text === '') throw new HintError('Root device hint "size" expression is empty');
  const { op, rest } = splitOperator(text);
  if (op === null) return sizeHint('==', text, raw);
  if (op === RANGE_OPERATOR) return parseRange(rest, raw);
  if (!isNumericOperator(op)) {
    throw new HintError(
      `Root device hint "size" compares sizes in GiB, but "${op}" is a text operator; ` +
        `use ==, !=, >=, >, <=, <, = (means >=) or "<range-in> ( low high )". Current value: ${String(raw)}`,
    );
  }
  if (rest === '')
    throw new HintError(`Root device hint "size" has the operator "${op}" but no value. Current value: ${String(raw)}`);
  return sizeHint(op, rest, raw);
}

function sizeHint(op: NumericOperator, text: string, raw: unknown): SizeHint {
  if (!/^[+-]?\d+$/.test(text))
    throw new HintError(`Root device hint "size" is not an integer value. Current value: ${String(raw)}`);
  const value = Number.parseInt(text, 10);
  if (value <= 0)
    throw new HintError(`Root device hint "size" should be a positive integer. Current value: ${String(raw)}`);
  return { kind: 'size', name: 'size', op, value, expression: `${op} ${value}` };
}

function parseRange(rest: string, raw: unknown): SizeRangeHint {
  const tokens = rest.split(/\s+/);
  const [open, low, high, close] = tokens;
  const shapeOk = tokens.length === 4 && (open === '[' || open === '(') && (close === ']' || close === ')');
  if (!shapeOk || low === undefined || high === undefined) {
    throw new HintError(
      'Root device hint "size" has a malformed range; write "<range-in> ( low high )" with spaces around every part, ' +
        `where "[" / "]" include a bound and "(" / ")" exclude it. Current value: ${String(raw)}`,
    );
  }
  const lower = toNumber(low);
  const upper = toNumber(high);
  if (lower === null || upper === null) {
    throw new HintError(`Root device hint "size" range bounds must be numbers of GiB. Current value: ${String(raw)}`);
  }
  if (lower > upper) {
    throw new HintError(
      `Root device hint "size" range lower bound must not exceed the upper bound. Current value: ${String(raw)}`,
    );
  }
  return {
    kind: 'size-range',
    name: 'size',
    op: RANGE_OPERATOR,
    lower,
    upper,
    lowerInclusive: open === '[',
    upperInclusive: close === ']',
    expression: `${RANGE_OPERATOR} ${open} ${low} ${high} ${close}`,
  };
}

function parseRotational(raw: unknown): BoolHint {
  let value: boolean | null = null;
  if (typeof raw === 'boolean') value = raw;
  else if (typeof raw === 'string' || typeof raw === 'number') {
    const text = String(raw).trim().toLowerCase();
    if (TRUE_STRINGS.includes(text)) value = true;
    else if (FALSE_STRINGS.includes(text)) value = false;
  }
  if (value === null)
    throw new HintError(`Root device hint "rotational" is not a Boolean value. Current value: ${show(raw)}`);
  return { kind: 'bool', name: 'rotational', value, expression: String(value) };
}

function toNumber(text: string): number | null {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}
