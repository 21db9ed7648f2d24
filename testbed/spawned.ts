/**
 * A long-running process started by the test bed (an agent under test, a probe
 * server), with its stdout and stderr captured in one log file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** How a process ended. */
export interface ExitStatus {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** The signal that killed it, or null. */
  signal: NodeJS.Signals | null;
}

/** Options of {@link SpawnedProcess.start}. */
export interface SpawnOptions {
  /** stdout and stderr are appended here (created 0600). */
  logFile: string;
  /** Extra environment, merged over this process's environment. */
  env?: Record<string, string>;
  /** Working directory. Default: this process's. */
  cwd?: string;
}

/** A started process: kill it, wait for it, read its log. */
export class SpawnedProcess {
  private status: ExitStatus | undefined;
  private readonly exited: Promise<ExitStatus>;

  private constructor(
    exited: Promise<ExitStatus>,
    /** The process ID (the leader of its own process group). */
    readonly pid: number,
    /** The log file holding stdout and stderr. */
    readonly logFile: string,
  ) {
    this.exited = exited.then((status) => {
      this.status = status;
      return status;
    });
  }

  /**
   * Start `argv` in a process group of its own.
   * @throws Error when the program cannot be started.
   */
  static async start(argv: readonly string[], options: SpawnOptions): Promise<SpawnedProcess> {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('SpawnedProcess.start: empty argv');
    const fd = openSync(options.logFile, 'a', 0o600);
    try {
      const child = spawn(file, args, {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, ...(options.env ?? {}) },
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      });
      const exited = exitOf(child);
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('error', (error) => reject(new Error(`Cannot start ${file}: ${error.message}`, { cause: error })));
        child.once('spawn', () =>
          child.pid === undefined ? reject(new Error(`Cannot start ${file}: no PID`)) : resolve(child.pid),
        );
      });
      return new SpawnedProcess(exited, pid, options.logFile);
    } finally {
      closeSync(fd);
    }
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.status === undefined;
  }

  /**
   * Send `signal` (default SIGTERM) to the process; with `group: true` to its
   * whole process group (children included). No-op once it has exited.
   */
  kill(signal: NodeJS.Signals = 'SIGTERM', group = false): void {
    if (!this.running) return;
    try {
      process.kill(group ? -this.pid : this.pid, signal);
    } catch {
      // exited in the meantime
    }
  }

  /**
   * Wait for the process to exit.
   * @param timeoutMs - give up after this long (default: wait forever)
   * @throws Error when it is still running after `timeoutMs`.
   */
  async waitExit(timeoutMs?: number): Promise<ExitStatus> {
    if (timeoutMs === undefined) return this.exited;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Process ${this.pid} still running after ${timeoutMs} ms; see ${this.logFile}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stop the whole process group: SIGTERM, then SIGKILL after `graceMs`.
   * Resolves once the process has exited. Idempotent.
   */
  async stop(graceMs = 5000): Promise<ExitStatus> {
    this.kill('SIGTERM', true);
    try {
      return await this.waitExit(graceMs);
    } catch {
      this.kill('SIGKILL', true);
      return this.exited;
    }
  }

  /** Everything written to stdout and stderr so far. */
  readLog(): string {
    return readFileSync(this.logFile, 'utf8');
  }
}

function exitOf(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })));
}
