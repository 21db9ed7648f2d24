import { expect } from 'chai';
import type { FleetNode, Role } from '../../fleet/fleet-file.js';
import type { ProgressEvent } from '../../fleet/progress.js';
import {
  planFleet,
  runSchedule,
  type NodeAttempt,
  type PlanEntry,
  type ScheduleOptions,
  type ScheduleResult,
} from '../../fleet/schedule.js';
import { emptyState, FleetStateStore, type FleetState, type NodeState } from '../../fleet/state.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function node(name: string, role: Role = 'worker'): FleetNode {
  return { name, role, config: `/c/${name}.ign`, method: 'ssh', ssh: { address: name, user: 'core', port: 22 } };
}

/** Yield to the other lanes (no timers: the order of the event loop, not time). */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A run against fakes: what was called, in what order, and how many at once. */
class Harness {
  readonly calls: string[] = [];
  readonly events: ProgressEvent[] = [];
  readonly writes: string[] = [];
  readonly attempts = new Map<string, NodeAttempt>();
  readonly failing = new Set<string>();
  inFlight = { workers: 0, controlPlane: 0, maxWorkers: 0, maxControlPlane: 0 };
  healthAnswers: boolean[] = [];
  readonly store: FleetStateStore;

  constructor(initial: FleetState = emptyState()) {
    this.store = new FleetStateStore(
      { writeFileAtomic: async (_p, data) => void this.writes.push(data) },
      '/s',
      initial,
    );
  }

  async run(nodes: FleetNode[], options: Partial<ScheduleOptions> = {}): Promise<ScheduleResult> {
    const all: ScheduleOptions = { concurrency: 1, includeControlPlane: false, dryRun: false, ...options };
    const plan = planFleet(
      nodes.map((n) => ({ node: n, desiredSha256: SHA })),
      this.store.snapshot(),
      all.includeControlPlane,
    );
    return runSchedule(
      plan,
      {
        store: this.store,
        reprovisionNode: (entry, attempt) => this.reprovision(entry, attempt),
        healthCheck: async () => {
          this.calls.push('health');
          if (this.healthAnswers.shift() === false) throw new Error('etcd has 2 of 3 members');
        },
        emit: (event) => this.events.push(event),
        now: () => Date.UTC(2026, 11, 1, 10),
      },
      all,
    );
  }

  private async reprovision(entry: PlanEntry, attempt: NodeAttempt): Promise<void> {
    const name = entry.node.name;
    const lane = entry.node.role === 'worker' ? 'workers' : 'controlPlane';
    this.calls.push(`${attempt.resume ? 'resume' : 'start'} ${name}`);
    this.attempts.set(name, attempt);
    this.inFlight[lane] += 1;
    const max = lane === 'workers' ? 'maxWorkers' : 'maxControlPlane';
    this.inFlight[max] = Math.max(this.inFlight[max], this.inFlight[lane]);
    try {
      if (!attempt.resume) await attempt.setPhase('waiting', 'ssh');
      for (let i = 0; i < 3; i += 1) await yieldTurn();
      if (this.failing.has(name)) throw new Error(`${name} did not come back`);
    } finally {
      this.inFlight[lane] -= 1;
    }
  }
}

function recorded(phase: NodeState['phase'], desiredSha256 = SHA): NodeState {
  return { desiredSha256, phase, method: 'ssh', attempts: 1, startedAt: 'then', finishedAt: null, lastError: null };
}

describe('fleet/schedule', () => {
  it('never runs more than `concurrency` workers at once, and uses them', async () => {
    const h = new Harness();
    const result = await h.run(
      ['w1', 'w2', 'w3', 'w4', 'w5'].map((n) => node(n)),
      { concurrency: 2 },
    );
    expect(h.inFlight.maxWorkers).to.equal(2);
    expect(result.done).to.have.members(['w1', 'w2', 'w3', 'w4', 'w5']);
  });

  it('goes on with the other workers when one fails, and records why', async () => {
    const h = new Harness();
    h.failing.add('w2');
    const result = await h.run(
      ['w1', 'w2', 'w3'].map((n) => node(n)),
      { concurrency: 1 },
    );
    expect(result.failed).to.deep.equal(['w2']);
    expect(result.done).to.deep.equal(['w1', 'w3']);
    expect(h.store.get('w2')).to.deep.include({
      phase: 'failed',
      method: 'ssh',
      attempts: 1,
      lastError: 'w2 did not come back',
    });
    expect(h.store.get('w1')).to.deep.include({
      phase: 'done',
      desiredSha256: SHA,
      startedAt: '2026-12-01T10:00:00.000Z',
    });
    const w1Phases = h.writes.map((w) => (JSON.parse(w) as FleetState).nodes['w1']?.phase).filter(Boolean);
    expect([...new Set(w1Phases)]).to.deep.equal(['applying', 'waiting', 'done']);
  });

  it('skips control-plane nodes unless asked, without a health check', async () => {
    const h = new Harness();
    const result = await h.run([node('cp1', 'control-plane'), node('w1')]);
    expect(h.calls).to.deep.equal(['start w1']);
    expect(result.skipped).to.deep.equal(['cp1']);
    expect(h.events).to.deep.include({
      node: 'cp1',
      phase: 'skipped',
      message: 'control plane (--include-control-plane to include it)',
    });
  });

  it('does the control plane after the workers, one at a time, each behind the health gate', async () => {
    const h = new Harness();
    const nodes = [node('cp1', 'control-plane'), node('w1'), node('cp2', 'control-plane'), node('w2')];
    const result = await h.run(nodes, { includeControlPlane: true, concurrency: 2 });
    expect(h.calls.slice(2)).to.deep.equal(['health', 'start cp1', 'health', 'start cp2', 'health']);
    expect(h.calls.slice(0, 2)).to.have.members(['start w1', 'start w2']);
    expect(h.inFlight.maxControlPlane).to.equal(1);
    expect(result).to.deep.include({ stopped: false, failed: [], notStarted: [] });
  });

  it('stops all control-plane work when a health check fails', async () => {
    const h = new Harness();
    h.healthAnswers = [true, false];
    const nodes = [node('cp1', 'control-plane'), node('cp2', 'control-plane'), node('cp3', 'control-plane')];
    const result = await h.run(nodes, { includeControlPlane: true });
    expect(h.calls).to.deep.equal(['health', 'start cp1', 'health']);
    expect(result).to.deep.include({ stopped: true, done: ['cp1'], notStarted: ['cp2', 'cp3'] });
    expect(h.events).to.deep.include({ node: null, phase: 'unhealthy', message: 'etcd has 2 of 3 members' });
  });

  it('touches no control-plane node when the cluster is unhealthy to begin with', async () => {
    const h = new Harness();
    h.healthAnswers = [false];
    const result = await h.run([node('cp1', 'control-plane'), node('w1')], { includeControlPlane: true });
    expect(h.calls).to.deep.equal(['start w1', 'health']);
    expect(result.notStarted).to.deep.equal(['cp1']);
  });

  it('stops the control plane when a control-plane node fails', async () => {
    const h = new Harness();
    h.failing.add('cp1');
    const result = await h.run([node('cp1', 'control-plane'), node('cp2', 'control-plane')], {
      includeControlPlane: true,
    });
    expect(h.calls).to.deep.equal(['health', 'start cp1']);
    expect(result).to.deep.include({ stopped: true, failed: ['cp1'], notStarted: ['cp2'] });
  });

  it('resumes: skips done nodes, follows in-flight ones without a new attempt, redoes a changed config', async () => {
    const h = new Harness({
      version: 1,
      nodes: { w1: recorded('done'), w2: recorded('waiting'), w3: recorded('done', OTHER), w4: recorded('applying') },
    });
    const result = await h.run(
      ['w1', 'w2', 'w3', 'w4'].map((n) => node(n)),
      { concurrency: 4 },
    );
    expect(h.calls).to.have.members(['resume w2', 'start w3', 'resume w4']);
    expect(h.attempts.get('w2')?.previous).to.deep.equal(recorded('waiting'));
    expect(h.store.get('w2')).to.deep.include({ phase: 'done', attempts: 1 });
    expect(h.store.get('w3')).to.deep.include({ phase: 'done', attempts: 2, desiredSha256: SHA });
    expect(result.skipped).to.deep.equal(['w1']);
  });

  it('only prints the plan on a dry run', async () => {
    const h = new Harness({ version: 1, nodes: { w2: recorded('waiting') } });
    const result = await h.run([node('w1'), node('w2'), node('cp1', 'control-plane')], { dryRun: true });
    expect(h.calls).to.deep.equal([]);
    expect(h.writes).to.deep.equal([]);
    expect(h.events.map((e) => `${e.node}: ${e.phase}: ${e.message}`)).to.deep.equal([
      `w1: planned: reprovision to config sha256 ${SHA} (worker, method ssh)`,
      `w2: planned: follow the reprovision in flight to config sha256 ${SHA} (worker, method ssh)`,
      'cp1: skipped: control plane (--include-control-plane to include it)',
    ]);
    expect(result.done).to.deep.equal([]);
  });
});
