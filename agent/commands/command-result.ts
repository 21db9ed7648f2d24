/**
 * One command's result, serialised exactly as IPA's BaseCommandResult:
 * `{id, command_name, command_status, command_error, command_result}`.
 */
import { randomUUID } from 'node:crypto';
import { type RestError, CommandExecutionError, type SerializedError } from '../../common/errors.js';
import type { CommandStatus } from './types.js';

/** IPA's wire shape of a command result (plus our optional progress field). */
export interface CommandResultJSON {
  id: string;
  command_name: string;
  command_status: CommandStatus;
  command_error: SerializedError | null;
  command_result: unknown;
  /**
   * Our extension: progress of a RUNNING command (e.g. coreos-installer's
   * "Read disk 1.2 GiB/3.4 GiB (35%)"). Present only while running and only
   * when the command reported progress; Ironic ignores unknown fields.
   */
  command_progress?: Record<string, unknown>;
}

/** A command that has been accepted: running or finished. */
export class CommandResult {
  readonly id: string;
  status: CommandStatus;
  error: RestError | null = null;
  result: unknown = null;
  progress: Record<string, unknown> | null = null;
  /**
   * Made by the first {@link wait} on a running command, not up front: the
   * history keeps every result of the boot, and most are never waited for
   * (sync commands, polled async ones), so a promise and its resolver each
   * would be kept for nothing (bench/README.md, `command-history`).
   */
  private finished: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(
    /** The bare command name, e.g. `execute_deploy_step` (never `deploy.`-prefixed). */
    readonly commandName: string,
    /** `sync` results wrap strings without the command name; `async` ones with it. */
    readonly mode: 'sync' | 'async',
    options: { id?: string; status?: CommandStatus } = {},
  ) {
    this.id = options.id ?? newCommandId();
    this.status = options.status ?? 'RUNNING';
  }

  /** True once the command finished, whatever its outcome. */
  isDone(): boolean {
    return this.status !== 'RUNNING';
  }

  /** Resolves when the command finishes (IPA's `join`). */
  wait(): Promise<void> {
    if (this.isDone()) return Promise.resolve();
    if (this.finished === null) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.finished = { promise, resolve };
    }
    return this.finished.promise;
  }

  /** Mark success. Strings are wrapped as `{result: ...}` like IPA. */
  succeed(value: unknown): void {
    this.result = wrapResult(this.commandName, this.mode, value);
    this.status = 'SUCCEEDED';
    this.progress = null;
    this.settle();
  }

  /** Mark failure; `status` is CLEAN_VERSION_MISMATCH for VersionMismatch. */
  fail(error: RestError, status: CommandStatus = 'FAILED'): void {
    this.error = error;
    this.result = null;
    this.status = status;
    this.progress = null;
    this.settle();
  }

  /** Resolve the promise {@link wait} handed out, if it did. */
  private settle(): void {
    this.finished?.resolve();
    this.finished = null;
  }

  /** IPA wire shape. */
  toJSON(): CommandResultJSON {
    const json: CommandResultJSON = {
      id: this.id,
      command_name: this.commandName,
      command_status: this.status,
      command_error: this.error === null ? null : this.error.toJSON(),
      command_result: this.result,
    };
    if (this.status === 'RUNNING' && this.progress !== null) json.command_progress = this.progress;
    return json;
  }

  /**
   * {@link toJSON} as JSON text; never throws. A result that cannot be
   * serialised (nested too deep for JSON.stringify's recursion, cyclic, a
   * BigInt) becomes a FAILED placeholder with the same id and name saying so,
   * so one entry cannot make the whole `GET /v1/commands/` fail.
   */
  toJSONText(): string {
    try {
      return JSON.stringify(this.toJSON());
    } catch (error) {
      const placeholder: CommandResultJSON = {
        id: this.id,
        command_name: this.commandName,
        command_status: 'FAILED',
        command_error: unserialisableError(error).toJSON(),
        command_result: null,
      };
      return JSON.stringify(placeholder);
    }
  }
}

/**
 * A new command id: a version 4 UUID (node's `randomUUID`) as one flat string.
 * node builds the UUID's text by concatenating two-character pieces, which V8
 * keeps as a tree of cons strings: about 500 bytes of heap per id instead of
 * about 65. The history keeps every command's id for the whole boot.
 */
export function newCommandId(): string {
  return randomUUID().split('-').join('-');
}

/** The error recorded for a command whose result (or, while it runs, params) JSON.stringify refused. */
export function unserialisableError(cause: unknown, what: 'result' | 'parameters' = 'result'): CommandExecutionError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CommandExecutionError(`The agent cannot serialise the ${what} of this command: ${reason}`, { cause });
}

/**
 * IPA wraps string results: sync → `{result: text}`, async → `{result: "<command>: text"}`.
 * Anything else is returned as is (undefined becomes null).
 */
export function wrapResult(commandName: string, mode: 'sync' | 'async', value: unknown): unknown {
  if (typeof value === 'string') return { result: mode === 'async' ? `${commandName}: ${value}` : value };
  return value === undefined ? null : value;
}
