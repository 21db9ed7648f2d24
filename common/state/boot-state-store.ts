/**
 * The agent's per-boot state directory: JSON documents keyed by the kernel
 * boot id (the session, the command journal, the install stamp), written
 * atomically 0600 in a 0700 directory, and read back only when written during
 * this boot. Plain companion files (the auto-TLS certificate and key) are
 * written the same atomic way; what ties them to this boot is recorded in a
 * document (the certificate's fingerprint in the session).
 *
 * Why: the agent process may be restarted within one boot (systemd, a
 * crash); IPA cannot survive that, since Ironic hands the token out once per
 * boot and takes an empty command history for a reboot (openstack/ironic
 * ironic/drivers/modules/agent_base.py `_freshly_booted`).
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { decodeDocument, encodeDocument, type StateDocument, type StateRead } from './state-document.js';
import type { StateFs } from './state-fs.js';

export type { Parsed, StateDocument, StateRead } from './state-document.js';

/** Options of {@link BootStateStore}. */
export interface BootStateStoreOptions {
  /** The state directory (config.stateDir; tmpfs in the agent's image). */
  dir: string;
  fs: StateFs;
  /** Reads the current boot id; called once, on first use. @throws when it cannot be read */
  bootId: () => string;
}

/** Mode of every document. */
const DOCUMENT_MODE = 0o600;
/** Mode of the state directory, forced on each write. */
const DIR_MODE = 0o700;

/** Per-boot JSON documents and companion files in one directory. */
export class BootStateStore {
  /** The state directory. */
  readonly dir: string;
  private readonly fs: StateFs;
  private readonly readBootId: () => string;
  private bootIdResult: { id: string } | { error: unknown } | null = null;

  constructor(options: BootStateStoreOptions) {
    this.dir = options.dir;
    this.fs = options.fs;
    this.readBootId = options.bootId;
  }

  /** Path of a file in the state directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** This boot's document of the given kind, or why there is none. Never throws for a bad file. */
  read<T extends object>(document: StateDocument<T>): StateRead<T> {
    let bootId: string;
    try {
      bootId = this.currentBootId();
    } catch {
      return { kind: 'no-boot-id' };
    }
    let text: string;
    try {
      text = this.fs.readFile(this.path(document.name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'unreadable', code };
    }
    return decodeDocument(document, text, bootId);
  }

  /**
   * Replace the document with `value`, stamped with this boot's id.
   * @throws the boot id reader's error, an encoding error, or the fs error; the previous document then stays intact
   */
  write<T extends object>(document: StateDocument<T>, value: T): void {
    const text = encodeDocument(document, value, this.currentBootId());
    this.writeFile(document.name, text, DOCUMENT_MODE);
  }

  /** Remove the document (a missing one is fine). @throws the fs error */
  remove(document: StateDocument<object>): void {
    this.fs.remove(this.path(document.name));
  }

  /**
   * Write a companion file atomically with exactly `mode`, in the directory
   * forced to 0700. It is not keyed by boot: record in a document what makes it valid.
   * @throws the fs error
   */
  writeFile(name: string, data: string, mode: number): void {
    this.fs.ensureDir(this.dir, DIR_MODE);
    writeFileAtomic(this.fs, this.path(name), data, mode);
  }

  /** A companion file's text, or null when it does not exist. @throws other fs errors */
  readFile(name: string): string | null {
    try {
      return this.fs.readFile(this.path(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * A store on the subdirectory `name`, sharing this store's boot id, for a
   * kind of state kept as many small documents (the command journal).
   */
  subdirectory(name: string): BootStateStore {
    return new BootStateStore({ dir: this.path(name), fs: this.fs, bootId: () => this.currentBootId() });
  }

  /**
   * The names of the files in the directory, without the temporary files a
   * crash may have left (hidden, see atomic-write.ts); none when it does not exist yet.
   * @throws other fs errors
   */
  list(): string[] {
    try {
      return this.fs.readDir(this.dir).filter((name) => !name.startsWith('.'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The boot id, read once; a failure is remembered too (it will not change within the process). */
  private currentBootId(): string {
    this.bootIdResult ??= attempt(this.readBootId);
    if ('error' in this.bootIdResult) throw this.bootIdResult.error;
    return this.bootIdResult.id;
  }
}

function attempt(read: () => string): { id: string } | { error: unknown } {
  try {
    return { id: read() };
  } catch (error) {
    return { error };
  }
}
