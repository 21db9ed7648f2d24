/**
 * Issue 12's targets for the agent benchmark's rows, and the verdict the
 * report prints beside each: a ceiling on the ratio against the bare server
 * (start, idle memory), or on the agent's own figure (request latency, where
 * the issue asks for "p50, p99 under 1 ms").
 */
import { formatRatio } from './table.js';

/** What a row is held to. */
export type Target =
  /** median(agent) / median(baseline) at most `max`. */
  | { kind: 'ratio'; max: number }
  /** median(agent) under `below` milliseconds, whatever the baseline. */
  | { kind: 'ms'; below: number };

/**
 * The numbers: first lookup at most 2x, idle VmHWM at most 1.3x, GET latencies under 1 ms, and Ironic hearing
 * of a finished command as soon as before the issue (0.03 s from a step's end to a real Ironic seeing it).
 */
export const AGENT_TARGETS = { firstLookup: 2, idleHwm: 1.3, latencyMs: 1, commandToHeartbeatMs: 30 } as const;

/** The baseline of the heartbeat row: the issue's figure, not measured by the bench. */
export const ISSUE_HEARTBEAT_BASELINE = "issue 12's figure (a step's end to a real Ironic seeing it)";

/** Metric names of the rows that carry a target; a row matches when its metric starts with one. */
export const TARGET_ROWS = {
  firstLookup: 'spawn to first GET /v1/lookup',
  idleHwm: 'idle peak RSS (VmHWM)',
  latencyMedian: 'GET /v1/commands/ median latency',
  latencyP99: 'GET /v1/commands/ p99 latency',
  commandToHeartbeat: 'async command sent to the agent → its heartbeat at the stub Ironic, auto-TLS off',
} as const;

/** The part of a comparison a verdict needs. */
interface Judged {
  metric: string;
  agent: { median: number };
  ratio: number;
}

/** The target of a row, if it has one. */
export function targetOf(row: Pick<Judged, 'metric'>): Target | undefined {
  const is = (prefix: string): boolean => row.metric.startsWith(prefix);
  if (is(TARGET_ROWS.firstLookup)) return { kind: 'ratio', max: AGENT_TARGETS.firstLookup };
  if (is(TARGET_ROWS.idleHwm)) return { kind: 'ratio', max: AGENT_TARGETS.idleHwm };
  if (is(TARGET_ROWS.latencyMedian) || is(TARGET_ROWS.latencyP99))
    return { kind: 'ms', below: AGENT_TARGETS.latencyMs };
  if (is(TARGET_ROWS.commandToHeartbeat)) return { kind: 'ms', below: AGENT_TARGETS.commandToHeartbeatMs };
  return undefined;
}

/** Whether the row's median meets its target; undefined for rows without one. */
export function meets(row: Judged): boolean | undefined {
  const target = targetOf(row);
  if (target === undefined) return undefined;
  return target.kind === 'ratio' ? row.ratio <= target.max : row.agent.median < target.below;
}

/** `<= 2.00x met`, `< 1 ms MISSED`, or empty for rows without a target. */
export function verdict(row: Judged): string {
  const target = targetOf(row);
  if (target === undefined) return '';
  const ceiling = target.kind === 'ratio' ? `<= ${formatRatio(target.max)}` : `< ${target.below} ms`;
  return `${ceiling} ${meets(row) === true ? 'met' : 'MISSED'}`;
}

/** The line under the report's table that says what the target column holds. */
export function targetLegend(): string {
  const { firstLookup, idleHwm, latencyMs, commandToHeartbeatMs } = AGENT_TARGETS;
  return (
    `target: issue 12's ceiling (the ratio of the first lookup ${formatRatio(firstLookup)} and of idle VmHWM ` +
    `${formatRatio(idleHwm)}; the agent's own GET /v1/commands/ median and p99 under ${latencyMs} ms, its heartbeat ` +
    `after a command under ${commandToHeartbeatMs} ms) and whether the median over the runs met it.`
  );
}
