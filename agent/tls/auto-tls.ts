/**
 * Automatic agent TLS: a self-signed EC certificate for the advertised IP,
 * which the agent sends to Ironic as `agent_verify_ca`.
 *
 * Port of IPA tls_utils.generate_tls_certificate: subject and issuer CN = the
 * hostname, a critical SubjectAltName holding only the IP, ECDSA with SHA-512,
 * back-dated by the allowed clock skew, valid for 30 days (IPA's effective
 * validity). Unlike IPA, the key file is written 0600, and the CN is cut to
 * 64 characters. node:crypto makes the key and the signature; the DER is our
 * own (certificate-der.ts), so no X.509 library is loaded.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import { ipFamily } from '../../common/net/ip.js';
import { promisify } from 'node:util';
import { ConfigError } from '../../common/errors.js';
import type { TlsMaterial } from './certificate-files.js';
import {
  MAX_COMMON_NAME_LENGTH,
  ipAddressBytes,
  pemEncode,
  signedCertificate,
  tbsCertificate,
} from './certificate-der.js';

export type { TlsFiles, TlsMaterial } from './certificate-files.js';
export { certificateFingerprint, keyMatchesCertificate, writeTlsFiles } from './certificate-files.js';

/** IPA's `tls_certificate_curve` values. */
export type CurveName = 'p256' | 'p384' | 'p521';

/** Input of {@link generateSelfSignedCertificate}. */
export interface SelfSignedRequest {
  /** The IP put in the SubjectAltName (IPv4 or IPv6; brackets and zone ids are dropped). */
  advertiseIp: string;
  /** Subject/issuer CN (UTF8String); cut to 64 characters (the X.520 limit); the IP when empty. */
  hostname: string;
  /** Default p384. */
  curve?: CurveName;
  /** Seconds notBefore lies in the past. Default 3600. */
  clockSkewSec?: number;
  /** Days from `now` to notAfter. Default 30. */
  validDays?: number;
  /** The current time (notBefore and notAfter count from it). */
  now: Date;
}

/** node:crypto's names of the curves (NIST P-256, P-384, P-521). */
const CURVES: Record<CurveName, string> = { p256: 'P-256', p384: 'P-384', p521: 'P-521' };
const DAY_MS = 86_400_000;
const generateEcKeyPair = promisify(generateKeyPair);

/**
 * Generate a key pair on the curve and a self-signed certificate for the IP.
 * @throws ConfigError when `advertiseIp` is not an IP address (auto-TLS cannot cover a host name)
 */
export async function generateSelfSignedCertificate(request: SelfSignedRequest): Promise<TlsMaterial> {
  const ip = normaliseIp(request.advertiseIp);
  const { now } = request;
  const { publicKey, privateKey } = await generateEcKeyPair('ec', { namedCurve: CURVES[request.curve ?? 'p384'] });
  const name = request.hostname.trim() === '' ? ip : request.hostname.trim();
  const tbs = tbsCertificate({
    serial: randomSerial(),
    commonName: [...name].slice(0, MAX_COMMON_NAME_LENGTH).join(''),
    notBefore: new Date(now.getTime() - (request.clockSkewSec ?? 3600) * 1000),
    notAfter: new Date(now.getTime() + (request.validDays ?? 30) * DAY_MS),
    subjectPublicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }),
    ipAddress: ipAddressBytes(ip),
  });
  // An EC key signs as a DER ECDSA-Sig-Value, the form X.509 carries (RFC 5758 §3.2).
  const certificate = signedCertificate(tbs, sign('sha512', tbs, privateKey));
  return {
    certPem: pemEncode('CERTIFICATE', certificate),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function normaliseIp(value: string): string {
  const ip = value
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  if (ipFamily(ip) === 0) {
    throw new ConfigError(
      `auto-TLS needs an IP address for the certificate, got ${JSON.stringify(value)}: ` +
        'set advertise_host to an IP address, or disable enable_auto_tls and use listen_tls',
    );
  }
  return ip;
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 serials). */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes;
}
