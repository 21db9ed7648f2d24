/**
 * Commands as data: an extension is a name plus a record of command specs.
 * A command name is written once, as the record key.
 */

/** IPA's command states. `CLEAN_VERSION_MISMATCH` is the literal IPA keeps for all step kinds. */
export type CommandStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CLEAN_VERSION_MISMATCH';

/** What a running command can use besides its params. */
export interface CommandRunContext {
  /** Report progress; stored on the running command and shown as `command_progress`. */
  progress: (progress: Record<string, unknown>) => void;
}

/** One command. */
export interface CommandSpec {
  /** `sync` runs inside the request; `async` answers RUNNING and finishes in the background. */
  readonly mode: 'sync' | 'async';
  /**
   * Check params before anything runs. Throw InvalidCommandParamsError (400)
   * for bad input: the command is then not recorded.
   */
  readonly validate?: (params: Record<string, unknown>) => void;
  /** Do the work. A string result is wrapped as IPA does (see command-result.ts). */
  readonly run: (params: Record<string, unknown>, context: CommandRunContext) => Promise<unknown>;
}

/** An extension: `<name>.<command>` on the wire. */
export interface Extension {
  readonly name: string;
  readonly commands: Readonly<Record<string, CommandSpec>>;
}
