/**
 * The single seam between the agent and external programs.
 *
 * Commands are argv arrays, never shell strings. `ExecaRunner` is the only
 * implementation that starts processes; tests inject `FakeRunner`
 * (test/helpers/fake-runner.ts), which replays scripted answers.
 */

/** Options for one command. */
export interface RunOptions {
  /** Working directory. Default: the agent's. */
  cwd?: string;
  /** Extra environment variables, merged over the agent's environment. */
  env?: Record<string, string>;
  /** Data written to stdin. Default: none (stdin is closed). */
  input?: string | Buffer;
  /** Kill the command after this many milliseconds. Default: no limit. */
  timeoutMs?: number;
  /** Called with each line of stdout and stderr (interleaved, without the newline) as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Exit codes that are not failures. Default `[0]`. Any other exit code makes
   * `run` throw ProcessError.
   */
  okExitCodes?: readonly number[];
  /** Return stdout as raw bytes in `stdoutBuffer` as well. Default false. */
  binary?: boolean;
}

/** What a finished command gave back. */
export interface RunResult {
  /** The process exit code (null when killed by a signal). */
  exitCode: number | null;
  /** Everything written to stdout, as UTF-8. */
  stdout: string;
  /** Everything written to stderr, as UTF-8. */
  stderr: string;
  /** Raw stdout, only when `binary` was requested. */
  stdoutBuffer?: Buffer;
}

/** Runs external programs. */
export interface Runner {
  /**
   * Run `argv[0]` with the remaining arguments.
   * @throws ProcessError (process-error.ts, a CommandExecutionError) when the
   *   program cannot be started, times out, is killed, or exits with a code not
   *   in `okExitCodes`. The error carries the command, exit code and the end of
   *   stderr in `details`, plus `argv`, `exitCode`, `stdout`, `stderr` and
   *   `notFound` (true when the program does not exist).
   */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}
