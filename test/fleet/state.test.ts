import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '../../common/fs/node-fs.js';
import {
  emptyState,
  FleetStateError,
  FleetStateStore,
  parseState,
  readState,
  resumeAction,
  type NodePhase,
  type NodeState,
} from '../../fleet/state.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function node(phase: NodePhase, desiredSha256 = SHA): NodeState {
  return {
    desiredSha256,
    phase,
    method: 'ssh',
    attempts: 1,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    lastError: null,
  };
}

describe('fleet/state resumeAction', () => {
  const cases: [string, NodeState | undefined, string, string][] = [
    ['an unknown node', undefined, SHA, 'start'],
    ['a pending node', node('pending'), SHA, 'start'],
    ['a node done with this config', node('done'), SHA, 'skip'],
    ['a node done with another config', node('done', OTHER), SHA, 'start'],
    ['a failed node', node('failed'), SHA, 'start'],
    ['a node being applied', node('applying'), SHA, 'resume'],
    ['a node being waited for', node('waiting'), SHA, 'resume'],
    ['a node in flight with another config', node('waiting', OTHER), SHA, 'resume'],
  ];
  for (const [what, state, desired, action] of cases) {
    it(`${action}s ${what}`, () => expect(resumeAction(state, desired)).to.equal(action));
  }
});

describe('fleet/state parseState', () => {
  it('reads what it writes', () => {
    const state = { version: 1 as const, nodes: { w1: node('done'), w2: node('failed') } };
    expect(parseState(JSON.stringify(state), 's.json')).to.deep.equal(state);
  });
  const bad: [string, string, RegExp][] = [
    ['text', 'x', /s.json is not JSON/],
    ['another version', '{"version": 2, "nodes": {}}', /not a fleet state file/],
    ['no nodes', '{"version": 1}', /not a fleet state file/],
    ['a damaged node', JSON.stringify({ version: 1, nodes: { w1: { ...node('done'), phase: 'half' } } }), /node "w1"/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => expect(() => parseState(text, 's.json')).to.throw(FleetStateError, message));
  }
});

describe('fleet/state FleetStateStore', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleet-state-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('reads a missing file as an empty state', async () => {
    expect(await readState(new NodeFs(), join(dir, 'none.json'))).to.deep.equal(emptyState());
  });

  it('writes every change, 0600, and a restarted run reads it back', async () => {
    const path = join(dir, 'fleet.state.json');
    const store = new FleetStateStore(new NodeFs(), path, emptyState());
    await Promise.all([
      store.set('w1', node('applying')),
      store.set('w2', node('waiting')),
      store.set('w1', node('done')),
    ]);
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    const reread = await readState(new NodeFs(), path);
    expect(reread.nodes).to.deep.equal({ w1: node('done'), w2: node('waiting') });
    expect(JSON.parse(await readFile(path, 'utf8'))).to.deep.equal(store.snapshot());
  });

  it('refuses a damaged file rather than redoing nodes', async () => {
    const path = join(dir, 'fleet.state.json');
    await writeFile(path, '{"version": 1, "nodes": {"w1": {}}}');
    try {
      await readState(new NodeFs(), path);
      expect.fail('expected a FleetStateError');
    } catch (error) {
      expect(error).to.be.instanceOf(FleetStateError);
    }
  });
});
