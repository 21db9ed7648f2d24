/**
 * The one file that imports execa: runs argv arrays and maps failures to
 * ProcessError (a CommandExecutionError) at a single place. execa is loaded
 * on the first command, not with the program: a boot whose lookup needs no
 * command (MACs from sysfs) sends it before execa and its dependencies are
 * compiled and run (about 16 ms on Node 22, more on Node 20).
 */
import type { execa as Execa, Options } from 'execa';
import { ProcessError } from './process-error.js';
import type { RunOptions, RunResult, Runner } from './runner.js';

/** Longest stderr tail quoted in an error message. */
const STDERR_TAIL = 2000;

/** Runner backed by execa. */
export class ExecaRunner implements Runner {
  private execa: Promise<typeof Execa> | undefined;

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined) throw new ProcessError('empty command', argv, null, '', '', false);
    const ok = options.okExitCodes ?? [0];
    const execaOptions: Options = {
      reject: false,
      encoding: options.binary === true ? 'buffer' : 'utf8',
      stripFinalNewline: false,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    };
    const child = (await this.loadExeca())(file, args, execaOptions);
    if (options.onLine !== undefined) attachLineListeners(child, options.onLine);
    const result = await child;
    const rawStdout: unknown = result.stdout;
    const stdoutBuffer = rawStdout instanceof Uint8Array ? Buffer.from(rawStdout) : undefined;
    const stdout = stdoutBuffer !== undefined ? stdoutBuffer.toString('utf8') : String(result.stdout ?? '');
    const stderr = toText(result.stderr);
    const exitCode = result.exitCode ?? null;
    const notFound = (result as { code?: string }).code === 'ENOENT';
    if (notFound || result.timedOut || exitCode === null || !ok.includes(exitCode)) {
      throw new ProcessError(
        describe(argv, exitCode, stderr, result),
        argv,
        exitCode,
        stdout,
        stderr,
        notFound,
        result,
      );
    }
    const out: RunResult = { exitCode, stdout, stderr };
    if (options.binary === true && stdoutBuffer !== undefined) out.stdoutBuffer = stdoutBuffer;
    return out;
  }

  /** execa, imported by the first command; a failed import is tried again by the next. */
  private loadExeca(): Promise<typeof Execa> {
    this.execa ??= import('execa').then(
      (module) => module.execa,
      (error: unknown) => {
        this.execa = undefined;
        throw error;
      },
    );
    return this.execa;
  }
}

function attachLineListeners(child: ReturnType<typeof Execa>, onLine: NonNullable<RunOptions['onLine']>): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let pending = '';
    child[stream]?.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      const parts = pending.split(/\r\n|\n|\r/);
      pending = parts.pop() ?? '';
      for (const line of parts) onLine(line, stream);
    });
    child[stream]?.on('end', () => {
      if (pending !== '') onLine(pending, stream);
      pending = '';
    });
  }
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

function describe(
  argv: readonly string[],
  exitCode: number | null,
  stderr: string,
  result: { timedOut?: boolean | undefined; code?: string | undefined; signal?: string | undefined },
): string {
  const cmd = argv.join(' ');
  if (result.code === 'ENOENT') return `Command not found: ${argv[0] ?? ''}`;
  if (result.timedOut === true) return `Command timed out: ${cmd}`;
  const tail = stderr.trim().slice(-STDERR_TAIL);
  const how = exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${exitCode}`;
  return `Command ${cmd} ${how}${tail === '' ? '' : `: ${tail}`}`;
}
