/**
 * Where a fleet deploy's time goes: each node's deploy cut into consecutive
 * phases at the moments Ironic and the agent recorded (so a node's phases add
 * up to its deploy time), their median, min and max over the nodes, and the
 * table `npm run bench:fleet` prints.
 */
import type { FleetRun, NodeTimeline } from '../../testbed/fleet-deploy.js';
import { summarize, type Summary as Spread } from './stats.js';

/** The phases, in order, and what ends each one. */
export const PHASES = [
  ['prepare', 'request sent → Ironic waits for the ramdisk (`wait call-back`): API, conductor worker, fake power'],
  ['power-on seen', '`wait call-back` → the agent process spawned (the test bed polls the node list every 250 ms)'],
  ['agent boot', 'spawn → first `GET /v1/lookup` (node loads the agent, config, the MAC addresses)'],
  ['lookup', 'first lookup sent → lookup answered with the node'],
  ['to first heartbeat', 'lookup → first heartbeat accepted (auto-TLS certificate, API listening)'],
  ['steps start', 'first heartbeat → `install_coreos` starts (Ironic: deploy steps, execute_deploy_step)'],
  ['install_coreos', 'the deploy step on the agent (the coreos-installer double writes the image)'],
  ['step end → heartbeat', 'step finished → the heartbeat Ironic accepted after it'],
  ['to active', 'that heartbeat → `active` (Ironic: tear_down_agent, power off, power-state polls, power on)'],
] as const;

/** A phase name. */
export type PhaseName = (typeof PHASES)[number][0];

/** One node's deploy in phases (ms; undefined where a moment is missing). */
export interface NodePhases {
  name: string;
  finalState: string;
  /** Request sent → `active` (undefined when not active). */
  totalMs?: number;
  phases: Partial<Record<PhaseName, number>>;
}

/** The summary of a run. */
export interface FleetReport {
  nodes: number;
  active: number;
  /** First request → last node settled. */
  batchMs: number;
  deploy?: Spread;
  phases: Array<{ name: PhaseName; what: string; spread?: Spread; meanShare?: number }>;
  /** The node with the longest deploy, phase by phase. */
  slowest?: NodePhases;
  skippedHeartbeats: number;
  extraHeartbeats: number;
}

/** The first change to `state` at or after `since`. */
function firstAt(node: NodeTimeline, state: string, since: number): number | undefined {
  return node.changes.find((c) => c.state === state && c.at >= since - 1)?.at;
}

/** Cut one node's deploy into {@link PHASES}. */
export function nodePhases(node: NodeTimeline): NodePhases {
  const a = node.agent;
  const waitCallBack = firstAt(node, 'wait call-back', node.requestedAt);
  const active = node.finalState === 'active' ? firstAt(node, 'active', node.requestedAt) : undefined;
  const moments = [
    node.requestedAt,
    waitCallBack,
    node.agentSpawnedAt,
    a.lookupSent,
    a.lookedUp,
    a.firstHeartbeat,
    a.stepStarted,
    a.stepFinished,
    a.heartbeatAfterStep,
    active,
  ];
  const phases: Partial<Record<PhaseName, number>> = {};
  PHASES.forEach(([name], i) => {
    const from = moments[i];
    const to = moments[i + 1];
    if (from !== undefined && to !== undefined) phases[name] = to - from;
  });
  return {
    name: node.name,
    finalState: node.finalState,
    ...(active === undefined ? {} : { totalMs: active - node.requestedAt }),
    phases,
  };
}

/** The summary of `samples`, or undefined when there are none (a phase no node reached). */
function spread(samples: readonly number[]): Spread | undefined {
  return samples.length === 0 ? undefined : summarize(samples);
}

/** Summarise a run. */
export function summarise(run: FleetRun): FleetReport {
  const perNode = run.nodes.map(nodePhases);
  const totals = perNode.flatMap((n) => (n.totalMs === undefined ? [] : [n.totalMs]));
  const meanTotal = totals.length === 0 ? 0 : totals.reduce((s, x) => s + x, 0) / totals.length;
  const deploy = spread(totals);
  const slowest = perNode.reduce<NodePhases | undefined>(
    (worst, n) => (n.totalMs !== undefined && (worst?.totalMs ?? -1) < n.totalMs ? n : worst),
    undefined,
  );
  return {
    nodes: run.nodes.length,
    active: run.nodes.filter((n) => n.finalState === 'active').length,
    batchMs: run.endedAt - run.startedAt,
    ...(deploy === undefined ? {} : { deploy }),
    phases: PHASES.map(([name, what]) => {
      const samples = perNode.flatMap((n) =>
        n.totalMs !== undefined && n.phases[name] !== undefined ? [n.phases[name]] : [],
      );
      const s = spread(samples);
      const mean = samples.length === 0 ? 0 : samples.reduce((sum, x) => sum + x, 0) / samples.length;
      return {
        name,
        what,
        ...(s === undefined ? {} : { spread: s }),
        ...(meanTotal > 0 ? { meanShare: mean / meanTotal } : {}),
      };
    }),
    ...(slowest === undefined ? {} : { slowest }),
    skippedHeartbeats: run.nodes.reduce((sum, n) => sum + n.skippedHeartbeats, 0),
    extraHeartbeats: run.nodes.reduce((sum, n) => sum + Math.max(0, n.agent.heartbeats - 2), 0),
  };
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const spreadText = (s: Spread | undefined): string =>
  s === undefined ? '-' : `${seconds(s.median)} (${seconds(s.min)} .. ${seconds(s.max)})`;

/** The table `npm run bench:fleet` prints (Markdown, so it can go into bench/README.md as is). */
export function renderFleetReport(report: FleetReport, context: readonly string[] = []): string {
  const lines = [
    ...context,
    '',
    '| row | value |',
    '| --- | --- |',
    `| nodes active / total | ${report.active} / ${report.nodes} |`,
    `| batch wall time (first request → last node settled) | ${seconds(report.batchMs)} |`,
    `| per-node deploy time, median (min .. max) | ${spreadText(report.deploy)} |`,
    `| heartbeats Ironic skipped (node locked) / beyond the two a deploy needs | ${report.skippedHeartbeats} / ${report.extraHeartbeats} |`,
    '',
    '| phase | median (min .. max) | share of the mean deploy | slowest node | what |',
    '| --- | --- | --- | --- | --- |',
    ...report.phases.map(
      (p) =>
        `| ${p.name} | ${spreadText(p.spread)} | ${p.meanShare === undefined ? '-' : `${(p.meanShare * 100).toFixed(0)} %`} | ${seconds(report.slowest?.phases[p.name])} | ${p.what} |`,
    ),
  ];
  return lines.join('\n');
}
