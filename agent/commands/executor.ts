/**
 * Runs `<extension>.<command>` one at a time, as IPA's ExecuteCommandMixin:
 * a new command while the last one runs is AgentIsBusy (409); every accepted
 * command is recorded, in order, for `GET /v1/commands/`.
 */
import {
  AgentIsBusy,
  CommandExecutionError,
  InvalidCommandError,
  InvalidContentError,
  RequestedObjectNotFoundError,
  RestError,
  VersionMismatch,
  toRestError,
} from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { CommandResult } from './command-result.js';
import type { Command, Extension, PreparedCommand } from './types.js';

/**
 * Persistence hook for the command history (see command-journal.ts), told
 * about each change on its own so that it never has to walk the whole history.
 */
export interface CommandHistoryObserver {
  /**
   * A command entered the history, finished, or was put back after a restart.
   * @param pending - its full name and params while it runs (for resumption), else undefined
   */
  recorded(result: CommandResult, pending: PendingCommand | undefined): void;
  /** Finished commands left the history (a new token: the previous operation's results are forgotten). */
  removed(results: readonly CommandResult[]): void;
}

/** A command kept for resumption: full name and params. */
export interface PendingCommand {
  name: string;
  params: Record<string, unknown>;
}

/** Dependencies of the executor. */
export interface CommandExecutorOptions {
  extensions: readonly Extension[];
  logger: Logger;
  /** Called when an async command finishes (the agent heartbeats at once). */
  onAsyncComplete?: () => void;
  /** Told about every change of the history. */
  observer?: CommandHistoryObserver;
}

/** The command executor; one per agent. */
export class CommandExecutor {
  private readonly extensions: ReadonlyMap<string, Extension>;
  private readonly history: CommandResult[] = [];

  constructor(private readonly options: CommandExecutorOptions) {
    this.extensions = new Map(options.extensions.map((e) => [e.name, e]));
  }

  /** All results of this boot, oldest first. */
  list(): readonly CommandResult[] {
    return this.history;
  }

  /** One result by id. @throws RequestedObjectNotFoundError (404) */
  get(id: string): CommandResult {
    const found = this.history.find((r) => r.id === id);
    if (found === undefined) throw new RequestedObjectNotFoundError('Command Result', id);
    return found;
  }

  /**
   * Forget the results of the previous boot (Ironic issued a new token). A
   * command still running stays, so the busy check keeps protecting the disks
   * it is working on until it ends.
   */
  reset(): void {
    const stillRunning = this.history.filter((r) => !r.isDone());
    const forgotten = this.history.filter((r) => r.isDone());
    this.history.length = 0;
    this.history.push(...stillRunning);
    this.options.observer?.removed(forgotten);
  }

  /** Put back results recorded before a restart (oldest first). */
  restore(results: readonly CommandResult[]): void {
    this.history.push(...results);
    for (const result of results) this.notify(result);
  }

  /**
   * Run a command by its full name.
   * @throws InvalidCommandError / RequestedObjectNotFoundError / AgentIsBusy /
   *   InvalidContentError subclasses before anything is recorded. Any other
   *   failure of a sync command is recorded as FAILED and returned.
   */
  async execute(name: string, params: Record<string, unknown>, options: { id?: string } = {}): Promise<CommandResult> {
    const [extName, commandName] = splitCommandName(name);
    const last = this.history.at(-1);
    if (last !== undefined && !last.isDone()) throw new AgentIsBusy(last.commandName);
    const command = this.findCommand(extName, commandName);
    const run = command.prepare(params);
    const result = new CommandResult(commandName, command.mode, options.id === undefined ? {} : { id: options.id });
    this.history.push(result);
    if (command.mode === 'sync') {
      await this.runInto(result, run);
      this.notify(result);
      return result;
    }
    this.notify(result, { name, params });
    void this.runInto(result, run).then(() => {
      this.notify(result);
      this.options.onAsyncComplete?.();
    });
    return result;
  }

  /** Run a command outside the history (for flow.start_flow); waits for it. */
  async executeNested(name: string, params: Record<string, unknown>): Promise<CommandResult> {
    const [extName, commandName] = splitCommandName(name);
    const command = this.findCommand(extName, commandName);
    const run = command.prepare(params);
    const result = new CommandResult(commandName, command.mode);
    await this.runInto(result, run, false);
    return result;
  }

  /** True when `name` is a known `<extension>.<command>`. */
  has(name: string): boolean {
    try {
      const [extName, commandName] = splitCommandName(name);
      this.findCommand(extName, commandName);
      return true;
    } catch {
      return false;
    }
  }

  private findCommand(extName: string, commandName: string): Command {
    const ext = this.extensions.get(extName);
    if (ext === undefined) throw new RequestedObjectNotFoundError('Extension', extName);
    const command = Object.hasOwn(ext.commands, commandName) ? ext.commands[commandName] : undefined;
    if (command === undefined) throw new InvalidCommandError(`Unknown command: ${commandName}`);
    return command;
  }

  private async runInto(result: CommandResult, run: PreparedCommand, recorded = true): Promise<void> {
    const log = this.options.logger;
    try {
      const value = await run({
        progress: (p) => {
          result.progress = p;
        },
      });
      result.succeed(value);
      log.info('Command finished', { command: result.commandName, id: result.id, status: result.status });
    } catch (error: unknown) {
      if (result.mode === 'sync' && error instanceof InvalidContentError) {
        const index = recorded ? this.history.indexOf(result) : -1;
        if (index >= 0) this.history.splice(index, 1);
        throw error;
      }
      const restError = toRestError(error);
      result.fail(restError, error instanceof VersionMismatch ? 'CLEAN_VERSION_MISMATCH' : 'FAILED');
      logFailure(log, result, restError);
    }
  }

  private notify(result: CommandResult, pending?: PendingCommand): void {
    this.options.observer?.recorded(result, pending);
  }
}

/**
 * Split `"<extension>.<command>"` on the first dot.
 * @throws InvalidCommandError when the form is wrong
 */
export function splitCommandName(name: string): [string, string] {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new InvalidCommandError('Command name must be of the form <extension>.<name>');
  }
  return [name.slice(0, dot), name.slice(dot + 1)];
}

function logFailure(log: Logger, result: CommandResult, error: RestError): void {
  const unexpected = !(error instanceof RestError) || error instanceof CommandExecutionError;
  log.error('Command failed', {
    command: result.commandName,
    id: result.id,
    type: error.type,
    details: error.details,
    unexpected,
  });
}
