/** Resident memory of a process from Linux /proc, and a free TCP port on loopback. */
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';

/** The memory lines of /proc/<pid>/status the benchmarks read: resident now, and the peak resident ("high water mark"). */
export type MemoryField = 'VmRSS' | 'VmHWM';

/**
 * The `field` line of a /proc/<pid>/status text, in bytes.
 * @throws Error when the text has no such line (e.g. a kernel thread or a zombie)
 */
export function parseStatusField(status: string, field: MemoryField): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (match === null)
    throw new Error(`no ${field} line in /proc/<pid>/status: the process has exited or is not a user process`);
  return Number(match[1]) * 1024;
}

/**
 * The `VmRSS` line of a /proc/<pid>/status text, in bytes.
 * @throws Error when the text has no VmRSS line (e.g. a kernel thread or a zombie)
 */
export function parseVmRss(status: string): number {
  return parseStatusField(status, 'VmRSS');
}

/**
 * Resident set size of `pid` in bytes (Linux only).
 * @throws Error when the process is gone or /proc is not available
 */
export async function readVmRss(pid: number): Promise<number> {
  return parseVmRss(await readFile(`/proc/${pid}/status`, 'utf8'));
}

/**
 * Peak resident set size of `pid` since it started (`VmHWM`), in bytes (Linux only).
 * @throws Error when the process is gone or /proc is not available
 */
export async function readVmHwm(pid: number): Promise<number> {
  return parseStatusField(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (listen on 0, close).
 * Another process may still take it before the benchmark target binds it;
 * callers retry when the target reports EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
