/**
 * Agent benchmark: cold start to listening, idle memory, API latency and peak
 * memory under a flood of unauthenticated 63 MiB POSTs of the built agent, each
 * as a ratio against bare Node (or the same agent idle) measured in the same run.
 *
 *   node --import tsx bench/run.ts agent [--runs 5] [--requests 1000] [--warmup 200] [--settle-ms 1000] [--json]
 *
 * Every run starts `node -e ''`, a bare node:http server and the agent one after
 * the other (interleaved, so load from other work on the machine hits all of
 * them alike); one untimed round first warms the page cache. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, type AgentBenchReport, type AgentBenchSamples } from './lib/agent-report.js';
import { FLOOD, floodBody, measureFlood } from './lib/flood.js';
import { measureBoot } from './lib/lookup-idle.js';
import { measureExit, measureServer, type RoundOptions } from './lib/measure.js';
import { ProcessGroup } from './lib/process.js';
import { agentTarget, bareServerTarget, nodeExitArgv, type ServerTarget } from './lib/targets.js';

/** Knobs of the agent benchmark. */
export interface AgentBenchOptions extends RoundOptions {
  /** Measured runs (after one untimed warm-up round). */
  runs: number;
  /** How long after spawn the boot rows read the idle VmHWM. */
  idleMs: number;
}

/** Defaults: 5 runs of 1000 timed requests after 200 warm-up ones, 1 s settle, 15 s idle, 30 s start limit. */
export const AGENT_BENCH_DEFAULTS: Readonly<AgentBenchOptions> = {
  runs: 5,
  requests: 1000,
  warmup: 200,
  settleMs: 1000,
  idleMs: 15_000,
  startTimeoutMs: 30_000,
};

/** The built CLI the executable runs, and the executable. */
const DIST_CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const AGENT_BIN = fileURLToPath(new URL('../bin/ironic-coreos-agent', import.meta.url));

/** Fail early, before starting anything, when the agent is not built. */
async function requireBuild(): Promise<void> {
  try {
    await access(DIST_CLI);
  } catch {
    throw new Error(
      `${DIST_CLI} is missing: run \`npm run build\` first (\`npm run bench\` builds and then runs the benchmarks)`,
    );
  }
  try {
    await access('/proc/self/status');
  } catch {
    throw new Error('/proc/self/status is not readable: the agent benchmark reads VmRSS and needs Linux /proc');
  }
}

/**
 * Run the agent benchmark.
 * @param progress - receives one line per step (the caller sends it to stderr)
 * @throws Error when the agent is not built or a process does not start or answer as expected
 */
export async function runAgentBench(
  options: AgentBenchOptions,
  progress: (line: string) => void,
): Promise<AgentBenchReport> {
  await requireBuild();
  const node = process.execPath;
  const group = new ProcessGroup();
  const work = await mkdtemp(join(tmpdir(), 'bench-agent-'));
  const cleanup = async (): Promise<void> => {
    await group.stopAll();
    await rm(work, { recursive: true, force: true });
  };
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const configDir = join(work, 'config');
    const cmdlinePath = join(work, 'cmdline');
    await mkdir(configDir, { mode: 0o700 });
    await writeFile(cmdlinePath, '', { mode: 0o600 });
    const token = randomBytes(24).toString('base64url');
    const inputs = { bin: AGENT_BIN, configDir, cmdlinePath, token };
    const agent = agentTarget(node, inputs);
    const bare = bareServerTarget(node);
    const scratch = (): Promise<string> => mkdtemp(join(work, 'start-'));
    const server = async (target: ServerTarget): ReturnType<typeof measureServer> =>
      measureServer(target, group, await scratch(), options);
    const flood = async (target: ServerTarget): ReturnType<typeof measureFlood> =>
      measureFlood(target, group, await scratch(), options, body);
    const body = floodBody(FLOOD.bodyBytes);
    const samples: AgentBenchSamples = { nodeExitMs: [], bare: [], agent: [], floodBare: [], floodAgent: [], boot: [] };
    const boot = { node, inputs, bare, scratch, idleMs: options.idleMs, startTimeoutMs: options.startTimeoutMs };
    const loadBefore = loadavg()[0] ?? 0;

    progress('warm-up round (not counted)');
    await measureExit(nodeExitArgv(node), group, options.startTimeoutMs);
    await server(bare);
    await server(agent);
    for (let run = 1; run <= options.runs; run += 1) {
      progress(`run ${run}/${options.runs}`);
      samples.nodeExitMs.push(await measureExit(nodeExitArgv(node), group, options.startTimeoutMs));
      samples.bare.push(await server(bare));
      samples.agent.push(await server(agent));
      samples.floodBare.push(await flood(bare));
      samples.floodAgent.push(await flood(agent));
      samples.boot.push(await measureBoot(group, boot));
    }

    const context = {
      runs: options.runs,
      requests: options.requests,
      warmup: options.warmup,
      settleMs: options.settleMs,
      idleMs: options.idleMs,
      node: process.version,
      cpus: cpus().length,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
    };
    return { benchmark: 'agent', context, comparisons: compare(samples, options.idleMs), samples };
  } catch (error) {
    // Stopping the processes on a signal makes the measurement in flight fail; say why instead.
    if (interrupted !== undefined) throw new Error(`interrupted by ${interrupted}`, { cause: error });
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
