/**
 * Turns the agent benchmark's raw samples into agent-vs-baseline comparisons
 * (ratios of medians) and renders them as a table or JSON.
 */
import { summarize, type Summary } from './stats.js';
import { formatMiB, formatMs, formatRatio, formatTable, mibNumber, msDigits, msNumber } from './table.js';
import type { ServerSample } from './measure.js';
import { FLOOD, type FloodSample } from './flood.js';
import type { BootRun } from './lookup-idle.js';
import { AGENT_TARGETS, ISSUE_HEARTBEAT_BASELINE, TARGET_ROWS, targetLegend, verdict } from './agent-targets.js';

/** Raw samples, one entry per measured run. */
export interface AgentBenchSamples {
  /** `node -e ''` spawn-to-exit, ms. */
  nodeExitMs: number[];
  /** The bare node:http server. */
  bare: ServerSample[];
  /** The agent. */
  agent: ServerSample[];
  /** The bare node:http server under {@link FLOOD} (it answers 200 without reading; node:http discards the bodies). */
  floodBare: FloodSample[];
  /** The agent under {@link FLOOD}. */
  floodAgent: FloodSample[];
  /** Boots against a stub Ironic: first lookup and idle VmHWM, auto-TLS off and on, with the bare server. */
  boot: BootRun[];
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
  /** Idle time after spawn before the boot rows read VmHWM. */
  idleMs: number;
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
function comparison(
  metric: string,
  unit: Comparison['unit'],
  agent: number[],
  baseline: string,
  base: number[],
): Comparison {
  const agentSummary = summarize(agent);
  const baseSummary = summarize(base);
  return {
    metric,
    unit,
    agent: agentSummary,
    baseline,
    baselineValue: baseSummary,
    ratio: agentSummary.median / baseSummary.median,
  };
}

/** The flood, as the report names it. */
export const FLOOD_LABEL = `${FLOOD.parallel} parallel ${FLOOD.bodyBytes / 1024 / 1024} MiB unauthenticated POSTs`;

/**
 * The five boot comparisons: first lookup and idle VmHWM, auto-TLS off and on, against the bare server;
 * then how soon the stub Ironic heard that a command had ended, against the issue's figure.
 */
function bootComparisons(boot: readonly BootRun[], idleMs: number): Comparison[] {
  const of = (key: Exclude<keyof BootRun, 'commandToHeartbeatMs'>, field: 'firstMs' | 'hwmBytes'): number[] =>
    boot.map((run) => run[key][field]);
  const idle = `${idleMs / 1000} s after spawn`;
  const heartbeat = comparison(
    TARGET_ROWS.commandToHeartbeat,
    'ms',
    boot.map((run) => run.commandToHeartbeatMs),
    ISSUE_HEARTBEAT_BASELINE,
    boot.map(() => AGENT_TARGETS.commandToHeartbeatMs),
  );
  const rows = [false, true].flatMap((on) => {
    const key = on ? 'agentTlsOn' : 'agentTlsOff';
    const tls = `auto-TLS ${on ? 'on' : 'off'}`;
    return [
      comparison(
        `${TARGET_ROWS.firstLookup}, ${tls}`,
        'ms',
        of(key, 'firstMs'),
        'node:http server (start to first 200)',
        of('bare', 'firstMs'),
      ),
      comparison(
        `${TARGET_ROWS.idleHwm} ${idle}, ${tls}`,
        'bytes',
        of(key, 'hwmBytes'),
        `node:http server, ${idle}`,
        of('bare', 'hwmBytes'),
      ),
    ];
  });
  return [...rows, heartbeat];
}

/**
 * The nine comparisons: cold start against `node -e ''` and against the bare
 * server, idle RSS, request latency median, p95 and p99, and under the flood the
 * peak RSS against the bare server and against the same agent idle, and what
 * stays resident after it.
 * @throws RangeError when a sample list is empty
 */
export function compare(samples: AgentBenchSamples, idleMs: number): Comparison[] {
  const of = (list: ServerSample[], key: keyof ServerSample): number[] => list.map((sample) => sample[key]);
  const flood = (list: FloodSample[], key: Exclude<keyof FloodSample, 'statuses'>): number[] =>
    list.map((sample) => sample[key]);
  const { agent, bare, floodAgent, floodBare } = samples;
  return [
    comparison(
      'cold start to GET /v1/status 200',
      'ms',
      of(agent, 'startMs'),
      "node -e '' (start to exit)",
      samples.nodeExitMs,
    ),
    comparison(
      'cold start to GET /v1/status 200',
      'ms',
      of(agent, 'startMs'),
      'node:http server (start to first 200)',
      of(bare, 'startMs'),
    ),
    comparison(
      'idle RSS (VmRSS after settle)',
      'bytes',
      of(agent, 'rssBytes'),
      'node:http server',
      of(bare, 'rssBytes'),
    ),
    comparison(
      TARGET_ROWS.latencyMedian,
      'ms',
      of(agent, 'latencyMedianMs'),
      'node:http server',
      of(bare, 'latencyMedianMs'),
    ),
    comparison(
      'GET /v1/commands/ p95 latency',
      'ms',
      of(agent, 'latencyP95Ms'),
      'node:http server',
      of(bare, 'latencyP95Ms'),
    ),
    comparison(TARGET_ROWS.latencyP99, 'ms', of(agent, 'latencyP99Ms'), 'node:http server', of(bare, 'latencyP99Ms')),
    comparison(
      `peak RSS (VmHWM) under ${FLOOD_LABEL}`,
      'bytes',
      flood(floodAgent, 'hwmBytes'),
      'node:http server, same POSTs',
      flood(floodBare, 'hwmBytes'),
    ),
    comparison(
      `peak RSS (VmHWM) under ${FLOOD_LABEL}`,
      'bytes',
      flood(floodAgent, 'hwmBytes'),
      'the same agent idle (VmHWM before)',
      flood(floodAgent, 'idleHwmBytes'),
    ),
    comparison(
      'RSS after the flood (VmRSS after settle)',
      'bytes',
      flood(floodAgent, 'rssAfterBytes'),
      'node:http server, same POSTs',
      flood(floodBare, 'rssAfterBytes'),
    ),
    ...bootComparisons(samples.boot, idleMs),
  ];
}

/** `401 x8` style counts of the answers the POSTs got over all runs (0: no answer). */
export function countStatuses(list: readonly FloodSample[]): string {
  const counts = new Map<number, number>();
  for (const status of list.flatMap((sample) => sample.statuses)) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([status, n]) => `${status} x${n}`)
    .join(', ');
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
  const rows = report.comparisons.map((c) => [
    c.metric,
    cell(c.agent, c.unit),
    c.baseline,
    cell(c.baselineValue, c.unit),
    formatRatio(c.ratio),
    verdict(c),
  ]);
  return [
    `agent benchmark: ${context.runs} runs, ${context.requests} timed requests after ${context.warmup} warm-up per run, ${context.settleMs} ms settle, ${context.idleMs} ms idle`,
    `node ${context.node}, ${context.cpus} CPUs, load average ${context.loadBefore.toFixed(2)} before / ${context.loadAfter.toFixed(2)} after`,
    '',
    formatTable(['metric', 'agent', 'baseline', 'baseline value', 'ratio', 'target'], rows, [
      'left',
      'left',
      'left',
      'left',
      'left',
      'right',
    ]),
    '',
    `answers to the ${FLOOD_LABEL}: agent ${countStatuses(report.samples.floodAgent)}; node:http server ${countStatuses(report.samples.floodBare)}`,
    'values: median over the runs (min-max); ratio = agent median / baseline median (lower is better).',
    targetLegend(),
  ].join('\n');
}
