/**
 * Start and stop the test bed's long-running services (ironic, ironic-inspector)
 * as plain processes, without systemd: in a session of their own (setsid), stdout
 * and stderr in a log file, the PID in a PID file; stopped by that PID only, and
 * only while its command line still names the test bed directory.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to start one service. */
export interface DaemonSpec {
  /** argv; argv[0] is looked up on PATH. */
  argv: readonly string[];
  /** stdout + stderr go here (appended). */
  logFile: string;
  /** The PID is written here. */
  pidFile: string;
  /** Working directory. */
  cwd: string;
  /** Extra environment. */
  env?: Record<string, string>;
}

/**
 * Start `spec.argv` detached in a new session and record its PID.
 * @returns the PID
 * @throws Error when the program cannot be started.
 */
export async function startDaemon(spec: DaemonSpec): Promise<number> {
  const [file, ...args] = spec.argv;
  if (file === undefined) throw new Error('startDaemon: empty argv');
  const fd = openSync(spec.logFile, 'a', 0o600);
  try {
    const child = spawn(file, args, {
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...(spec.env ?? {}) },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`Cannot start ${file}: ${error.message}`, { cause: error })));
      child.once('spawn', () =>
        child.pid === undefined ? reject(new Error(`Cannot start ${file}: no PID`)) : resolve(child.pid),
      );
    });
    child.unref();
    writeFileSync(spec.pidFile, `${pid}\n`, { mode: 0o600 });
    return pid;
  } finally {
    closeSync(fd);
  }
}

/** Read a PID file; undefined when missing or unreadable. */
export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** The command line of a live (non-zombie) process, or undefined when it is gone. */
export function liveCommandLine(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** What {@link stopDaemon} did. */
export type StopOutcome = 'absent' | 'not-ours' | 'terminated' | 'killed';

/**
 * Stop the process recorded in `pidFile` if its command line contains `marker`:
 * SIGTERM, wait up to `graceMs`, then SIGKILL (the process and its session's group).
 * The PID file is removed in every case.
 * @param pidFile - PID file written by {@link startDaemon}
 * @param marker - text the command line must contain (the test bed directory)
 * @param graceMs - how long to wait after SIGTERM (default 30 s: twice the conf's graceful_shutdown_timeout of 15 s)
 */
export async function stopDaemon(pidFile: string, marker: string, graceMs = 30_000): Promise<StopOutcome> {
  const pid = readPid(pidFile);
  rmSync(pidFile, { force: true });
  if (pid === undefined) return 'absent';
  const cmdline = liveCommandLine(pid);
  if (cmdline === undefined) return 'absent';
  if (!cmdline.includes(marker)) return 'not-ours';
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (liveCommandLine(pid) === undefined) return 'terminated';
    await sleep(100);
  }
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  while (liveCommandLine(pid) !== undefined) await sleep(50);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** The last `lines` lines of a text file ('' when it does not exist). */
export function tailFile(path: string, lines = 40): string {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** Read at most this much of the end of a log file. */
const TAIL_BYTES = 256 * 1024;
