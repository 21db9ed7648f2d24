/**
 * The unauthenticated-body flood: parallel POSTs of a large body without an
 * agent token, and the server's peak resident memory (VmHWM) through them.
 * Any client on the network can send these; the agent must not buffer them.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RoundOptions } from './measure.js';
import type { ProcessGroup } from './process.js';
import { readVmHwm, readVmRss } from './proc-status.js';
import type { ServerTarget } from './targets.js';

/** The flood the issue describes: 8 parallel POSTs of 63 MiB (just under the agent's 64 MiB body cap). */
export const FLOOD = { parallel: 8, bodyBytes: 63 * 1024 * 1024, timeoutMs: 120_000 } as const;

/** What one flood against a freshly started server gave. */
export interface FloodSample {
  /** VmHWM after start and settle, before the POSTs (the same process idle). */
  idleHwmBytes: number;
  /** VmHWM once every POST has ended. */
  hwmBytes: number;
  /** VmRSS `settleMs` after the POSTs ended (what stays resident). */
  rssAfterBytes: number;
  /** The status code each POST got; 0 when the connection ended without one. */
  statuses: number[];
}

/**
 * A command body of exactly `bytes` bytes: valid JSON, so a server that reads
 * it also parses it.
 */
export function floodBody(bytes: number): Buffer {
  const prefix = '{"name": "deploy.execute_deploy_step", "params": {"node": {"instance_info": {"configdrive": "';
  const suffix = '"}}}}';
  const body = Buffer.alloc(bytes, 0x41);
  body.write(prefix, 0, 'latin1');
  body.write(suffix, bytes - suffix.length, 'latin1');
  return body;
}

/**
 * POST `body` to `/v1/commands/` without a token over one raw connection and
 * resolve, once the connection is closed, with the answer's status (0 for none).
 * The whole body is offered; a server that answers early and closes cuts it short.
 */
export function postWithoutToken(port: number, body: Buffer, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
    });
    socket.on('connect', () => {
      socket.write(
        `POST /v1/commands/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.end(body);
    });
  });
}

/**
 * Start `target`, read its idle VmHWM, run {@link FLOOD} against it, read the
 * VmHWM then and the VmRSS `settleMs` later, stop it.
 * @throws Error (with the server's last output) when it does not come up
 */
export async function measureFlood(
  target: ServerTarget,
  group: ProcessGroup,
  scratch: string,
  options: RoundOptions,
  body: Buffer,
): Promise<FloodSample> {
  const { child, port } = await startServer(target, group, scratch, options.startTimeoutMs);
  try {
    await sleep(options.settleMs);
    const idleHwmBytes = await readVmHwm(child.pid);
    const statuses = await Promise.all(
      Array.from({ length: FLOOD.parallel }, () => postWithoutToken(port, body, FLOOD.timeoutMs)),
    );
    const hwmBytes = await readVmHwm(child.pid);
    await sleep(options.settleMs);
    return { idleHwmBytes, hwmBytes, rssAfterBytes: await readVmRss(child.pid), statuses };
  } finally {
    await child.stop();
  }
}
