/**
 * Keeps what this boot's lookup handed out (node UUID, agent token), the
 * callback URL and the auto-TLS certificate on tmpfs, so a restarted agent
 * process in the same boot carries on where it left off.
 *
 * Why: Ironic gives the token out once per ramdisk boot (later lookups get
 * "******") and rejects a heartbeat whose agent_verify_ca changed, so IPA
 * cannot survive a process restart (openstack/ironic ironic/conductor/utils.py
 * and doc/source/admin/agent-token.rst; metal3-io/ironic-image issue 174). State is
 * keyed by the kernel boot id and ignored after a reboot. Files are 0600 in a
 * 0700 directory, written atomically; the token is never logged.
 */
import { readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { DEFAULT_BOOT_ID_PATH, readBootId } from '../../common/state/boot-id.js';
import { ensurePrivateDir, writeFileAtomic } from '../../common/state/atomic-write.js';
import {
  certificateFingerprint,
  keyMatchesCertificate,
  writeTlsFiles,
  type TlsFiles,
  type TlsMaterial,
} from '../tls/certificate-files.js';
import { checkState, type AgentSession } from './session.js';

export type { AgentSession } from './session.js';

/** Options of {@link TokenStore}. */
export interface TokenStoreOptions {
  /** State directory (config.stateDir, on tmpfs). */
  dir: string;
  logger: Logger;
  /** Default /proc/sys/kernel/random/boot_id. */
  bootIdPath?: string;
}

/** A reusable auto-TLS certificate with its files. */
export type StoredTls = TlsMaterial & TlsFiles;

/** What the persisted file holds. */
interface StateFile extends AgentSession {
  version: 1;
  bootId: string;
}

const STATE_FILE = 'agent-state.json';
const EMPTY: AgentSession = { nodeUuid: null, agentToken: null, callbackUrl: null, tlsFingerprint: null };

/** File-backed per-boot agent session. */
export class TokenStore {
  private readonly file: string;
  private readonly logger: Logger;
  private bootId: string | null | undefined;

  constructor(private readonly options: TokenStoreOptions) {
    this.file = join(options.dir, STATE_FILE);
    this.logger = options.logger;
  }

  /** This boot's saved session, or null (nothing saved, another boot, or an invalid file — the latter two warned about). */
  load(): AgentSession | null {
    const session = this.read();
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
   * Merge `changes` into this boot's session and write it atomically (0600).
   * Failures are logged, not thrown: losing the state only costs a restart.
   */
  update(changes: Partial<AgentSession>): void {
    const bootId = this.currentBootId();
    if (bootId === null) return;
    const next: StateFile = { version: 1, bootId, ...(this.read() ?? EMPTY), ...changes };
    const problem = checkState(next);
    if (problem !== null) throw new Error(`refusing to save invalid agent state: ${problem}`);
    try {
      ensurePrivateDir(this.options.dir);
      writeFileAtomic(this.file, `${JSON.stringify(next)}\n`, 0o600);
    } catch (error) {
      this.logger.warn('Could not save the agent state', {
        file: this.file,
        error: (error as NodeJS.ErrnoException).code ?? String(error),
      });
    }
  }

  /** Write the auto-TLS files and remember their fingerprint for this boot. */
  saveTls(material: TlsMaterial): TlsFiles {
    const files = writeTlsFiles(this.options.dir, material);
    this.update({ tlsFingerprint: certificateFingerprint(material.certPem) });
    return files;
  }

  /**
   * The auto-TLS certificate saved in this boot, if it is still usable: same
   * fingerprint as recorded, key matches, SAN is `advertiseIp`, and it stays
   * valid for at least a day after `now`. Otherwise null (a new one is needed).
   */
  loadTls(advertiseIp: string, now: Date = new Date()): StoredTls | null {
    const fingerprint = this.read()?.tlsFingerprint ?? null;
    if (fingerprint === null) return null;
    const files = { certFile: join(this.options.dir, 'agent.crt'), keyFile: join(this.options.dir, 'agent.key') };
    let material: TlsMaterial;
    let cert: X509Certificate;
    try {
      material = { certPem: readFileSync(files.certFile, 'utf8'), keyPem: readFileSync(files.keyFile, 'utf8') };
      cert = new X509Certificate(material.certPem);
    } catch {
      this.logger.warn('Saved TLS certificate is unreadable; generating a new one', { dir: this.options.dir });
      return null;
    }
    const reason =
      cert.fingerprint256 !== fingerprint
        ? 'fingerprint differs'
        : !keyMatchesCertificate(material)
          ? 'key does not match'
          : !cert.checkIP(advertiseIp.replace(/^\[(.*)\]$/, '$1'))
            ? 'advertised IP changed'
            : new Date(cert.validTo).getTime() - now.getTime() < 86_400_000
              ? 'expires within a day'
              : null;
    if (reason !== null) {
      this.logger.info('Not reusing the saved TLS certificate', { reason });
      return null;
    }
    return { ...material, ...files };
  }

  /** Forget the saved session (removes the state file; the TLS files stay for reuse). */
  clear(): void {
    rmSync(this.file, { force: true });
  }

  /** Read and validate the state file without logging success. */
  private read(): AgentSession | null {
    const bootId = this.currentBootId();
    if (bootId === null) return null;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.warn('Cannot read the saved agent state; starting afresh', { file: this.file });
      return null;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // The parser's message quotes the file's text, which may hold the token: log no details.
      this.logger.warn('Ignoring a corrupt agent state file', { file: this.file });
      return null;
    }
    const problem = checkState(data);
    if (problem !== null) {
      this.logger.warn('Ignoring an invalid agent state file', { file: this.file, problem });
      return null;
    }
    const state = data as StateFile;
    if (state.bootId !== bootId) {
      this.logger.warn('Ignoring agent state saved during another boot', { file: this.file });
      return null;
    }
    return {
      nodeUuid: state.nodeUuid,
      agentToken: state.agentToken,
      callbackUrl: state.callbackUrl,
      tlsFingerprint: state.tlsFingerprint,
    };
  }

  private currentBootId(): string | null {
    if (this.bootId !== undefined) return this.bootId;
    const path = this.options.bootIdPath ?? DEFAULT_BOOT_ID_PATH;
    try {
      this.bootId = readBootId(path);
    } catch {
      this.logger.warn('Cannot read the boot id; agent state will not be kept across restarts', { path });
      this.bootId = null;
    }
    return this.bootId;
  }
}
