/**
 * One command of the persisted command history (command-journal.ts): its
 * document in the journal's directory, and how a restarted agent turns it
 * back into a result or the step to resume.
 */
import type { Parsed, StateDocument } from '../../common/state/boot-state-store.js';
import { CommandExecutionError, RestError, type SerializedError } from '../../common/errors.js';
import { CommandResult } from './command-result.js';
import type { CommandStatus } from './types.js';
import type { PendingCommand } from './executor.js';

/** One persisted command; `pending` (name and params) only while it runs. */
export interface JournalEntry {
  id: string;
  command_name: string;
  mode: 'sync' | 'async';
  status: CommandStatus;
  error: SerializedError | null;
  result: unknown;
  pending?: PendingCommand;
}

/** A document's fields: `{bootId, entry}`. */
export interface EntryDocument {
  entry: JournalEntry;
}

/** `0000000042.json`: the position in the history, zero-padded so that names sort like numbers. */
const NAME = /^(\d{10})\.json$/;

/** The document name of the command at position `seq`. */
export function entryName(seq: number): string {
  return `${String(seq).padStart(10, '0')}.json`;
}

/** The position encoded in a document name, or null for a file that is not a journal entry. */
export function entrySeq(name: string): number | null {
  const match = NAME.exec(name);
  return match === null ? null : Number(match[1]);
}

/**
 * The document kind of one entry.
 * @param encode - the entry as JSON text (the journal's, which survives an unserialisable entry)
 */
export function entryDocument(name: string, encode: (entry: JournalEntry) => string): StateDocument<EntryDocument> {
  return { name, parse: parseEntry, encode: (value) => `{"entry":${encode(value.entry)}}` };
}

/** A command as a journal entry; the step's parameters are kept only while it runs. */
export function toEntry(r: CommandResult, pending: PendingCommand | undefined): JournalEntry {
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

/** A RestError rebuilt from its wire form; `type` is the recorded one, `name` this class's. */
class RestoredError extends RestError {
  static override readonly type: string = 'RestoredError';
  constructor(json: SerializedError) {
    super(json.details, { code: json.code, summary: json.message });
    Object.defineProperty(this, 'type', { value: json.type });
  }
}

/**
 * The result a restarted agent lists for an entry: as it was when finished,
 * FAILED when it was still running (the process that ran it is gone).
 */
export function restoredResult(entry: JournalEntry): CommandResult {
  const interrupted = entry.status === 'RUNNING';
  const result = new CommandResult(entry.command_name, entry.mode, {
    id: entry.id,
    status: interrupted ? 'FAILED' : entry.status,
  });
  if (interrupted) {
    result.error = new CommandExecutionError('The agent process restarted while this command was running');
  } else {
    result.error = entry.error === null ? null : new RestoredError(entry.error);
    result.result = entry.result;
  }
  return result;
}

/** Only the envelope of the entry is checked: the entries are the agent's own, written by {@link toEntry}. */
function parseEntry(fields: Record<string, unknown>): Parsed<EntryDocument> {
  const entry = fields['entry'];
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { ok: false, problem: 'entry' };
  const { id, status } = entry as Record<string, unknown>;
  return typeof id === 'string' && typeof status === 'string'
    ? { ok: true, value: { entry: entry as JournalEntry } }
    : { ok: false, problem: 'entry' };
}
