/**
 * The DER (ITU-T X.690) encodings an X.509 certificate needs, as pure
 * functions returning the complete TLV (tag, length, value) bytes.
 *
 * Only the single-byte tags below 31 are supported (all the certificate uses);
 * lengths use the short form below 128 and the minimal long form above.
 */

/** Universal tag numbers (X.680 §8.4) used here. */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The length octets of a content `length` bytes long (X.690 §8.1.3, DER §10.1: the shortest form). */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError(`DER length must be a natural number: ${length}`);
  if (length < 0x80) return Buffer.of(length);
  const octets = bigEndianOctets(length);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** The big-endian octets of a natural number, none for 0. */
function bigEndianOctets(value: number): number[] {
  const octets: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return octets;
}

/** A TLV of the single-byte `tag` around `content`. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
    throw new RangeError(`DER tag must be a single byte with a tag number below 31: ${tag}`);
  }
  return Buffer.concat([Buffer.of(tag), encodeLength(content.length), content]);
}

/** SEQUENCE of the already-encoded `items`, in order. */
export function sequence(...items: Uint8Array[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(items));
}

/** SET of the already-encoded `items`; DER sorts a SET OF, so pass one item or items already in order. */
export function set(...items: Uint8Array[]): Buffer {
  return tlv(TAG.set, Buffer.concat(items));
}

/** BOOLEAN; DER encodes TRUE as 0xFF (X.690 §11.1). */
export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.of(value ? 0xff : 0x00));
}

/**
 * INTEGER of the non-negative big-endian `magnitude`: leading zero bytes are
 * dropped and one zero byte is added when the high bit is set, so the value
 * stays positive in two's complement (X.690 §8.3).
 */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start += 1;
  const trimmed = magnitude.length === 0 ? Buffer.of(0) : Buffer.from(magnitude.subarray(start));
  const padded = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed;
  return tlv(TAG.integer, padded);
}

/** INTEGER of a small non-negative number. */
export function smallInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected a non-negative integer: ${value}`);
  return unsignedInteger(Uint8Array.from(bigEndianOctets(value)));
}

/** OBJECT IDENTIFIER of a dotted string such as `1.2.840.10045.4.3.4` (X.690 §8.19). */
export function objectIdentifier(dotted: string): Buffer {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(dotted)) throw new RangeError(`not a dotted object identifier: ${dotted}`);
  const arcs = dotted.split('.').map(BigInt);
  const [first = 0n, second = 0n, ...rest] = arcs;
  if (first < 2n && second > 39n) throw new RangeError(`second arc above 39 under ${first}: ${dotted}`);
  const subidentifiers = [first * 40n + second, ...rest].map(base128);
  return tlv(TAG.objectIdentifier, Buffer.concat(subidentifiers));
}

/** Base-128 digits, most significant first, with the continuation bit on all but the last. */
function base128(value: bigint): Buffer {
  const digits = [Number(value & 0x7fn)];
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) digits.unshift(Number(rest & 0x7fn) | 0x80);
  return Buffer.from(digits);
}

/** UTF8String of `text`. */
export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/** BIT STRING of whole bytes (no unused bits). */
export function bitString(bytes: Uint8Array): Buffer {
  return tlv(TAG.bitString, Buffer.concat([Buffer.of(0), bytes]));
}

/** OCTET STRING of `bytes`. */
export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.octetString, bytes);
}

/** Context-specific constructed `[tagNumber]` EXPLICIT around the already-encoded `inner`. */
export function explicit(tagNumber: number, inner: Uint8Array): Buffer {
  return tlv(0xa0 | contextTagNumber(tagNumber), inner);
}

/** Context-specific primitive `[tagNumber]` IMPLICIT holding the raw `content`. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Buffer {
  return tlv(0x80 | contextTagNumber(tagNumber), content);
}

function contextTagNumber(tagNumber: number): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) {
    throw new RangeError(`context tag number must be 0-30: ${tagNumber}`);
  }
  return tagNumber;
}

/**
 * A certificate validity time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for
 * 1950 through 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise; in UTC, with
 * the milliseconds dropped (the profile allows no fractional seconds).
 */
export function validityTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`a certificate time must fall in years 0000-9999: ${String(date)}`);
  }
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z';
  if (year >= 1950 && year <= 2049) return tlv(TAG.utcTime, Buffer.from(two(year % 100) + rest, 'ascii'));
  return tlv(TAG.generalizedTime, Buffer.from(String(year).padStart(4, '0') + rest, 'ascii'));
}
