/**
 * Decide how the API is served: static TLS (`listen_tls`), IPA's auto-TLS
 * (a self-signed EC certificate for the advertised IP, sent to Ironic as
 * `agent_verify_ca`), or plain HTTP. The auto-TLS certificate is reused across
 * agent restarts within one boot, since Ironic refuses a changed agent_verify_ca.
 */
import { hostname } from 'node:os';
import type { ServerOptions } from 'node:https';
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Clock } from '../../common/clock.js';
import type { Fs } from '../../common/fs/fs.js';
import type { Logger } from '../logger.js';
import { tlsServerOptions } from '../tls/server-options.js';
import { loadStaticTls } from '../tls/static-tls.js';
import type { SessionStore } from '../state/session-store.js';

/** The outcome: protocol for the callback URL, server options, and the PEM Ironic must trust. */
export interface TlsSetup {
  protocol: 'http' | 'https';
  server: ServerOptions | null;
  verifyCa: string | null;
}

/** What {@link setupTls} reads and writes through (built in the composition root). */
export interface TlsDeps {
  /** This boot's session, which keeps the auto-TLS certificate for reuse. */
  store: SessionStore;
  logger: Logger;
  /** Reads the static certificate and key. */
  fs: Pick<Fs, 'readFile'>;
  /** Expiry checks and the new certificate's validity. */
  clock: Pick<Clock, 'now'>;
}

/** Ironic's first microversion that accepts agent_verify_ca (IPA enables auto-TLS only from here). */
export const AUTO_TLS_MIN_VERSION = '1.68';

/**
 * @param ironicSupportsAutoTls - Ironic's maximum version is at least 1.68
 */
export async function setupTls(
  config: AgentConfig,
  advertiseHost: string,
  ironicSupportsAutoTls: boolean,
  deps: TlsDeps,
): Promise<TlsSetup> {
  const { store, logger } = deps;
  const now = new Date(deps.clock.now());
  const server = (material: { certPem: string; keyPem: string }): ServerOptions =>
    tlsServerOptions({ ...material, minVersion: config.tlsMinVersion, cipherSuites: config.tlsCipherSuites });
  if (config.listenTls) {
    const material = await loadStaticTls(
      requirePath(config.tlsCertFile, 'tls_cert_file'),
      requirePath(config.tlsKeyFile, 'tls_key_file'),
      { fs: deps.fs, now },
    );
    logger.info('Serving the API with static TLS', { certFile: config.tlsCertFile });
    return { protocol: 'https', server: server(material), verifyCa: null };
  }
  if (!config.enableAutoTls || config.standalone)
    return { protocol: config.advertiseProtocol, server: null, verifyCa: null };
  if (!ironicSupportsAutoTls) {
    logger.warn('Ironic is older than API 1.68 and cannot verify the agent: serving plain HTTP', {
      required: AUTO_TLS_MIN_VERSION,
    });
    return { protocol: config.advertiseProtocol, server: null, verifyCa: null };
  }
  const reused = store.loadTls(advertiseHost, now);
  // Loaded only here: a boot without auto-TLS never loads the certificate generator.
  const { generateSelfSignedCertificate } = await import('../tls/auto-tls.js');
  const material =
    reused ??
    (await generateSelfSignedCertificate({
      advertiseIp: advertiseHost,
      hostname: hostname(),
      curve: config.tlsCertificateCurve,
      clockSkewSec: config.autoTlsAllowedClockSkew,
      now,
    }));
  if (reused === null) store.saveTls(material);
  logger.info('Serving the API with auto-TLS', { reused: reused !== null, curve: config.tlsCertificateCurve });
  return { protocol: 'https', server: server(material), verifyCa: material.certPem };
}

function requirePath(value: string | null, option: string): string {
  if (value === null) throw new Error(`listen_tls is set but ${option} is not`);
  return value;
}
