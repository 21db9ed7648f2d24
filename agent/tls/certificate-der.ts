/**
 * The DER of the auto-TLS certificate (RFC 5280 §4.1): a v3, self-signed,
 * ECDSA-with-SHA-512 certificate whose subject and issuer are one CN and whose
 * only extension is a critical SubjectAltName holding one iPAddress. The same
 * certificate as IPA's ironic_python_agent/tls_utils.py _generate_tls_certificate
 * (openstack/ironic-python-agent) builds with `cryptography`.
 *
 * Pure: the key pair, the serial's randomness and the signature come from the caller.
 */
import { isIPv4 } from 'node:net';
import { isIpv6 } from '../../common/net/ip.js';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  unsignedInteger,
  utf8String,
  validityTime,
} from './der.js';

/** id-at-commonName (X.520). */
const OID_COMMON_NAME = '2.5.4.3';
/** ecdsa-with-SHA512 (RFC 5758 §3.2; the parameters are absent). */
const OID_ECDSA_WITH_SHA512 = '1.2.840.10045.4.3.4';
/** id-ce-subjectAltName (RFC 5280 §4.2.1.6). */
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
/** ub-common-name (RFC 5280 Appendix A.1). */
export const MAX_COMMON_NAME_LENGTH = 64;
/** X.509 v3 is INTEGER 2. */
const VERSION_3 = 2;

/** What {@link tbsCertificate} encodes. */
export interface CertificateFields {
  /** The serial's big-endian bytes: positive, at most 20 octets once encoded (RFC 5280 §4.1.2.2). */
  serial: Uint8Array;
  /** Subject and issuer CN, 1 to 64 characters. */
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** The DER SubjectPublicKeyInfo (`KeyObject.export({ type: 'spki', format: 'der' })`). */
  subjectPublicKeyInfo: Uint8Array;
  /** The SubjectAltName's iPAddress: 4 bytes (IPv4) or 16 (IPv6); see {@link ipAddressBytes}. */
  ipAddress: Uint8Array;
}

/**
 * The DER TBSCertificate of `fields`, to be signed with ECDSA over SHA-512.
 * @throws RangeError on a serial, CN, validity or address the profile does not allow
 */
export function tbsCertificate(fields: CertificateFields): Buffer {
  checkFields(fields);
  const name = sequence(set(sequence(objectIdentifier(OID_COMMON_NAME), utf8String(fields.commonName))));
  const subjectAltName = sequence(implicitPrimitive(7, fields.ipAddress));
  const extensions = sequence(
    sequence(objectIdentifier(OID_SUBJECT_ALT_NAME), boolean(true), octetString(subjectAltName)),
  );
  return sequence(
    explicit(0, smallInteger(VERSION_3)),
    unsignedInteger(fields.serial),
    signatureAlgorithm(),
    name,
    sequence(validityTime(fields.notBefore), validityTime(fields.notAfter)),
    name,
    Buffer.from(fields.subjectPublicKeyInfo),
    explicit(3, extensions),
  );
}

/** The DER Certificate: `tbs`, the algorithm, and the DER ECDSA-Sig-Value `signature` over `tbs`. */
export function signedCertificate(tbs: Uint8Array, signature: Uint8Array): Buffer {
  return sequence(tbs, signatureAlgorithm(), bitString(signature));
}

/** PEM of `der` with the `label` (RFC 7468): base64 in 64-character lines, ending with a newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The network-order bytes of an IPv4 (4) or IPv6 (16) address, as the
 * iPAddress GeneralName holds them (RFC 5280 §4.2.1.6).
 * @throws RangeError when `ip` is not an IP address (zone ids and brackets included)
 */
export function ipAddressBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  // isIpv6, as node's isIPv6, accepts a zone id (`fe80::1%eth0`), which has no place in a certificate
  if (!isIpv6(ip) || ip.includes('%')) throw new RangeError(`not an IP address: ${JSON.stringify(ip)}`);
  const [head = '', tail] = ip.split('::');
  const left = ipv6Groups(head);
  const right = tail === undefined ? [] : ipv6Groups(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  const bytes = Buffer.alloc(16);
  [...left, ...zeros, ...right].forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/** The 16-bit groups of one side of `::`; a trailing dotted IPv4 gives two. */
function ipv6Groups(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [Number.parseInt(group, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

function signatureAlgorithm(): Buffer {
  return sequence(objectIdentifier(OID_ECDSA_WITH_SHA512));
}

function checkFields(fields: CertificateFields): void {
  const { serial, commonName, notBefore, notAfter, ipAddress } = fields;
  const significant = serial.findIndex((byte) => byte !== 0);
  const encodedLength = serial.length - significant + ((serial[significant] ?? 0) & 0x80 ? 1 : 0);
  if (significant < 0 || encodedLength > 20) {
    throw new RangeError('the serial must be a positive number of at most 20 octets (RFC 5280 4.1.2.2)');
  }
  const characters = [...commonName].length;
  if (characters === 0 || characters > MAX_COMMON_NAME_LENGTH) {
    throw new RangeError(`the common name must have 1 to ${MAX_COMMON_NAME_LENGTH} characters, got ${characters}`);
  }
  if (!(notBefore.getTime() < notAfter.getTime())) {
    throw new RangeError(`notBefore ${notBefore.toISOString()} must be before notAfter ${notAfter.toISOString()}`);
  }
  if (ipAddress.length !== 4 && ipAddress.length !== 16) {
    throw new RangeError(`an iPAddress has 4 or 16 bytes, got ${ipAddress.length}`);
  }
}
