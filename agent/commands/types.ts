/**
 * Commands as data: an extension is a name plus a record of commands.
 * A command name is written once, as the record key.
 */

/** IPA's command states. `CLEAN_VERSION_MISMATCH` is the literal IPA keeps for all step kinds. */
export type CommandStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CLEAN_VERSION_MISMATCH';

/** A command's params as they arrive: the JSON object of the request's `params`. */
export type RawParams = Readonly<Record<string, unknown>>;

/** What a running command can use besides its params. */
export interface CommandRunContext {
  /** Report progress; stored on the running command and shown as `command_progress`. */
  progress: (progress: Record<string, unknown>) => void;
}

/** One command as its extension writes it: params parsed to `P` at the API edge, then run with them. */
export interface CommandSpec<P> {
  /** `sync` runs inside the request; `async` answers RUNNING and finishes in the background. */
  readonly mode: 'sync' | 'async';
  /**
   * Check and type the params before anything runs. Throw
   * InvalidCommandParamsError (400) for bad input: the command is then not recorded.
   */
  readonly parse: (raw: RawParams) => P;
  /** Do the work. A string result is wrapped as IPA does (see command-result.ts). */
  readonly run: (params: P, context: CommandRunContext) => Promise<unknown>;
  /**
   * Resuming: when the agent process restarts (same boot) while this command
   * is RUNNING, the new process runs it again under the same id with the
   * params it was given, instead of recording it FAILED; Ironic, which polls
   * the command, never notices. Only for commands that are safe to run twice.
   * Default false.
   */
  readonly resumable?: boolean;
}

/** A command with its params parsed and bound: runs it. */
export type PreparedCommand = (context: CommandRunContext) => Promise<unknown>;

/** A command as the executor sees it (its params type hidden); built by defineCommand. */
export interface Command {
  /** As {@link CommandSpec.mode}. */
  readonly mode: 'sync' | 'async';
  /** As {@link CommandSpec.resumable}. */
  readonly resumable: boolean;
  /** Parse the params (throwing as {@link CommandSpec.parse}) and bind the run to them. */
  readonly prepare: (raw: RawParams) => PreparedCommand;
}

/** An extension: `<name>.<command>` on the wire. */
export interface Extension {
  readonly name: string;
  readonly commands: Readonly<Record<string, Command>>;
}
