/**
 * Wait for a freshly started service to answer over HTTP, failing fast (with
 * the tail of its logs) when the process dies instead.
 */
import axios from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { liveCommandLine, tailFile } from './daemon.js';

/** What to wait for. */
export interface ReadinessProbe {
  /** Service name for messages. */
  name: string;
  /** The service's PID: if it exits, stop waiting. */
  pid: number;
  /** URL that must answer 200. */
  url: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** Request headers. */
  headers?: Record<string, string>;
  /** The body must also contain this text. */
  bodyIncludes?: string;
  /** Log files whose tails are quoted on failure. */
  logs: readonly string[];
  /** Poll interval. Default 250 ms. */
  intervalMs?: number;
}

/**
 * Poll `probe.url` until it answers 200 (and contains `bodyIncludes`).
 * @throws Error when the process exits or the timeout passes, quoting the logs.
 */
export async function waitUntilReady(probe: ReadinessProbe): Promise<void> {
  const deadline = Date.now() + probe.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (liveCommandLine(probe.pid) === undefined)
      throw new Error(`${probe.name} (PID ${probe.pid}) exited during start-up${logTails(probe.logs)}`);
    try {
      const response = await axios.get<string>(probe.url, {
        timeout: 2000,
        headers: probe.headers ?? {},
        responseType: 'text',
        validateStatus: () => true,
      });
      const body = String(response.data);
      if (response.status === 200 && (probe.bodyIncludes === undefined || body.includes(probe.bodyIncludes))) return;
      last = `HTTP ${response.status}: ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(probe.intervalMs ?? 250);
  }
  throw new Error(
    `${probe.name} not ready at ${probe.url} after ${probe.timeoutMs} ms (last: ${last})${logTails(probe.logs)}`,
  );
}

function logTails(logs: readonly string[]): string {
  return logs.map((log) => `\n--- last lines of ${log} ---\n${tailFile(log, 25)}`).join('');
}
