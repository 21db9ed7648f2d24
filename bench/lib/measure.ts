/**
 * One measurement round of a server target: start until the first 200 answer,
 * resident memory after settling, then sequential request latency.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { timeSequentialGets, waitFor200 } from './http.js';
import { describeExit, type BenchProcess, type ProcessGroup } from './process.js';
import { freePort, readVmRss } from './proc-status.js';
import { median, percentile } from './stats.js';
import { COMMANDS_BODY, type ServerTarget } from './targets.js';

/** What one start of a server gave. */
export interface ServerSample {
  /** Milliseconds from spawn until `GET /v1/status` answered 200. */
  startMs: number;
  /** VmRSS in bytes after the settle pause, before any benchmark request. */
  rssBytes: number;
  /** Median latency of the timed `GET /v1/commands/` requests, milliseconds. */
  latencyMedianMs: number;
  /** 95th percentile (nearest rank) of the same, milliseconds. */
  latencyP95Ms: number;
  /** 99th percentile (nearest rank) of the same, milliseconds. */
  latencyP99Ms: number;
}

/** Knobs of one round. */
export interface RoundOptions {
  /** Timed requests. */
  requests: number;
  /** Untimed requests before them. */
  warmup: number;
  /** Pause between the first 200 answer and reading VmRSS. */
  settleMs: number;
  /** Give up when the server has not answered 200 by then. */
  startTimeoutMs: number;
}

/** Attempts when another process grabs the chosen port first. */
const PORT_ATTEMPTS = 3;

/** Start `target` and wait for its first 200; retries on a lost port race (the caller stops the child). */
export async function startServer(
  target: ServerTarget,
  group: ProcessGroup,
  scratch: string,
  timeoutMs: number,
): Promise<{ child: BenchProcess; port: number; readyAt: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = group.start(target.argv(port, scratch));
    try {
      const abandon = (): string | undefined => {
        const exit = child.exit();
        return exit === undefined ? undefined : `${target.label} ${describeExit(exit)}`;
      };
      const readyAt = await waitFor200(`http://127.0.0.1:${port}/v1/status`, { timeoutMs, abandon });
      return { child, port, readyAt };
    } catch (error) {
      await child.stop();
      const output = child.outputTail();
      if (attempt < PORT_ATTEMPTS && output.includes('EADDRINUSE')) continue;
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n--- last output of ${target.label} ---\n${output.trimEnd() || '(none)'}`);
    }
  }
}

/**
 * Start `target`, measure it, stop it.
 * @param scratch - a fresh empty directory for this start
 * @throws Error (with the server's last output) when it does not come up or answers wrongly
 */
export async function measureServer(
  target: ServerTarget,
  group: ProcessGroup,
  scratch: string,
  options: RoundOptions,
): Promise<ServerSample> {
  const { child, port, readyAt } = await startServer(target, group, scratch, options.startTimeoutMs);
  try {
    await sleep(options.settleMs);
    const rssBytes = await readVmRss(child.pid);
    const latencies = await timeSequentialGets(
      `http://127.0.0.1:${port}/v1/commands/`,
      options.requests,
      options.warmup,
      COMMANDS_BODY,
    );
    return {
      startMs: readyAt - child.spawnedAt,
      rssBytes,
      latencyMedianMs: median(latencies),
      latencyP95Ms: percentile(latencies, 95),
      latencyP99Ms: percentile(latencies, 99),
    };
  } finally {
    await child.stop();
  }
}

/**
 * Milliseconds from spawning `argv` until it exited.
 * @throws Error when it does not exit with code 0 within `timeoutMs`
 */
export async function measureExit(argv: readonly string[], group: ProcessGroup, timeoutMs: number): Promise<number> {
  const child = group.start(argv);
  const timer = setTimeout(() => void child.stop(0), timeoutMs);
  try {
    const exit = await child.exited;
    const elapsed = performance.now() - child.spawnedAt;
    if (exit.code !== 0) throw new Error(`${argv.join(' ')} ${describeExit(exit)}: ${child.outputTail().trimEnd()}`);
    return elapsed;
  } finally {
    clearTimeout(timer);
  }
}
