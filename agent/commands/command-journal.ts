/**
 * Keeps this boot's command history in the per-boot state directory so a
 * restarted agent process answers `GET /v1/commands/` as before and can
 * resume an interrupted step.
 *
 * Why: with an empty history Ironic assumes the ramdisk rebooted and moves on
 * to the NEXT step, silently skipping the one that was running
 * (openstack/ironic ironic/drivers/modules/agent_base.py `_freshly_booted`).
 * The document holds step params (the configdrive), so it is 0600 in a 0700
 * directory (BootStateStore) and never logged.
 */
import type { BootStateStore, Parsed, StateDocument } from '../../common/state/boot-state-store.js';
import { CommandExecutionError, RestError, type SerializedError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { CommandResult, unserialisableError } from './command-result.js';
import type { CommandStatus } from './types.js';
import type { CommandHistoryObserver, PendingCommand } from './executor.js';

/** One persisted entry. */
interface JournalEntry {
  id: string;
  command_name: string;
  mode: 'sync' | 'async';
  status: CommandStatus;
  error: SerializedError | null;
  result: unknown;
  pending?: PendingCommand;
}

/** The journal's document, `commands.json`: `{bootId, entries}`. */
interface Journal {
  entries: JournalEntry[];
}

/** The file name of the journal in the state directory. */
const JOURNAL_FILE = 'commands.json';

/** What a restarted agent gets back. */
export interface RestoredHistory {
  /** Finished commands, oldest first (plus failed placeholders for non-resumable interrupted ones). */
  finished: CommandResult[];
  /** The step that was running when the process died, to run again under the same id. */
  resume: (PendingCommand & { id: string }) | null;
}

/** A RestError rebuilt from its wire form. */
class RestoredError extends RestError {
  constructor(json: SerializedError) {
    super(json.details, { code: json.code, summary: json.message });
    Object.defineProperty(this, 'type', { value: json.type });
  }
}

/** Persisted command history. */
export class CommandJournal implements CommandHistoryObserver {
  /** Ids of the commands already reported as unserialisable (warned once each). */
  private readonly reported = new Set<string>();
  private readonly document: StateDocument<Journal> = {
    name: JOURNAL_FILE,
    parse: parseJournal,
    // Each entry on its own, so one that cannot be serialised does not stop the others.
    encode: (journal) => `{"entries":[${journal.entries.map((e) => this.encodeEntry(e)).join(',')}]}`,
  };

  constructor(
    private readonly store: BootStateStore,
    private readonly logger: Logger,
  ) {}

  /** Persist the whole history (atomic replace); a failure is logged, not thrown. */
  changed(history: readonly CommandResult[], running: ReadonlyMap<string, PendingCommand>): void {
    const entries = history.map((r) => toEntry(r, running.get(r.id)));
    try {
      this.store.write(this.document, { entries });
    } catch (error) {
      this.logger.warn('Could not persist the command history', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * One entry as JSON text. An entry JSON.stringify refuses (a result or
   * params nested too deep, cyclic, a BigInt) is written as FAILED with the
   * reason, and logged once, so it cannot stop the rest from being persisted.
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

  /** Load the history of this boot; anything else (other boot, corrupt file) is ignored with a log entry. */
  load(isResumable: (name: string) => boolean): RestoredHistory {
    const read = this.store.read(this.document);
    const file = this.store.path(JOURNAL_FILE);
    switch (read.kind) {
      case 'found':
        return this.rebuild(read.value.entries, isResumable);
      case 'other-boot':
        this.logger.info('Ignoring the command history of another boot', { file });
        break;
      case 'corrupt':
      case 'unreadable':
      case 'invalid':
      case 'no-boot-id':
        this.logger.warn('Ignoring an unreadable command history', { file, reason: read.kind });
        break;
      case 'absent':
        break;
    }
    return { finished: [], resume: null };
  }

  private rebuild(entries: JournalEntry[], isResumable: (name: string) => boolean): RestoredHistory {
    const finished: CommandResult[] = [];
    let resume: RestoredHistory['resume'] = null;
    for (const entry of entries) {
      if (entry.status === 'RUNNING' && entry.pending !== undefined && isResumable(entry.pending.name)) {
        resume = { id: entry.id, ...entry.pending };
        continue;
      }
      const result = new CommandResult(entry.command_name, entry.mode, {
        id: entry.id,
        status: entry.status === 'RUNNING' ? 'FAILED' : entry.status,
      });
      if (entry.status === 'RUNNING') {
        result.error = new CommandExecutionError('The agent process restarted while this command was running');
      } else {
        result.error = entry.error === null ? null : new RestoredError(entry.error);
        result.result = entry.result;
      }
      finished.push(result);
    }
    if (finished.length + (resume === null ? 0 : 1) > 0) {
      this.logger.info('Restored the command history of this boot', {
        commands: finished.length,
        resuming: resume?.name ?? null,
      });
    }
    return { finished, resume };
  }
}

/** A command as a journal entry; the step's parameters are kept only while it runs. */
function toEntry(r: CommandResult, pending: PendingCommand | undefined): JournalEntry {
  const entry: JournalEntry = {
    id: r.id,
    command_name: r.commandName,
    mode: r.mode,
    status: r.status,
    error: r.error === null ? null : r.error.toJSON(),
    result: r.result,
  };
  if (pending !== undefined && !r.isDone()) entry.pending = pending;
  return entry;
}

/** Only the list is checked: the entries are the agent's own, written by {@link toEntry}. */
function parseJournal(fields: Record<string, unknown>): Parsed<Journal> {
  const entries = fields['entries'];
  return Array.isArray(entries)
    ? { ok: true, value: { entries: entries as JournalEntry[] } }
    : { ok: false, problem: 'entries' };
}
