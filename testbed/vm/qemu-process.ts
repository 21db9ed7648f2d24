/**
 * The qemu process of a {@link Machine} (machine.ts): started so that it
 * dies with the test process, killed by a hard timeout, and its end
 * described for the errors of waits that were pending.
 */
import { spawn } from 'node:child_process';

/** How qemu ended. */
export interface MachineExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the hard timeout killed it. */
  timedOut: boolean;
}

/** Starts `argv` under setpriv; `exited` resolves when it ends, killed after `hardTimeoutMs` at most. */
export function launch(
  argv: readonly string[],
  hardTimeoutMs: number,
): { exited: Promise<MachineExit>; pid: number | undefined; stderr: { text: string } } {
  // setpriv: the kernel kills qemu when this process dies (killed test, Ctrl-C), which the
  // hard timeout, a timer in this process, cannot cover; the setting survives `ip netns exec`.
  const [file = '', ...args] = ['setpriv', '--pdeathsig', 'KILL', ...argv];
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = { text: '' };
  child.stderr.on('data', (b: Buffer) => {
    stderr.text = (stderr.text + b.toString()).slice(-4000);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) killPid(child.pid);
  }, hardTimeoutMs);
  const exited = new Promise<MachineExit>((resolve) => {
    child.once('error', (e) => {
      stderr.text += `cannot start ${file}: ${e.message}`;
      resolve({ exitCode: null, signal: null, timedOut });
    });
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, timedOut }));
  }).finally(() => clearTimeout(timer));
  return { exited, pid: child.pid, stderr };
}

/** SIGKILL, when the process still exists. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** How qemu ended, with the end of its stderr. */
export function describeExit(e: MachineExit, stderr: string): string {
  const how = e.timedOut
    ? 'qemu was killed by the hard timeout'
    : `qemu exited (code ${String(e.exitCode)}, signal ${String(e.signal)})`;
  return stderr.trim() === '' ? how : `${how}; qemu stderr: ${stderr.trim().slice(-800)}`;
}

/** The error for a qemu that exited before QMP answered. */
export function startFailure(e: MachineExit, stderr: { text: string }): Error {
  return new Error(
    `The VM did not start: ${describeExit(e, stderr.text)}. Check that qemu-system-x86 and ovmf are installed.`,
  );
}
