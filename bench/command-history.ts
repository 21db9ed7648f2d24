/**
 * Command-history benchmark: the cost of `POST /v1/commands/` and the agent's
 * resident memory as the command history grows, each against the same agent
 * earlier in the same run (issue 12: IPA stays flat).
 *
 *   node --import tsx bench/run.ts command-history [--runs 3] [--commands 4000] [--settle-ms 1000] [--rest-ms 15000] [--json]
 *
 * Each run starts the built agent (standalone, as in the agent benchmark) with
 * a fresh state directory on tmpfs when /dev/shm exists (the agent's image
 * keeps its state on tmpfs), reads its idle VmRSS, then sends `--commands`
 * cheap sync commands one after the other. Memory is read twice each time:
 * `--settle-ms` after the first answer and after the last command, and again
 * once the agent has rested `--rest-ms` (V8 shrinks a heap grown under load
 * only after some seconds of low allocation, its memory reducer, so the first
 * reading after the commands shows the load, the rested one what is kept).
 * Then a second fresh agent gets as
 * many POSTs of an unknown command (404, nothing recorded), to tell what the
 * history keeps from what any request load costs. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CHEAP_COMMAND, UNRECORDED_COMMAND, timeCommandPosts } from './lib/commands.js';
import { startServer } from './lib/measure.js';
import { ProcessGroup } from './lib/process.js';
import { readVmRss } from './lib/proc-status.js';
import { median } from './lib/stats.js';
import { agentTarget } from './lib/targets.js';
import { historyRows, type HistorySample } from './lib/history-report.js';

/** Knobs of the command-history benchmark. */
export interface HistoryBenchOptions {
  /** Measured runs, each a fresh agent. */
  runs: number;
  /** Commands sent per run; the memory row is read after the last. */
  commands: number;
  /** Pause after the first answer and after the last command before reading VmRSS. */
  settleMs: number;
  /** Time after the first answer, and after the last command, before the rested VmRSS readings (at least settleMs). */
  restMs: number;
}

/** Defaults: 3 runs of 4,000 commands, 1 s settle, 15 s rest (the agent benchmark's idle time). */
export const HISTORY_BENCH_DEFAULTS: Readonly<HistoryBenchOptions> = {
  runs: 3,
  commands: 4000,
  settleMs: 1000,
  restMs: 15_000,
};

/** Where the POST latency is read: the median of WINDOW commands sent with this many already in the history. */
export const MARKS = { early: 100, late: 2000, window: 100 } as const;

/** The whole result, as `--json` prints it. */
export interface HistoryBenchReport {
  benchmark: 'command-history';
  context: Record<string, string | number>;
  rows: string[][];
  samples: HistorySample[];
}

const AGENT_BIN = fileURLToPath(new URL('../bin/ironic-coreos-agent', import.meta.url));
const DIST_CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));

/** `1 s`, `15 s`, `0.5 s`. */
function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** tmpfs when the machine has one at /dev/shm, else the temporary directory. */
async function stateRoot(): Promise<string> {
  try {
    await access('/dev/shm');
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** What one fresh agent gave: idle memory, the POST latencies, memory after the last POST (settled and rested). */
interface Flood {
  idleRssBytes: number;
  idleRestedRssBytes: number;
  latencies: number[];
  finalRssBytes: number;
  restedRssBytes: number;
}

/** VmRSS `settleMs` after now, and again `restMs` after now. */
async function settledAndRested(pid: number, options: HistoryBenchOptions): Promise<[number, number]> {
  await sleep(options.settleMs);
  const settled = await readVmRss(pid);
  await sleep(Math.max(0, options.restMs - options.settleMs));
  return [settled, await readVmRss(pid)];
}

/** Start a fresh agent, send `body` `count` times, stop it. */
async function flood(
  group: ProcessGroup,
  work: string,
  token: string,
  options: HistoryBenchOptions,
  body: string,
): Promise<Flood> {
  const configDir = join(work, 'config');
  const cmdlinePath = join(work, 'cmdline');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFile(cmdlinePath, '', { mode: 0o600 });
  const target = agentTarget(process.execPath, { bin: AGENT_BIN, configDir, cmdlinePath, token });
  const { child, port } = await startServer(target, group, await mkdtemp(join(work, 'start-')), 30_000);
  try {
    const [idleRssBytes, idleRestedRssBytes] = await settledAndRested(child.pid, options);
    const url = `http://127.0.0.1:${port}/v1/commands/?agent_token=${encodeURIComponent(token)}`;
    const latencies = await timeCommandPosts(url, options.commands, body);
    const [finalRssBytes, restedRssBytes] = await settledAndRested(child.pid, options);
    return { idleRssBytes, idleRestedRssBytes, latencies, finalRssBytes, restedRssBytes };
  } finally {
    await child.stop();
  }
}

/** One run: the commands, then the same number of unrecorded POSTs to another fresh agent. */
async function measureRun(
  group: ProcessGroup,
  work: string,
  token: string,
  options: HistoryBenchOptions,
): Promise<HistorySample> {
  const recorded = await flood(group, work, token, options, CHEAP_COMMAND);
  const unrecorded = await flood(group, work, token, options, UNRECORDED_COMMAND);
  const window = (from: number): number => median(recorded.latencies.slice(from, from + MARKS.window));
  return {
    earlyP50Ms: window(MARKS.early),
    lateP50Ms: window(MARKS.late),
    idleRssBytes: recorded.idleRssBytes,
    finalRssBytes: recorded.finalRssBytes,
    unrecordedRssBytes: unrecorded.finalRssBytes,
    idleRestedRssBytes: recorded.idleRestedRssBytes,
    restedRssBytes: recorded.restedRssBytes,
    unrecordedRestedRssBytes: unrecorded.restedRssBytes,
  };
}

/**
 * Run the command-history benchmark.
 * @param progress - receives one line per step (the caller sends it to stderr)
 * @throws Error when the agent is not built, does not start, or answers a command wrongly
 */
export async function runHistoryBench(
  options: HistoryBenchOptions,
  progress: (line: string) => void,
): Promise<HistoryBenchReport> {
  if (options.commands < MARKS.late + MARKS.window)
    throw new Error(`--commands must be at least ${MARKS.late + MARKS.window}`);
  try {
    await access(DIST_CLI);
  } catch {
    throw new Error(`${DIST_CLI} is missing: run \`npm run build\` first`);
  }
  const root = await stateRoot();
  const work = await mkdtemp(join(root, 'bench-history-'));
  const group = new ProcessGroup();
  const token = randomBytes(24).toString('base64url');
  const loadBefore = loadavg()[0] ?? 0;
  const samples: HistorySample[] = [];
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      progress(`run ${run}/${options.runs}: ${options.commands} commands`);
      samples.push(await measureRun(group, work, token, options));
    }
  } finally {
    await group.stopAll();
    await rm(work, { recursive: true, force: true });
  }
  const context = {
    runs: options.runs,
    commands: options.commands,
    settleMs: options.settleMs,
    restMs: options.restMs,
    stateDir: root,
    node: process.version,
    cpus: cpus().length,
    loadBefore: Number(loadBefore.toFixed(2)),
    loadAfter: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
  return {
    benchmark: 'command-history',
    context,
    rows: historyRows(samples, options.commands, { settle: seconds(options.settleMs), rest: seconds(options.restMs) }),
    samples,
  };
}
