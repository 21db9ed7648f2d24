/**
 * HTTP for the benchmarks: waiting for a server's first 200 answer, and timing
 * sequential GETs over one keep-alive connection.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A finished GET. */
export interface Answer {
  status: number;
  body: string;
}

/** GET `url` and read the whole body; `agent: false` opens a fresh connection. */
export function get(url: string, agent: Agent | false, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Options of {@link waitFor200}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between attempts (connection refused comes back at once on loopback). Default 2 ms. */
  intervalMs?: number;
  /** Returns a reason to stop waiting (e.g. the server process exited), or undefined to keep going. */
  abandon?: () => string | undefined;
}

/**
 * Poll `url` with fresh connections until it answers 200.
 * @returns `performance.now()` when the 200 answer was complete
 * @throws Error when `abandon` gives a reason or `timeoutMs` passes, quoting the last failure
 */
export async function waitFor200(url: string, options: WaitOptions): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  let last = 'no attempt made';
  for (;;) {
    const reason = options.abandon?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${url}: ${reason}`);
    try {
      const answer = await get(url, false, 1000);
      if (answer.status === 200) return performance.now();
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms (last: ${last})`);
    await sleep(options.intervalMs ?? 2);
  }
}

/**
 * Time `count` sequential GETs of `url` over one keep-alive connection, after
 * `warmup` untimed ones. Every answer must be 200 with `expectBody`, so an
 * error page can never be mistaken for a fast answer.
 * @returns the latency of each timed request in milliseconds
 * @throws Error on the first unexpected answer
 */
export async function timeSequentialGets(
  url: string,
  count: number,
  warmup: number,
  expectBody: string,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < warmup + count; i += 1) {
      const start = performance.now();
      const answer = await get(url, agent);
      const elapsed = performance.now() - start;
      if (answer.status !== 200 || answer.body !== expectBody) {
        throw new Error(
          `GET ${url} answered HTTP ${answer.status} ${JSON.stringify(answer.body.slice(0, 200))}, expected 200 ${expectBody}`,
        );
      }
      if (i >= warmup) latencies.push(elapsed);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
