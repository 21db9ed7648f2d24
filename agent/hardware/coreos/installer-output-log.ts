/**
 * coreos-installer's output in the agent log, at info level, so that it is
 * in the default log and in the system-log tarball Ironic keeps when a
 * deploy fails (openshift/ironic-agent-image logs it at debug level only,
 * its OCPBUGS-4899 fix). Progress lines (`Read disk 1.2 GiB/3.4 GiB (35%)`,
 * one a second from coreos-installer) are thinned out at info level: every
 * {@link PROGRESS_LOG_STEP} percent, or when {@link PROGRESS_LOG_INTERVAL_MS}
 * passed with some progress. The skipped ones go to debug.
 */
import type { Logger } from '../../logger.js';
import type { InstallerProgress } from './installer-progress.js';

/** Percent of the image write between two progress lines at info level. */
export const PROGRESS_LOG_STEP = 5;

/** A progress line that moved on is logged at info at least this often (ms). */
export const PROGRESS_LOG_INTERVAL_MS = 30_000;

/** The log of one installer run. */
export class InstallerOutputLog {
  private lastPercent: number | null = null;
  private lastAt = 0;

  /**
   * @param logger - where the lines go
   * @param attempt - the attempt number, logged with every line
   * @param now - milliseconds clock for the progress interval
   */
  constructor(
    private readonly logger: Logger,
    private readonly attempt: number,
    private readonly now: () => number,
  ) {}

  /** Log one output line (already redacted); `progress` is its {@link parseProgress} classification. */
  write(line: string, progress: InstallerProgress | null): void {
    const meta = { attempt: this.attempt, line };
    if (progress?.phase === 'write' && !this.progressDue(progress.percent))
      this.logger.debug('coreos-installer output', meta);
    else this.logger.info('coreos-installer output', meta);
  }

  private progressDue(percent: number | null): boolean {
    const now = this.now();
    const last = this.lastPercent;
    const due =
      last === null ||
      percent === null ||
      percent === 100 ||
      percent >= last + PROGRESS_LOG_STEP ||
      (percent !== last && now - this.lastAt >= PROGRESS_LOG_INTERVAL_MS);
    if (due) {
      this.lastPercent = percent;
      this.lastAt = now;
    }
    return due;
  }
}
