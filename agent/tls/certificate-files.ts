/**
 * Certificate files and checks that need no certificate generator (node:crypto
 * only), so the session store can use them without loading auto-tls.ts.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { BootStateStore } from '../../common/state/boot-state-store.js';

/** A certificate and its private key, PEM-encoded (key as PKCS#8). */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
}

/** Paths written by {@link writeTlsFiles}. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The auto-TLS certificate's file name in the state directory. */
export const TLS_CERT_FILE = 'agent.crt';
/** The auto-TLS key's file name in the state directory. */
export const TLS_KEY_FILE = 'agent.key';

const DAY_MS = 86_400_000;

/** Where {@link writeTlsFiles} puts the files in the state directory. */
export function tlsFilePaths(store: Pick<BootStateStore, 'path'>): TlsFiles {
  return { certFile: store.path(TLS_CERT_FILE), keyFile: store.path(TLS_KEY_FILE) };
}

/**
 * Write `agent.crt` (0644) and `agent.key` (0600) into the state directory (0700), atomically.
 * @returns the two paths
 * @throws the fs error
 */
export function writeTlsFiles(store: Pick<BootStateStore, 'path' | 'writeFile'>, material: TlsMaterial): TlsFiles {
  store.writeFile(TLS_KEY_FILE, material.keyPem, 0o600);
  store.writeFile(TLS_CERT_FILE, material.certPem, 0o644);
  return tlsFilePaths(store);
}

/** SHA-256 fingerprint of a PEM certificate (`AB:CD:…`). @throws if the PEM is not a certificate */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** Whether the private key belongs to the certificate (false for unreadable input). */
export function keyMatchesCertificate(material: TlsMaterial): boolean {
  try {
    return new X509Certificate(material.certPem).checkPrivateKey(createPrivateKey(material.keyPem));
  } catch {
    return false;
  }
}

/**
 * Why a saved auto-TLS certificate cannot be served again, or null when it
 * can: it must have the fingerprint recorded for this boot (Ironic refuses a
 * changed agent_verify_ca), match its key, name `advertiseIp` in its SAN, and
 * stay valid for at least a day after `now`.
 * @param cert - the parsed certificate of `material`
 */
export function tlsReuseProblem(
  material: TlsMaterial,
  cert: X509Certificate,
  expected: { fingerprint: string; advertiseIp: string; now: Date },
): string | null {
  if (cert.fingerprint256 !== expected.fingerprint) return 'fingerprint differs';
  if (!keyMatchesCertificate(material)) return 'key does not match';
  if (!cert.checkIP(expected.advertiseIp.replace(/^\[(.*)\]$/, '$1'))) return 'advertised IP changed';
  if (new Date(cert.validTo).getTime() - expected.now.getTime() < DAY_MS) return 'expires within a day';
  return null;
}
