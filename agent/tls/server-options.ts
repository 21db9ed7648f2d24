/**
 * node:https server options for the agent API, with IPA's TLS policy
 * (utils.create_ssl_context('server')): TLS 1.2 and 1.3, or 1.3 only; for 1.2
 * the ECDHE AES-GCM suites unless `tls_cipher_suites` says otherwise (TLS 1.3
 * suites stay OpenSSL's defaults, as in IPA); no client certificates.
 */
import type { ServerOptions } from 'node:https';
import type { TlsMaterial } from './auto-tls.js';

/** IPA's default TLS 1.2 cipher list. */
export const DEFAULT_TLS12_CIPHERS =
  'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256';

/** Input of {@link tlsServerOptions}. */
export interface TlsServerOptionsInput extends TlsMaterial {
  /** `tls_min_version`. Default '1.2'. */
  minVersion?: '1.2' | '1.3';
  /** `tls_cipher_suites` (OpenSSL list for TLS 1.2). Default {@link DEFAULT_TLS12_CIPHERS}. */
  cipherSuites?: string | null;
}

/** Options for `https.createServer`. */
export function tlsServerOptions(input: TlsServerOptionsInput): ServerOptions {
  const options: ServerOptions = {
    cert: input.certPem,
    key: input.keyPem,
    minVersion: input.minVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    honorCipherOrder: true,
    requestCert: false,
  };
  // node applies a list of TLS 1.2 names to TLS 1.2 only; TLS 1.3 keeps its default suites.
  if (input.minVersion !== '1.3') options.ciphers = input.cipherSuites ?? DEFAULT_TLS12_CIPHERS;
  return options;
}
