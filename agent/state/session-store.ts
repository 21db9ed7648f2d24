/**
 * Keeps what this boot's lookup handed out (node UUID, agent token), the
 * callback URL and the auto-TLS certificate in the per-boot state directory,
 * so a restarted agent process in the same boot carries on where it left off.
 *
 * Why: Ironic gives the token out once per ramdisk boot (later lookups get
 * "******", openstack/ironic ironic/api/controllers/v1/ramdisk.py) and rejects
 * a heartbeat whose agent_verify_ca changed, so IPA cannot survive a process
 * restart. The session is a boot-keyed document of the BootStateStore (0600 in
 * a 0700 directory, written atomically); the token is never logged.
 */
import { X509Certificate } from 'node:crypto';
import type { BootStateStore } from '../../common/state/boot-state-store.js';
import type { Logger } from '../logger.js';
import {
  certificateFingerprint,
  tlsFilePaths,
  tlsReuseProblem,
  writeTlsFiles,
  TLS_CERT_FILE,
  TLS_KEY_FILE,
  type TlsFiles,
  type TlsMaterial,
} from '../tls/certificate-files.js';
import { checkSession, EMPTY_SESSION, SESSION_DOCUMENT, type AgentSession } from './session.js';

export type { AgentSession } from './session.js';

/** A reusable auto-TLS certificate with its files. */
export type StoredTls = TlsMaterial & TlsFiles;

/** What a read found: the session, null (nothing usable), or that nothing can be kept (boot id unknown). */
type Loaded = AgentSession | null | 'no-boot-id';

/** The per-boot agent session, persisted. */
export class SessionStore {
  private warnedBootId = false;

  constructor(
    private readonly store: BootStateStore,
    private readonly logger: Logger,
  ) {}

  /** This boot's saved session, or null (nothing saved, another boot, or an invalid file — the latter two warned about). */
  load(): AgentSession | null {
    const session = this.read();
    if (session === 'no-boot-id') return null;
    if (session !== null) {
      this.logger.debug('Read the agent state of this boot', {
        nodeUuid: session.nodeUuid,
        callbackUrl: session.callbackUrl,
        hasToken: session.agentToken !== null,
      });
    }
    return session;
  }

  /**
   * Merge `changes` into this boot's session and save it. Failures to write
   * are logged, not thrown: losing the state only costs a restart.
   * @throws Error when the merged session is invalid (a bug in the caller)
   */
  update(changes: Partial<AgentSession>): void {
    const current = this.read();
    if (current === 'no-boot-id') return;
    const next: AgentSession = { ...(current ?? EMPTY_SESSION), ...changes };
    const problem = checkSession({ version: 1, ...next });
    if (problem !== null) throw new Error(`refusing to save invalid agent state: ${problem}`);
    try {
      this.store.write(SESSION_DOCUMENT, next);
    } catch (error) {
      this.logger.warn('Could not save the agent state', {
        file: this.store.path(SESSION_DOCUMENT.name),
        error: (error as NodeJS.ErrnoException).code ?? String(error),
      });
    }
  }

  /** Write the auto-TLS files and remember their fingerprint for this boot. @throws the fs error */
  saveTls(material: TlsMaterial): TlsFiles {
    const files = writeTlsFiles(this.store, material);
    this.update({ tlsFingerprint: certificateFingerprint(material.certPem) });
    return files;
  }

  /**
   * The auto-TLS certificate saved in this boot, if it is still usable (see
   * tlsReuseProblem). Otherwise null: a new one is needed.
   */
  loadTls(advertiseIp: string, now: Date): StoredTls | null {
    const session = this.read();
    const fingerprint = session === 'no-boot-id' ? null : (session?.tlsFingerprint ?? null);
    if (fingerprint === null) return null;
    let material: TlsMaterial;
    let cert: X509Certificate;
    try {
      const certPem = this.store.readFile(TLS_CERT_FILE);
      const keyPem = this.store.readFile(TLS_KEY_FILE);
      if (certPem === null || keyPem === null) throw new Error('missing');
      material = { certPem, keyPem };
      cert = new X509Certificate(certPem);
    } catch {
      this.logger.warn('Saved TLS certificate is unreadable; generating a new one', { dir: this.store.dir });
      return null;
    }
    const reason = tlsReuseProblem(material, cert, { fingerprint, advertiseIp, now });
    if (reason !== null) {
      this.logger.info('Not reusing the saved TLS certificate', { reason });
      return null;
    }
    return { ...material, ...tlsFilePaths(this.store) };
  }

  /** Forget the saved session (removes its document; the TLS files stay for reuse). @throws the fs error */
  clear(): void {
    this.store.remove(SESSION_DOCUMENT);
  }

  /** Read this boot's session, warning about a file that cannot be used (never quoting it). */
  private read(): Loaded {
    const result = this.store.read(SESSION_DOCUMENT);
    const file = this.store.path(SESSION_DOCUMENT.name);
    switch (result.kind) {
      case 'found':
        return result.value;
      case 'absent':
        return null;
      case 'no-boot-id':
        if (!this.warnedBootId)
          this.logger.warn('Cannot read the boot id; agent state will not be kept across restarts');
        this.warnedBootId = true;
        return 'no-boot-id';
      case 'unreadable':
        this.logger.warn('Cannot read the saved agent state; starting afresh', { file });
        return null;
      case 'corrupt':
        this.logger.warn('Ignoring a corrupt agent state file', { file });
        return null;
      case 'invalid':
        this.logger.warn('Ignoring an invalid agent state file', { file, problem: result.problem });
        return null;
      case 'other-boot':
        this.logger.warn('Ignoring agent state saved during another boot', { file });
        return null;
    }
  }
}
