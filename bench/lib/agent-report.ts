/**
 * Turns the agent benchmark's raw samples into agent-vs-baseline comparisons
 * (ratios of medians) and renders them as a table or JSON.
 */
import { summarize, type Summary } from './stats.js';
import { formatMiB, formatMs, formatRatio, formatTable, mibNumber, msDigits, msNumber } from './table.js';
import type { ServerSample } from './measure.js';

/** Raw samples, one entry per measured run. */
export interface AgentBenchSamples {
  /** `node -e ''` spawn-to-exit, ms. */
  nodeExitMs: number[];
  /** The bare node:http server. */
  bare: ServerSample[];
  /** The agent. */
  agent: ServerSample[];
}

/** One line of the report: a metric of the agent against a baseline. */
export interface Comparison {
  /** What was measured. */
  metric: string;
  unit: 'ms' | 'bytes';
  /** The agent's values over the runs. */
  agent: Summary;
  /** Which baseline. */
  baseline: string;
  /** The baseline's values over the same runs. */
  baselineValue: Summary;
  /** median(agent) / median(baseline). */
  ratio: number;
}

/** Settings and environment printed above the table and kept in the JSON. */
export interface AgentBenchContext {
  runs: number;
  requests: number;
  warmup: number;
  settleMs: number;
  node: string;
  cpus: number;
  /** 1-minute load average before and after the runs (the machine may be shared). */
  loadBefore: number;
  loadAfter: number;
}

/** The whole result, as `--json` prints it. */
export interface AgentBenchReport {
  benchmark: 'agent';
  context: AgentBenchContext;
  comparisons: Comparison[];
  samples: AgentBenchSamples;
}

/** Build one comparison from per-run values. */
function comparison(metric: string, unit: Comparison['unit'], agent: number[], baseline: string, base: number[]): Comparison {
  const agentSummary = summarize(agent);
  const baseSummary = summarize(base);
  return { metric, unit, agent: agentSummary, baseline, baselineValue: baseSummary, ratio: agentSummary.median / baseSummary.median };
}

/**
 * The five comparisons: cold start against `node -e ''` and against the bare
 * server, idle RSS, and request latency median and p95.
 * @throws RangeError when a sample list is empty
 */
export function compare(samples: AgentBenchSamples): Comparison[] {
  const of = (list: ServerSample[], key: keyof ServerSample): number[] => list.map((sample) => sample[key]);
  const { agent, bare } = samples;
  return [
    comparison('cold start to GET /v1/status 200', 'ms', of(agent, 'startMs'), "node -e '' (start to exit)", samples.nodeExitMs),
    comparison('cold start to GET /v1/status 200', 'ms', of(agent, 'startMs'), 'node:http server (start to first 200)', of(bare, 'startMs')),
    comparison('idle RSS (VmRSS after settle)', 'bytes', of(agent, 'rssBytes'), 'node:http server', of(bare, 'rssBytes')),
    comparison('GET /v1/commands/ median latency', 'ms', of(agent, 'latencyMedianMs'), 'node:http server', of(bare, 'latencyMedianMs')),
    comparison('GET /v1/commands/ p95 latency', 'ms', of(agent, 'latencyP95Ms'), 'node:http server', of(bare, 'latencyP95Ms')),
  ];
}

/** `median unit (min-max)`, the range with the median's precision. */
function cell(summary: Summary, unit: Comparison['unit']): string {
  const median = unit === 'ms' ? formatMs(summary.median) : formatMiB(summary.median);
  if (summary.count === 1) return median;
  const digits = msDigits(summary.median);
  const number = (value: number): string => (unit === 'ms' ? msNumber(value, digits) : mibNumber(value));
  return `${median} (${number(summary.min)}-${number(summary.max)})`;
}

/** The human-readable report: settings line, table, and how to read it. */
export function renderReport(report: AgentBenchReport): string {
  const { context } = report;
  const rows = report.comparisons.map((c) => [c.metric, cell(c.agent, c.unit), c.baseline, cell(c.baselineValue, c.unit), formatRatio(c.ratio)]);
  return [
    `agent benchmark: ${context.runs} runs, ${context.requests} timed requests after ${context.warmup} warm-up per run, ${context.settleMs} ms settle`,
    `node ${context.node}, ${context.cpus} CPUs, load average ${context.loadBefore.toFixed(2)} before / ${context.loadAfter.toFixed(2)} after`,
    '',
    formatTable(['metric', 'agent', 'baseline', 'baseline value', 'ratio'], rows, ['left', 'left', 'left', 'left', 'right']),
    '',
    'values: median over the runs (min-max); ratio = agent median / baseline median (lower is better).',
  ].join('\n');
}
