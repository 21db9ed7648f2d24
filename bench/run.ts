/**
 * Benchmark entry (`npm run bench` builds first, then runs this).
 *
 *   node --import tsx bench/run.ts [agent|command-history|image-size|erase-metadata|all] [options] [--json]
 *
 * `agent` (the default) measures the agent against bare Node;
 * `command-history` the cost of a command as the history grows; `image-size`
 * builds and measures the container image (minutes; needs podman);
 * `erase-metadata` times the metadata-erase cleaning step on loop disks
 * (needs root); `all` runs them all. Tables go to stdout, progress to stderr; with `--json` stdout
 * holds one JSON object keyed by benchmark name instead.
 */
import { parseArgs } from 'node:util';
import { AGENT_BENCH_DEFAULTS, runAgentBench, type AgentBenchOptions } from './agent.js';
import { measureImageSize, renderImageSize, type ImageSizeOptions } from './image-size.js';
import { ERASE_BENCH_DEFAULTS, renderEraseReport, runEraseBench, type EraseBenchOptions } from './erase-metadata.js';
import { renderReport } from './lib/agent-report.js';
import { HISTORY_BENCH_DEFAULTS, runHistoryBench, type HistoryBenchOptions } from './command-history.js';
import { renderHistoryReport } from './lib/history-report.js';

/** Benchmarks by name, in the order `all` runs them. */
const BENCHMARKS = ['agent', 'command-history', 'image-size', 'erase-metadata'] as const;

/** A benchmark name. */
type BenchmarkName = (typeof BENCHMARKS)[number];

const USAGE = `usage: node --import tsx bench/run.ts [agent|command-history|image-size|erase-metadata|all] [options]
  --json              print one JSON object (keyed by benchmark) instead of tables
agent (default):
  --runs N            measured runs, each starting node -e '', a node:http server and the agent (default ${AGENT_BENCH_DEFAULTS.runs})
  --requests N        timed GET /v1/commands/ per run (default ${AGENT_BENCH_DEFAULTS.requests})
  --warmup N          untimed requests before them (default ${AGENT_BENCH_DEFAULTS.warmup})
  --settle-ms N       pause after the first answer before reading VmRSS (default ${AGENT_BENCH_DEFAULTS.settleMs})
  --idle-ms N         idle time after spawn before the boot rows read VmHWM (default ${AGENT_BENCH_DEFAULTS.idleMs})
command-history:
  --runs N            fresh agents, one after the other (default ${HISTORY_BENCH_DEFAULTS.runs})
  --commands N        cheap sync commands sent to each (default ${HISTORY_BENCH_DEFAULTS.commands}, at least 2100)
  --settle-ms N       pause before reading VmRSS idle and after the last command (default ${HISTORY_BENCH_DEFAULTS.settleMs})
  --rest-ms N         time after the first answer and after the last command before the rested VmRSS readings (default ${HISTORY_BENCH_DEFAULTS.restMs})
image-size:
  --image REF         measure an existing image instead of building the two (default and BURNIN=true)
  --keep              keep the images it built
erase-metadata (root, loop devices):
  --rounds N          timed steps per method, sgdisk -Z and the fast zap (default ${ERASE_BENCH_DEFAULTS.rounds})
`;

/** Bad command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** A whole number of at least `min` from option `name`. */
function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min)
    throw new UsageError(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return parsed;
}

/** Parsed command line. */
interface Invocation {
  names: BenchmarkName[];
  json: boolean;
  agent: AgentBenchOptions;
  history: HistoryBenchOptions;
  imageSize: ImageSizeOptions;
  erase: EraseBenchOptions;
}

/** Parse and validate argv (without node and the script). */
function parseInvocation(argv: string[]): Invocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        runs: { type: 'string' },
        requests: { type: 'string' },
        warmup: { type: 'string' },
        'settle-ms': { type: 'string' },
        'rest-ms': { type: 'string' },
        commands: { type: 'string' },
        'idle-ms': { type: 'string' },
        image: { type: 'string' },
        keep: { type: 'boolean' },
        rounds: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length > 1) throw new UsageError(`name one benchmark (or all), got ${positionals.join(' ')}`);
  const name = positionals[0] ?? 'agent';
  const names = name === 'all' ? [...BENCHMARKS] : BENCHMARKS.filter((known) => known === name);
  if (names.length === 0)
    throw new UsageError(`unknown benchmark ${JSON.stringify(name)}: choose ${BENCHMARKS.join(', ')} or all`);
  const only = (options: readonly string[], ...benchmarks: BenchmarkName[]): void => {
    const stray = options.filter((option) => values[option as keyof typeof values] !== undefined);
    if (stray.length > 0 && !benchmarks.some((benchmark) => names.includes(benchmark)))
      throw new UsageError(
        `--${stray.join(', --')} only applies to the ${benchmarks.join(' or ')} benchmark: run \`bench/run.ts ${benchmarks[0]}\` or \`all\``,
      );
  };
  only(['requests', 'warmup', 'idle-ms'], 'agent');
  only(['runs', 'settle-ms'], 'agent', 'command-history');
  only(['commands', 'rest-ms'], 'command-history');
  only(['image', 'keep'], 'image-size');
  only(['rounds'], 'erase-metadata');
  const d = AGENT_BENCH_DEFAULTS;
  const h = HISTORY_BENCH_DEFAULTS;
  return {
    names,
    json: values.json === true,
    agent: {
      ...d,
      runs: count('runs', values.runs, d.runs, 1),
      requests: count('requests', values.requests, d.requests, 1),
      warmup: count('warmup', values.warmup, d.warmup, 0),
      settleMs: count('settle-ms', values['settle-ms'], d.settleMs, 0),
      idleMs: count('idle-ms', values['idle-ms'], d.idleMs, 0),
    },
    history: {
      runs: count('runs', values.runs, h.runs, 1),
      commands: count('commands', values.commands, h.commands, 2100),
      settleMs: count('settle-ms', values['settle-ms'], h.settleMs, 0),
      restMs: count('rest-ms', values['rest-ms'], h.restMs, 0),
    },
    imageSize: {
      ...(values.image === undefined ? {} : { image: values.image }),
      ...(values.keep === true ? { keep: true } : {}),
    },
    erase: { rounds: count('rounds', values.rounds, ERASE_BENCH_DEFAULTS.rounds, 1) },
  };
}

/** Run the named benchmarks; returns the exit code. */
async function main(argv: string[]): Promise<number> {
  let invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (invocation === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (line: string): void => {
    process.stderr.write(`[bench] ${line}\n`);
  };
  const results: Record<string, unknown> = {};
  for (const name of invocation.names) {
    progress(`${name}: starting`);
    if (name === 'agent') {
      const report = await runAgentBench(invocation.agent, (line) => progress(`agent: ${line}`));
      results[name] = report;
      if (!invocation.json) process.stdout.write(`${renderReport(report)}\n\n`);
    } else if (name === 'command-history') {
      const report = await runHistoryBench(invocation.history, (line) => progress(`command-history: ${line}`));
      results[name] = report;
      if (!invocation.json) process.stdout.write(`${renderHistoryReport(report)}\n\n`);
    } else if (name === 'erase-metadata') {
      const report = await runEraseBench(invocation.erase, (line) => progress(`erase-metadata: ${line}`));
      results[name] = report;
      if (!invocation.json) process.stdout.write(`${renderEraseReport(report)}\n\n`);
    } else {
      const report = await measureImageSize(invocation.imageSize);
      results[name] = report;
      if (!invocation.json) process.stdout.write(`image size:\n${renderImageSize(report)}\n\n`);
    }
  }
  if (invocation.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
