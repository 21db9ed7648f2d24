/**
 * Automatic agent TLS: a self-signed EC certificate for the advertised IP,
 * which the agent sends to Ironic as `agent_verify_ca`.
 *
 * Port of IPA tls_utils.generate_tls_certificate: subject and issuer CN = the
 * hostname, a critical SubjectAltName holding only the IP, ECDSA with SHA-512,
 * back-dated by the allowed clock skew, valid for 30 days (IPA's effective
 * validity). Unlike IPA, the key file is written 0600.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigError } from '../../common/errors.js';
import type { TlsMaterial } from './certificate-files.js';

export type { TlsFiles, TlsMaterial } from './certificate-files.js';
export { certificateFingerprint, keyMatchesCertificate, writeTlsFiles } from './certificate-files.js';

/** IPA's `tls_certificate_curve` values. */
export type CurveName = 'p256' | 'p384' | 'p521';

/** Input of {@link generateSelfSignedCertificate}. */
export interface SelfSignedRequest {
  /** The IP put in the SubjectAltName (IPv4 or IPv6; brackets and zone ids are dropped). */
  advertiseIp: string;
  /** Subject/issuer CN; cut to 64 characters (the X.520 limit); the IP when empty. */
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

const CURVES: Record<CurveName, string> = { p256: 'P-256', p384: 'P-384', p521: 'P-521' };
const DAY_MS = 86_400_000;

/**
 * Generate a key pair on the curve and a self-signed certificate for the IP.
 * @throws ConfigError when `advertiseIp` is not an IP address (auto-TLS cannot cover a host name)
 */
export async function generateSelfSignedCertificate(request: SelfSignedRequest): Promise<TlsMaterial> {
  const ip = normaliseIp(request.advertiseIp);
  const { now } = request;
  const algorithm = { name: 'ECDSA', namedCurve: CURVES[request.curve ?? 'p384'] };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const commonName = (request.hostname.trim() === '' ? ip : request.hostname.trim()).slice(0, 64);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [commonName] }],
      notBefore: new Date(now.getTime() - (request.clockSkewSec ?? 3600) * 1000),
      notAfter: new Date(now.getTime() + (request.validDays ?? 30) * DAY_MS),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-512' },
      keys,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: ip }], true)],
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n` };
}

function normaliseIp(value: string): string {
  const ip = value
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  if (isIP(ip) === 0) {
    throw new ConfigError(
      `auto-TLS needs an IP address for the certificate, got ${JSON.stringify(value)}: ` +
        'set advertise_host to an IP address, or disable enable_auto_tls and use listen_tls',
    );
  }
  return ip;
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 serials). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
