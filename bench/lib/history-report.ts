/** The command-history benchmark's table: latencies and memory against the same agent earlier in the run. */
import { summarize } from './stats.js';
import { formatMiB, formatMs, formatRatio, formatTable } from './table.js';

/** One run of the command-history benchmark. */
export interface HistorySample {
  /** Median `POST /v1/commands/` latency of the commands sent with 100 already in the history, ms. */
  earlyP50Ms: number;
  /** The same with 2,000 in the history, ms. */
  lateP50Ms: number;
  /** VmRSS after start-up and the settle pause, before any command, bytes. */
  idleRssBytes: number;
  /** VmRSS the settle pause after the last command, bytes. */
  finalRssBytes: number;
  /** VmRSS of another fresh agent the settle pause after as many POSTs that record nothing (404), bytes. */
  unrecordedRssBytes: number;
  /** The same three once the agent has rested (`restMs` after the first answer, after the last POST), bytes. */
  idleRestedRssBytes: number;
  restedRssBytes: number;
  unrecordedRestedRssBytes: number;
}

/** The target for both ratios: at most 1.2x. */
export const TARGET_RATIO = 1.2;

/** `median (min–max)` of per-run values. */
function spread(values: readonly number[], format: (value: number) => string): string {
  const s = summarize(values);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

/** One comparison row: what, the value, the baseline, the ratio of medians, the verdict. */
function row(
  metric: string,
  value: number[],
  baseline: number[],
  format: (v: number) => string,
  target: boolean,
): string[] {
  const ratio = summarize(value).median / summarize(baseline).median;
  const verdict = !target ? '' : `${ratio <= TARGET_RATIO ? 'meets' : 'misses'} ≤ ${TARGET_RATIO}x`;
  return [metric, spread(value, format), spread(baseline, format), formatRatio(ratio), verdict];
}

/**
 * The rows of the report, medians over the runs. `settle` and `rest` name the two readings
 * (e.g. `1 s`, `15 s`, from the run's options); both memory-against-idle rows carry the verdict.
 */
export function historyRows(
  samples: readonly HistorySample[],
  commands: number,
  when: { settle: string; rest: string },
): string[][] {
  const pick = (key: keyof HistorySample): number[] => samples.map((s) => s[key]);
  return [
    row('POST /v1/commands/ p50 after 2000 vs after 100', pick('lateP50Ms'), pick('earlyP50Ms'), formatMs, true),
    row(
      `RSS ${when.settle} after ${commands} commands vs idle`,
      pick('finalRssBytes'),
      pick('idleRssBytes'),
      formatMiB,
      true,
    ),
    row(
      `RSS ${when.rest} after ${commands} commands vs idle ${when.rest} after start`,
      pick('restedRssBytes'),
      pick('idleRestedRssBytes'),
      formatMiB,
      true,
    ),
    row(
      `RSS ${when.settle} after ${commands} commands vs ${commands} unrecorded POSTs`,
      pick('finalRssBytes'),
      pick('unrecordedRssBytes'),
      formatMiB,
      false,
    ),
    row(
      `RSS ${when.settle} after ${commands} unrecorded POSTs vs idle`,
      pick('unrecordedRssBytes'),
      pick('idleRssBytes'),
      formatMiB,
      false,
    ),
    row(
      `RSS ${when.rest} after ${commands} commands vs ${commands} unrecorded POSTs`,
      pick('restedRssBytes'),
      pick('unrecordedRestedRssBytes'),
      formatMiB,
      false,
    ),
  ];
}

/** The report as text: context line, then the table. */
export function renderHistoryReport(report: { context: Record<string, string | number>; rows: string[][] }): string {
  const context = Object.entries(report.context)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const table = formatTable(['metric', 'value', 'baseline', 'ratio', 'target'], report.rows, [
    'left',
    'right',
    'right',
    'right',
  ]);
  return `command history (${context}):\n${table}`;
}
