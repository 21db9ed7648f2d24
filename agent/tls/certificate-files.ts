/**
 * Certificate files and checks that need no X.509 generator (node:crypto
 * only), so the token store can use them without loading @peculiar/x509.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../../common/state/atomic-write.js';

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

/**
 * Write `agent.crt` (0644) and `agent.key` (0600) into `dir` (created 0700), atomically.
 * @returns the two paths
 */
export function writeTlsFiles(dir: string, material: TlsMaterial): TlsFiles {
  ensurePrivateDir(dir);
  const files = { certFile: join(dir, 'agent.crt'), keyFile: join(dir, 'agent.key') };
  writeFileAtomic(files.keyFile, material.keyPem, 0o600);
  writeFileAtomic(files.certFile, material.certPem, 0o644);
  return files;
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
