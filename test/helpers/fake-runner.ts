/**
 * Scripted Runner for tests: every command must be expected, in order or by
 * matcher; anything else throws, so a test can never run a real program.
 */
import { ProcessError } from '../../common/exec/process-error.js';
import type { RunOptions, RunResult, Runner } from '../../common/exec/runner.js';

/** One scripted answer. */
export interface Scripted {
  /** Exact argv, or a predicate over it. */
  match: readonly string[] | ((argv: readonly string[]) => boolean);
  /** Exit code (default 0). Non-zero (and not in okExitCodes) throws like ExecaRunner. */
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Simulate a missing program. */
  notFound?: boolean;
  /** Lines streamed to onLine before finishing. */
  lines?: string[];
  /** Reuse this answer for every matching call (default: used once). */
  repeat?: boolean;
  /** Side effect run when the command is "executed" (e.g. write a file). */
  effect?: (argv: readonly string[], options: RunOptions) => void | Promise<void>;
}

/** A recorded call. */
export interface RecordedCall {
  argv: string[];
  options: RunOptions;
}

/** Runner that replays scripted responses and records every call. */
export class FakeRunner implements Runner {
  readonly calls: RecordedCall[] = [];
  private readonly script: Scripted[] = [];

  /** Add expected commands. Returns this for chaining. */
  expect(...entries: Scripted[]): this {
    this.script.push(...entries);
    return this;
  }

  /** Commands scripted but never run (excluding repeatable ones). */
  pending(): Scripted[] {
    return this.script.filter((s) => s.repeat !== true);
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], options });
    const index = this.script.findIndex((s) => matches(s.match, argv));
    const entry = this.script[index];
    if (entry === undefined) throw new Error(`FakeRunner: unexpected command: ${JSON.stringify(argv)}`);
    if (entry.repeat !== true) this.script.splice(index, 1);
    if (entry.effect !== undefined) await entry.effect(argv, options);
    for (const line of entry.lines ?? []) options.onLine?.(line, 'stdout');
    const exitCode = entry.exitCode ?? 0;
    const stdout = entry.stdout ?? '';
    const stderr = entry.stderr ?? '';
    if (entry.notFound === true)
      throw new ProcessError(`Command not found: ${argv[0] ?? ''}`, argv, null, '', '', true);
    if (!(options.okExitCodes ?? [0]).includes(exitCode)) {
      throw new ProcessError(
        `Command ${argv.join(' ')} exited with code ${exitCode}: ${stderr.trim()}`,
        argv,
        exitCode,
        stdout,
        stderr,
        false,
      );
    }
    const result: RunResult = { exitCode, stdout, stderr };
    if (options.binary === true) result.stdoutBuffer = Buffer.from(stdout);
    return result;
  }
}

function matches(match: Scripted['match'], argv: readonly string[]): boolean {
  if (typeof match === 'function') return match(argv);
  return match.length === argv.length && match.every((a, i) => a === argv[i]);
}
