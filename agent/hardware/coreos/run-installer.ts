/**
 * Runs coreos-installer with the upstream retry policy and streams its output.
 *
 * Port of `_run_install` in openshift/ironic-agent-image: up to 3 attempts on
 * a non-zero exit, no delay. Deviations: the output goes to the info log
 * (progress lines thinned out, installer-output-log.ts) instead of debug, and
 * the error carries the installer's error and its `Caused by:` chain
 * (installer-error.ts) instead of the last line, which after a failed disk
 * write is always `Error: install failed`. Also reports progress
 * (`Read disk 1.2 GiB/3.4 GiB (35%)`) to the running command. URL secrets
 * (userinfo, query strings) are masked in every line and message (redactUrls).
 */
import pRetry, { AbortError } from 'p-retry';
import type { Clock } from '../../../common/clock.js';
import { DeploymentError, RestError } from '../../../common/errors.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { redactUrls } from './installer-args.js';
import { formatErrorChain, installerErrorChain } from './installer-error.js';
import { InstallerOutputLog } from './installer-output-log.js';
import { parseProgress, type InstallerProgress } from './installer-progress.js';

/** Options of {@link runInstaller}. */
export interface RunInstallerOptions {
  runner: Runner;
  logger: Logger;
  /** The full argv (`chroot <root> coreos-installer install ... <device>`). */
  argv: readonly string[];
  /** The chroot, for messages. */
  rootMount: string;
  /** Called for every recognised progress line. */
  progress?: (progress: InstallerProgress) => void;
  /** Attempts in total. Default 3 (upstream). */
  attempts?: number;
  /** For thinning out progress lines in the log. */
  clock: Pick<Clock, 'now'>;
}

/** The last output lines of an attempt kept for its error message (the error report is at the end). */
const KEPT_LINES = 200;

/**
 * Run the installer; resolve on exit code 0.
 * @throws DeploymentError `coreos-installer failed with code N (attempt I of M): <error: cause: ...>`
 *   after the last attempt, or at once (no retry) when coreos-installer or the
 *   chroot cannot be run: `coreos-installer not found in <rootMount>: ...`
 */
export async function runInstaller(options: RunInstallerOptions): Promise<void> {
  const { runner, logger, argv, rootMount } = options;
  const attempts = Math.max(1, options.attempts ?? 3);
  let lastError: unknown;
  const attempt = async (attemptNumber: number): Promise<void> => {
    const output: string[] = [];
    const log = new InstallerOutputLog(logger, attemptNumber, () => options.clock.now());
    const onLine = (raw: string): void => {
      const line = redactUrls(raw.trimEnd());
      output.push(line);
      if (output.length > KEPT_LINES) output.shift();
      if (line.trim() === '') return;
      const report = parseProgress(line.trim());
      log.write(line, report);
      if (report !== null) options.progress?.(report);
    };
    try {
      await runner.run(argv, { onLine });
    } catch (error) {
      lastError = toInstallError(error, output, rootMount, `attempt ${attemptNumber} of ${attempts}`);
      throw retryable(error) ? lastError : new AbortError(lastError as Error);
    }
  };
  try {
    await pRetry(attempt, {
      retries: attempts - 1,
      minTimeout: 0,
      maxTimeout: 0,
      onFailedAttempt: (error) => {
        logger.warn('coreos-installer attempt failed', {
          attempt: error.attemptNumber,
          retriesLeft: error.retriesLeft,
          error: redactUrls(error.message),
        });
      },
    });
  } catch (error) {
    throw lastError ?? error;
  }
}

interface ProcessOutcome {
  exitCode?: number | null;
  notFound?: boolean;
  stdout?: string;
  stderr?: string;
}

/** Exit codes of chroot(1) when it cannot run the command (125: chroot failed, 126: not executable, 127: not found). */
function cannotRun(outcome: ProcessOutcome): boolean {
  return outcome.notFound === true || outcome.exitCode === 125 || outcome.exitCode === 126 || outcome.exitCode === 127;
}

function retryable(error: unknown): boolean {
  return error instanceof RestError && !cannotRun(error as ProcessOutcome);
}

function toInstallError(error: unknown, streamed: readonly string[], rootMount: string, attempt: string): unknown {
  if (!(error instanceof RestError)) return error;
  const outcome = error as ProcessOutcome;
  const lines = streamed.some((l) => l.trim() !== '')
    ? streamed
    : `${outcome.stdout ?? ''}\n${outcome.stderr ?? ''}`.split(/\r?\n|\r/);
  const tail = lastNonEmptyLine(lines);
  if (cannotRun(outcome)) {
    const what =
      outcome.exitCode === 125 ? `cannot chroot into ${rootMount}` : `coreos-installer not found in ${rootMount}`;
    // error.details holds the whole argv, image URL included: redact it like everything else.
    return new DeploymentError(
      redactUrls(`${what}: ${tail !== '' ? tail : error.details}; is the host root mounted there (--root-mount)?`),
      { cause: error },
    );
  }
  const chain = installerErrorChain(lines);
  const summary = chain.length > 0 ? formatErrorChain(chain) : tail;
  return new DeploymentError(
    redactUrls(`coreos-installer failed with code ${String(outcome.exitCode)} (${attempt}): ${summary}`),
    { cause: error },
  );
}

function lastNonEmptyLine(lines: readonly string[]): string {
  const nonEmpty = lines.map((l) => l.trim()).filter((l) => l !== '');
  return redactUrls(nonEmpty[nonEmpty.length - 1] ?? '');
}
