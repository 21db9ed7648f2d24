/**
 * Keeps this boot's command history in the per-boot state directory so a
 * restarted agent process answers `GET /v1/commands/` as before and can
 * resume an interrupted step.
 *
 * Why: with an empty history Ironic assumes the ramdisk rebooted and moves on
 * to the NEXT step, silently skipping the one that was running
 * (openstack/ironic ironic/drivers/modules/agent_base.py `_freshly_booted`).
 *
 * One small document per command in the `commands/` subdirectory, named by
 * its position in the history and written (atomically) only when that
 * command changes, so a change costs the same with 10 or 10,000 commands
 * behind it. A document holds a running step's params (the configdrive), so it
 * is 0600 in a 0700 directory (BootStateStore) and never logged.
 */
import type { BootStateStore, StateDocument, StateRead } from '../../common/state/boot-state-store.js';
import type { Logger } from '../logger.js';
import { unserialisableError, type CommandResult } from './command-result.js';
import type { CommandStatus } from './types.js';
import type { CommandHistoryObserver, PendingCommand } from './executor.js';
import { entryDocument, entryName, entrySeq, restoredResult, toEntry } from './journal-entry.js';
import type { EntryDocument, JournalEntry } from './journal-entry.js';

/** The journal's subdirectory of the state directory. */
const JOURNAL_DIR = 'commands';

/** What a restarted agent gets back. */
export interface RestoredHistory {
  /** Finished commands, oldest first (plus failed placeholders for non-resumable interrupted ones). */
  finished: CommandResult[];
  /** The step that was running when the process died, to run again under the same id. */
  resume: (PendingCommand & { id: string }) | null;
}

/** What is on disk for one command: its document and the state it was written in. */
interface Persisted {
  name: string;
  status: CommandStatus;
  pending: boolean;
}

/** A document of this boot read back. */
interface Found {
  name: string;
  entry: JournalEntry;
}

/** Persisted command history. */
export class CommandJournal implements CommandHistoryObserver {
  /** Ids of the commands already reported as unserialisable (warned once each). */
  private readonly reported = new Set<string>();
  /** The documents written, by command id. */
  private readonly persisted = new Map<string, Persisted>();
  private readonly store: BootStateStore;
  /** Position of the next new command's document. */
  private nextSeq = 0;

  constructor(
    store: BootStateStore,
    private readonly logger: Logger,
  ) {
    this.store = store.subdirectory(JOURNAL_DIR);
  }

  /** Persist this command's document (atomic replace) unless it is unchanged; a failure is logged, not thrown. */
  recorded(result: CommandResult, pending: PendingCommand | undefined): void {
    const entry = toEntry(result, pending);
    const state = { status: entry.status, pending: entry.pending !== undefined };
    const known = this.persisted.get(entry.id);
    if (known !== undefined && known.status === state.status && known.pending === state.pending) return;
    const name = known?.name ?? entryName(this.nextSeq++);
    try {
      this.store.write(this.document(name), { entry });
      this.persisted.set(entry.id, { name, ...state });
    } catch (error) {
      this.warn('Could not persist the command history', error);
    }
  }

  /** Remove the documents of commands that left the history; a failure is logged, not thrown. */
  removed(results: readonly CommandResult[]): void {
    for (const result of results) {
      const known = this.persisted.get(result.id);
      if (known === undefined) continue;
      this.persisted.delete(result.id);
      this.remove(known.name);
    }
  }

  /**
   * Load the history of this boot. What a restarted agent does not list
   * again (documents of another boot or unreadable, and the step to resume,
   * which is recorded anew when it runs again) is removed, as the whole-file
   * journal was replaced by the restored list; interrupted commands are
   * rewritten as FAILED when the executor takes the results back.
   */
  load(isResumable: (name: string) => boolean): RestoredHistory {
    let names: string[];
    try {
      names = this.store.list();
    } catch (error) {
      this.warn('Ignoring an unreadable command history', error);
      return { finished: [], resume: null };
    }
    const found = new Map<string, Found>();
    const stale: string[] = [];
    const ignored = new Map<StateRead<object>['kind'], number>();
    for (const { name, seq } of entryNames(names)) {
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const read = this.store.read(this.document(name));
      if (read.kind === 'no-boot-id') {
        this.logger.warn('Ignoring an unreadable command history', { dir: this.store.dir, reason: read.kind });
        return { finished: [], resume: null };
      }
      if (read.kind !== 'found') {
        stale.push(name);
        ignored.set(read.kind, (ignored.get(read.kind) ?? 0) + 1);
        continue;
      }
      // A command written twice (its old document could not be removed): the later one counts.
      const earlier = found.get(read.value.entry.id);
      if (earlier !== undefined) stale.push(earlier.name);
      found.delete(read.value.entry.id);
      found.set(read.value.entry.id, { name, entry: read.value.entry });
    }
    this.logIgnored(ignored);
    const restored = this.rebuild([...found.values()], isResumable, stale);
    for (const name of stale) this.remove(name);
    return restored;
  }

  private rebuild(found: Found[], isResumable: (name: string) => boolean, stale: string[]): RestoredHistory {
    const finished: CommandResult[] = [];
    let resume: RestoredHistory['resume'] = null;
    for (const { name, entry } of found) {
      if (entry.status === 'RUNNING' && entry.pending !== undefined && isResumable(entry.pending.name)) {
        resume = { id: entry.id, ...entry.pending };
        stale.push(name);
        continue;
      }
      finished.push(restoredResult(entry));
      this.persisted.set(entry.id, { name, status: entry.status, pending: entry.pending !== undefined });
    }
    if (finished.length + (resume === null ? 0 : 1) > 0) {
      this.logger.info('Restored the command history of this boot', {
        commands: finished.length,
        resuming: resume?.name ?? null,
      });
    }
    return { finished, resume };
  }

  private logIgnored(ignored: ReadonlyMap<StateRead<object>['kind'], number>): void {
    const dir = this.store.dir;
    for (const [kind, documents] of ignored) {
      if (kind === 'other-boot') this.logger.info('Ignoring the command history of another boot', { dir, documents });
      else this.logger.warn('Ignoring an unreadable command history', { dir, reason: kind, documents });
    }
  }

  private remove(name: string): void {
    try {
      this.store.remove(this.document(name));
    } catch (error) {
      this.warn('Could not remove a command from the persisted history', error);
    }
  }

  private document(name: string): StateDocument<EntryDocument> {
    return entryDocument(name, (entry) => this.encodeEntry(entry));
  }

  /**
   * One entry as JSON text. An entry JSON.stringify refuses (a result or
   * params nested too deep, cyclic, a BigInt) is written as FAILED with the
   * reason, and logged once, so that the history stays readable.
   */
  private encodeEntry(entry: JournalEntry): string {
    try {
      return JSON.stringify(entry);
    } catch (error) {
      if (!this.reported.has(entry.id)) {
        this.reported.add(entry.id);
        this.logger.warn('Could not persist one command of the history; it is kept as FAILED', {
          id: entry.id,
          command: entry.command_name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      const what = entry.pending === undefined ? 'result' : 'parameters';
      const failed: JournalEntry = {
        ...entry,
        status: 'FAILED',
        error: unserialisableError(error, what).toJSON(),
        result: null,
      };
      delete failed.pending;
      return JSON.stringify(failed);
    }
  }

  private warn(message: string, error: unknown): void {
    this.logger.warn(message, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** The journal's documents among `names`, in history order. */
function entryNames(names: readonly string[]): { name: string; seq: number }[] {
  const entries: { name: string; seq: number }[] = [];
  for (const name of names) {
    const seq = entrySeq(name);
    if (seq !== null) entries.push({ name, seq });
  }
  return entries.sort((a, b) => a.seq - b.seq);
}
