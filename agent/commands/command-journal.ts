/**
 * Keeps this boot's command history on tmpfs so a restarted agent process
 * answers `GET /v1/commands/` as before and can resume an interrupted step.
 *
 * Why: with an empty history Ironic assumes the ramdisk rebooted and moves on
 * to the NEXT step, silently skipping the one that was running (agent_base
 * `_freshly_booted`). The file holds step params (the configdrive), so it is
 * 0600 in a 0700 directory and never logged.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
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

interface JournalFile {
  bootId: string;
  entries: JournalEntry[];
}

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

/** File-backed command history. */
export class CommandJournal implements CommandHistoryObserver {
  private readonly file: string;
  /** Ids of the commands already reported as unserialisable (warned once each). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly bootId: string,
    private readonly logger: Logger,
  ) {
    this.file = join(dir, 'commands.json');
  }

  /** Persist the whole history (atomic rename); each entry is serialised on its own. */
  changed(history: readonly CommandResult[], running: ReadonlyMap<string, PendingCommand>): void {
    const entries = history.map((r) => this.serialise(r, running.get(r.id)));
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.dir, 0o700);
      const tmp = `${this.file}.tmp`;
      // The JournalFile shape, assembled from the entries' texts.
      writeFileSync(tmp, `{"bootId":${JSON.stringify(this.bootId)},"entries":[${entries.join(',')}]}`, { mode: 0o600 });
      renameSync(tmp, this.file);
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
  private serialise(r: CommandResult, pending: PendingCommand | undefined): string {
    const entry: JournalEntry = {
      id: r.id,
      command_name: r.commandName,
      mode: r.mode,
      status: r.status,
      error: r.error === null ? null : r.error.toJSON(),
      result: r.result,
    };
    if (pending !== undefined && !r.isDone()) entry.pending = pending;
    try {
      return JSON.stringify(entry);
    } catch (error) {
      if (!this.reported.has(r.id)) {
        this.reported.add(r.id);
        this.logger.warn('Could not persist one command of the history; it is kept as FAILED', {
          id: r.id,
          command: r.commandName,
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

  /** Load the history of this boot; anything else (other boot, corrupt file) is ignored with a warning. */
  load(isResumable: (name: string) => boolean): RestoredHistory {
    const empty: RestoredHistory = { finished: [], resume: null };
    let data: JournalFile;
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8')) as JournalFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.warn('Ignoring an unreadable command history', { file: this.file });
      return empty;
    }
    if (data.bootId !== this.bootId || !Array.isArray(data.entries)) {
      this.logger.info('Ignoring the command history of another boot', { file: this.file });
      return empty;
    }
    return this.rebuild(data.entries, isResumable);
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
