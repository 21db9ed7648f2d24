/**
 * The root-device-hint vocabulary: hint names and types, the operator grammar
 * of oslo.utils specs_matcher, and the value normalisation (lower-case,
 * trim, URL-quote) that both hints and device values go through. Pure.
 *
 * Facts from openstack/ironic-python-agent ironic_python_agent/device_hints.py,
 * openstack/ironic ironic/common/utils.py and openstack/oslo.utils
 * oslo_utils/specs_matcher.py; the operators are documented in openstack/ironic
 * doc/source/install/include/root-device-hints.inc.
 */

/** Every hint the agent accepts, in IPA's order (the order of the "Valid hints are" message). */
export const VALID_HINTS = [
  'size',
  'model',
  'wwn',
  'serial',
  'vendor',
  'wwn_with_extension',
  'wwn_vendor_extension',
  'name',
  'rotational',
  'hctl',
  'by_path',
  'tran',
] as const;

/** A valid hint name. */
export type HintName = (typeof VALID_HINTS)[number];

/** Hints that Ironic's own validation rejects although IPA (and this agent) accept them. */
export const IRONIC_REJECTED_HINTS: readonly HintName[] = ['tran'];

/** The value type of each hint: `int` (size in GiB), `str` or `bool`. */
export const HINT_TYPES: Readonly<Record<HintName, 'int' | 'str' | 'bool'>> = {
  size: 'int',
  model: 'str',
  wwn: 'str',
  serial: 'str',
  vendor: 'str',
  wwn_with_extension: 'str',
  wwn_vendor_extension: 'str',
  name: 'str',
  rotational: 'bool',
  hctl: 'str',
  by_path: 'str',
  tran: 'str',
};

/** The string-valued hints. */
export type StringHintName = Exclude<HintName, 'size' | 'rotational'>;

/** Numeric comparison operators; `=` means "greater than or equal" (legacy Nova meaning). */
export const NUMERIC_OPERATORS = ['=', '==', '!=', '>=', '>', '<=', '<'] as const;
/** A numeric operator. */
export type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

/** String operators: Python string comparisons, substring, any-of and all-of. */
export const STRING_OPERATORS = ['s==', 's!=', 's>=', 's>', 's<=', 's<', '<in>', '<or>', '<all-in>'] as const;
/** A string operator. */
export type StringOperator = (typeof STRING_OPERATORS)[number];

/** The range operator, only meaningful for `size`. */
export const RANGE_OPERATOR = '<range-in>';

/** Any operator of the grammar. */
export type Operator = NumericOperator | StringOperator | typeof RANGE_OPERATOR;

/**
 * Prefixes tried in this order, as oslo's grammar does: the n-ary forms first,
 * then the unary operators with longer literals before their prefixes
 * (`==` before `=`, `<=` before `<`, `s<=` before `s<`).
 */
const DETECTION_ORDER: readonly Operator[] = [
  '<or>',
  '<all-in>',
  '<range-in>',
  '==',
  '=',
  '!=',
  '<in>',
  '>=',
  '<=',
  '>',
  '<',
  's==',
  's!=',
  's<=',
  's<',
  's>=',
  's>',
];

/** An expression split into its leading operator (null when none) and the rest, trimmed. */
export interface SplitExpression {
  op: Operator | null;
  rest: string;
}

/**
 * Find the operator an expression starts with. The expression should already
 * be trimmed and lower-cased. No operator means the whole text is the value.
 */
export function splitOperator(expression: string): SplitExpression {
  for (const op of DETECTION_ORDER) {
    if (expression.startsWith(op)) return { op, rest: expression.slice(op.length).trim() };
  }
  return { op: null, rest: expression };
}

/** Whether `op` is one of the numeric operators. */
export function isNumericOperator(op: Operator): op is NumericOperator {
  return (NUMERIC_OPERATORS as readonly string[]).includes(op);
}

const UNRESERVED = /^[A-Za-z0-9_.~/-]$/;

/**
 * URL-quote like Python's `urllib.parse.quote(text)` (safe character `/`):
 * every byte of the UTF-8 encoding outside `A-Z a-z 0-9 _ . - ~ /` becomes
 * `%XX` (upper-case hex). Spaces become `%20`, `:` becomes `%3A`.
 */
export function pyQuote(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Normalise one device attribute value the way hint values are normalised:
 * trimmed, lower-cased, URL-quoted. Returns null for null/undefined and for
 * values that are empty after trimming (such a device never matches).
 */
export function normalizeDeviceValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().toLowerCase();
  return text === '' ? null : pyQuote(text);
}

/** Bytes in a GiB; sizes are compared in (float) GiB. */
export const GIB = 2 ** 30;
