/** The contract between the top-level CLI and its subcommands. */

/** Streams and environment a subcommand uses instead of globals (tests pass their own). */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One `ironic-coreos-agent <name>` subcommand. */
export interface Subcommand {
  /** The word after `ironic-coreos-agent`. */
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /**
   * Run with the arguments after the subcommand name. Must handle `--help`
   * (and `-h`) itself, at every nesting level, printing usage to stdout and
   * returning 0. Returns the process exit code: 0 success, 1 runtime error,
   * 2 usage error (common/cli/report.ts); common/cli/command.ts builds
   * subcommands that keep this contract.
   * @param path - the command words that reached it, for messages
   *   (default `ironic-coreos-agent <name>`; a group passes e.g. `ironic-coreos-agent iso ignition`)
   */
  run(argv: string[], io: CliIO, path?: string): Promise<number>;
}

/** Thrown by subcommands for usage errors; printed with the usage hint, exit 2 (common/cli/report.ts). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * True for a UsageError, also when it comes from another copy of this module
 * (a lazily loaded subcommand can see its own module instance under loaders like tsx).
 */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError || (error instanceof Error && error.name === 'UsageError');
}

/**
 * True for an invalid option value (the agent's ConfigError), wherever the
 * value came from: a flag, a config file, the kernel command line, the
 * environment or a file an option names. Such errors exit like usage errors.
 */
export function isValueError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ConfigError';
}
