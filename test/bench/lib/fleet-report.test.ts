import { expect } from 'chai';
import { nodePhases, PHASES, renderFleetReport, summarise } from '../../../bench/lib/fleet-report.js';
import type { FleetRun, NodeTimeline } from '../../../testbed/fleet-deploy.js';

/** A node whose moments are `base` + the given seconds, ending `active` at base + 10 s. */
function node(name: string, base: number, extra: Partial<NodeTimeline> = {}): NodeTimeline {
  const s = (x: number): number => base + x * 1000;
  return {
    name,
    uuid: `${name}-uuid`,
    disk: '/dev/loop9',
    requestedAt: s(0),
    acceptedAt: s(0.1),
    agentSpawnedAt: s(1.5),
    changes: [
      { state: 'available', target: null, at: s(-60), seenAt: s(-60) },
      { state: 'deploying', target: 'active', at: s(0.1), seenAt: s(0.2) },
      { state: 'wait call-back', target: 'active', at: s(1), seenAt: s(1.2) },
      { state: 'active', target: null, at: s(10), seenAt: s(10.1) },
    ],
    agent: {
      lookupSent: s(2.5),
      lookedUp: s(3),
      firstHeartbeat: s(4),
      stepStarted: s(5),
      stepFinished: s(7),
      heartbeatAfterStep: s(7.5),
      heartbeats: 2,
      heartbeatsAt: [s(4), s(7.5)],
      lookups: 1,
    },
    agentCpuSeconds: 2,
    skippedHeartbeats: 0,
    finalState: 'active',
    lastError: null,
    ...extra,
  };
}

describe('bench/lib/fleet-report', () => {
  it("cuts a node's deploy into consecutive phases that add up to its deploy time", () => {
    const phases = nodePhases(node('n0', 1_000_000));

    expect(phases.totalMs).to.equal(10_000);
    expect(phases.phases).to.deep.equal({
      prepare: 1000,
      'power-on seen': 500,
      'agent boot': 1000,
      lookup: 500,
      'to first heartbeat': 1000,
      'steps start': 1000,
      install_coreos: 2000,
      'step end → heartbeat': 500,
      'to active': 2500,
    });
    expect(Object.values(phases.phases).reduce((sum, ms) => sum + ms, 0)).to.equal(10_000);
  });

  it('leaves a phase out when a moment is missing, and a failed node has no deploy time', () => {
    const failed = node('n1', 0, {
      finalState: 'deploy failed',
      agent: { heartbeats: 0, heartbeatsAt: [], lookups: 1 },
    });

    const phases = nodePhases(failed);

    expect(phases.totalMs).to.equal(undefined);
    expect(phases.phases).to.deep.equal({ prepare: 1000, 'power-on seen': 500 });
  });

  it('summarises the batch: wall time, spread over active nodes, shares, the slowest node, extra heartbeats', () => {
    const slow = node('n1', 2000, { skippedHeartbeats: 1 });
    slow.agent.heartbeats = 3;
    const run: FleetRun = {
      startedAt: 0,
      endedAt: 12_000,
      settled: true,
      polls: 40,
      nodes: [node('n0', 0), slow, node('n2', 0, { finalState: 'deploy failed' })],
    };

    const report = summarise(run);

    expect(report).to.include({ nodes: 3, active: 2, batchMs: 12_000, skippedHeartbeats: 1, extraHeartbeats: 1 });
    expect(report.deploy).to.deep.equal({ median: 10_000, min: 10_000, max: 10_000, count: 2 });
    expect(report.slowest?.name).to.equal('n0');
    expect(report.phases.map((p) => p.name)).to.deep.equal(PHASES.map(([name]) => name));
    expect(report.phases.find((p) => p.name === 'install_coreos')?.meanShare).to.equal(0.2);
    const table = renderFleetReport(report, ['context line']);
    expect(table).to.contain('context line');
    expect(table).to.contain('| nodes active / total | 2 / 3 |');
    expect(table).to.contain('| install_coreos | 2.00 s (2.00 s .. 2.00 s) | 20 % | 2.00 s |');
  });
});
