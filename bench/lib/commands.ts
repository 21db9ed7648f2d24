/**
 * Sequential `POST /v1/commands/` over one keep-alive connection, each timed,
 * for the command-history benchmark.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Answer } from './http.js';

/** A sync command that does nothing but answer `{}`: what is left is the agent's own cost per command. */
export const CHEAP_COMMAND = JSON.stringify({ name: 'standby.get_partition_uuids', params: {} });

/**
 * A command of an extension the agent does not have: refused with 404 before
 * anything is recorded, so it costs a request without growing the history.
 */
export const UNRECORDED_COMMAND = JSON.stringify({ name: 'bench_missing.nothing', params: {} });

/** Whether an answer is the expected one for the body sent. */
function expected(body: string, answer: Answer): boolean {
  if (body === UNRECORDED_COMMAND) return answer.status === 404;
  return answer.status === 200 && answer.body.includes('"command_status":"SUCCEEDED"');
}

/** POST `body` as JSON to `url` over `agent` and read the whole answer. */
export function postJson(url: string, agent: Agent, body: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from POST ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Send `body` ({@link CHEAP_COMMAND} or {@link UNRECORDED_COMMAND}) `count` times, one after the other,
 * and time each. Every answer must be the expected one (200 with a SUCCEEDED result, or 404), so an
 * error cannot pass as a fast answer.
 * @param url - `…/v1/commands/?agent_token=…` (never printed: it holds the token)
 * @returns the latency of each POST in milliseconds, in order
 * @throws Error on the first unexpected answer
 */
export async function timeCommandPosts(url: string, count: number, body = CHEAP_COMMAND): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const start = performance.now();
      const answer = await postJson(url, agent, body);
      latencies.push(performance.now() - start);
      if (!expected(body, answer))
        throw new Error(`POST ${i + 1} answered HTTP ${answer.status} ${JSON.stringify(answer.body.slice(0, 200))}`);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
