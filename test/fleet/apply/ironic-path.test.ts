import { expect } from 'chai';
import { IronicRequestError } from '../../../fleet/apply/ironic-client.js';
import { checkRebuildable, rebuildWithIronic, resumeIronic } from '../../../fleet/apply/ironic-path.js';
import type { FleetNode } from '../../../fleet/fleet-file.js';
import type { NodeState } from '../../../fleet/state.js';
import { FakeIronicApi, ironicNode, type FakeIronicNode } from '../../helpers/fake-ironic-api.js';
import {
  CONFIG_SHA,
  CONFIG_TEXT,
  fakeEnv,
  job,
  OLD_SHA,
  previousState,
  recordingAttempt,
  remoteArgv,
  sshNode,
  statusOf,
} from '../../helpers/fleet-apply.js';

const BEFORE = '2026-12-01T10:00:00+00:00';

function ironicOnly(name: string): FleetNode {
  const { ssh: _ssh, ...node } = sshNode(name, { method: 'ironic', ironic: { node: name } });
  return node;
}

describe('fleet/apply/ironic-path', () => {
  function setup(fake: FakeIronicNode, node: FleetNode = ironicOnly('n1'), previous?: NodeState) {
    const ironic = new FakeIronicApi(fake);
    const env = fakeEnv(ironic);
    const attempt = recordingAttempt(previous);
    return { ironic, env, attempt, job: job(env, node, attempt) };
  }
  async function failure(promise: Promise<void>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  }

  describe('checkRebuildable', () => {
    const cases: [string, Partial<ReturnType<typeof ironicNode>>, RegExp | null][] = [
      ['active', {}, null],
      ['deploy failed', { provision_state: 'deploy failed' }, null],
      ['available', { provision_state: 'available' }, /is "available"; a rebuild needs "active" or "deploy failed"/],
      ['wait call-back', { provision_state: 'wait call-back' }, /is "wait call-back"/],
      ['maintenance', { maintenance: true }, /in maintenance; take it out \("baremetal node maintenance unset"\)/],
    ];
    for (const [name, fields, expected] of cases) {
      it(`${name}: ${expected === null ? 'accepted' : 'refused'}`, () => {
        const check = (): void => checkRebuildable(ironicNode('n1', fields), 'n1');
        if (expected === null) expect(check).not.to.throw();
        else expect(check).to.throw(expected);
      });
    }
  });

  it('asks for the rebuild with the config, records the state before it, and waits through the rebuild to active', async () => {
    const {
      ironic,
      attempt,
      job: j,
    } = setup({
      node: ironicNode('n1'),
      afterRebuild: ['deploying', 'wait call-back', 'deploying', 'active'],
    });

    await rebuildWithIronic(fakeEnv(ironic), j);

    expect(ironic.calls.map((c) => c.op)).to.deep.equal(['get', 'rebuild', 'get', 'get', 'get', 'get']);
    expect(ironic.calls[1]?.configText).to.equal(CONFIG_TEXT);
    expect(attempt.log).to.deep.equal(['applying ironic', 'waiting ironic']);
    expect(attempt.records[0]).to.deep.equal({ ironicBefore: BEFORE });
    expect(attempt.records[1]?.ironicView?.sha256).to.equal(CONFIG_SHA);
  });

  it('starting from deploy failed, does not take the old state for the end of the rebuild', async () => {
    const {
      ironic,
      env,
      job: j,
    } = setup({
      node: ironicNode('n1', { provision_state: 'deploy failed', last_error: 'old failure' }),
      afterRebuild: ['deploying', 'active'],
    });

    await rebuildWithIronic(env, j);

    expect(ironic.state('n1').provision_state).to.equal('active');
  });

  it("fails with Ironic's last_error when the rebuild ends in deploy failed", async () => {
    const { env, job: j } = setup({
      node: ironicNode('n1'),
      afterRebuild: ['deploying', 'deploy failed'],
      failure: 'Deploy step deploy.install_coreos failed: no disk',
    });

    const error = await failure(rebuildWithIronic(env, j));

    expect(error.message).to.equal(
      `Ironic's rebuild failed ("deploy failed"): Deploy step deploy.install_coreos failed: no disk; see "baremetal node show n1" and the agent's logs`,
    );
  });

  it('refuses a node Ironic does not know, and one in the wrong state, before any request', async () => {
    const { ironic, env, attempt } = setup({ node: ironicNode('other') });
    const missing = await failure(rebuildWithIronic(env, job(env, ironicOnly('n1'), attempt)));
    expect(missing.message).to.match(/^Ironic has no node n1; check ironic.node/);

    const wrong = setup({ node: ironicNode('n1', { provision_state: 'available' }) });
    expect((await failure(rebuildWithIronic(wrong.env, wrong.job))).message).to.match(/is "available"/);
    expect(wrong.ironic.calls.map((c) => c.op)).to.deep.equal(['get']);
    expect(ironic.calls.map((c) => c.op)).to.deep.equal(['get']);
  });

  it('tolerates Ironic not answering for a while, and fails at the deadline when the node never gets active', async () => {
    const { ironic, env, job: j } = setup({ node: ironicNode('n1'), afterRebuild: ['deploying', 'wait call-back'] });
    ironic.getErrors.push(new IronicRequestError('Ironic at http://ironic:6385 did not answer: ECONNREFUSED', null));
    const start = env.clock.now();

    const error = await failure(rebuildWithIronic(env, j));

    expect(error.message).to.match(
      /^never came back: Ironic's rebuild of n1 did not end in "active" in time \(last: "wait call-back"\)/,
    );
    expect(env.clock.now() - start).to.equal(600_000);
  });

  it('confirms over SSH where the node has an address and reports the config', async () => {
    const node = sshNode('n1', { ironic: { node: 'n1' } });
    const { env, attempt, job: j } = setup({ node: ironicNode('n1') }, node);
    env.runner.expect(
      { match: remoteArgv('n1', ['status', '--json']), exitCode: 255 },
      { match: remoteArgv('n1', ['status', '--json']), stdout: statusOf(CONFIG_SHA) },
    );

    await rebuildWithIronic(env, j);

    expect(attempt.log.at(-1)).to.equal(`confirmed: the node itself reports config sha256 ${CONFIG_SHA}`);
  });

  it("records Ironic's view, never the node's, when the node answers without a marker or not at all", async () => {
    const node = sshNode('n1', { ironic: { node: 'n1' } });
    const answers = setup({ node: ironicNode('n1') }, node);
    answers.env.runner.expect({ match: remoteArgv('n1', ['status', '--json']), stdout: statusOf(null) });
    await rebuildWithIronic(answers.env, answers.job);
    expect(answers.attempt.log.at(-1)).to.match(
      /^unconfirmed: the node answers over SSH but reports no reprovision marker/,
    );

    const silent = setup({ node: ironicNode('n1') }, node);
    silent.env.runner.expect({ match: remoteArgv('n1', ['status', '--json']), exitCode: 255, repeat: true });
    const start = silent.env.clock.now();
    await rebuildWithIronic(silent.env, silent.job);
    expect(silent.attempt.log.at(-1)).to.equal(
      "unconfirmed: no report over SSH (SSH did not connect); Ironic's view is recorded",
    );
    expect(silent.env.clock.now() - start).to.equal(30_000 + 10_000);
    expect(silent.attempt.records.at(-1)?.ironicView?.sha256).to.equal(CONFIG_SHA);
  });

  it('resume, waiting: waits for active, never a second rebuild', async () => {
    const previous = previousState({ phase: 'waiting', method: 'ironic', ironicBefore: BEFORE });
    const {
      ironic,
      env,
      job: j,
    } = setup(
      {
        node: ironicNode('n1', { provision_state: 'wait call-back', provision_updated_at: 'later' }),
        afterRebuild: ['active'],
        inFlight: true,
      },
      undefined,
      previous,
    );

    await resumeIronic(env, j);

    expect(ironic.calls.map((c) => c.op)).to.deep.equal(['get']);
  });

  it('resume, applying: asks for the rebuild only when Ironic never got it', async () => {
    const lost = setup(
      { node: ironicNode('n1') },
      undefined,
      previousState({ phase: 'applying', method: 'ironic', ironicBefore: BEFORE }),
    );
    await resumeIronic(lost.env, lost.job);
    expect(lost.ironic.calls.filter((c) => c.op === 'rebuild')).to.have.length(1);

    const arrived = setup(
      { node: ironicNode('n1', { provision_updated_at: '2026-12-01T10:05:00+00:00' }) },
      undefined,
      previousState({ phase: 'applying', method: 'ironic', ironicBefore: BEFORE }),
    );
    await resumeIronic(arrived.env, arrived.job);
    expect(arrived.ironic.calls.map((c) => c.op)).to.deep.equal(['get', 'get']);
    expect(arrived.attempt.log).to.deep.equal(['waiting ironic']);
  });

  it('resume, applying another config that never reached Ironic: fails, sends nothing', async () => {
    const previous = previousState({
      phase: 'applying',
      method: 'ironic',
      ironicBefore: BEFORE,
      desiredSha256: OLD_SHA,
    });
    const { ironic, env, job: j } = setup({ node: ironicNode('n1') }, undefined, previous);

    const error = await failure(resumeIronic(env, j));

    expect(error.message).to.match(/never reached Ironic, and the fleet file now asks for/);
    expect(ironic.calls.map((c) => c.op)).to.deep.equal(['get']);
  });

  describe('where Ironic cannot rebuild (its auto_lessee bug)', () => {
    it('says so, undeploys, deploys the same configdrive and step once the node is available, and waits for active', async () => {
      const {
        ironic,
        env,
        attempt,
        job: j,
      } = setup({
        node: ironicNode('n1'),
        afterUndeploy: ['deleting', 'cleaning', 'available'],
        afterDeploy: ['deploying', 'wait call-back', 'active'],
      });
      ironic.brokenRebuild = true;

      await rebuildWithIronic(env, j);

      expect(ironic.calls.filter((c) => c.op !== 'get')).to.deep.equal([
        { op: 'rebuild', ident: 'n1', configText: CONFIG_TEXT },
        { op: 'undeploy', ident: 'n1' },
        { op: 'deploy', ident: 'n1', configText: CONFIG_TEXT },
      ]);
      expect(attempt.log[1]).to.match(
        /^fallback: rebuild of node n1: Ironic answered 500: .*'auto_lessee'.*; undeploying and deploying it instead$/,
      );
      expect(attempt.records).to.deep.include({ ironicRedeploy: true });
      expect(ironic.state('n1').provision_state).to.equal('active');
      expect(attempt.records.at(-1)?.ironicView?.sha256).to.equal(CONFIG_SHA);
    });

    it('fails with last_error when the undeploy cleaning fails', async () => {
      const {
        ironic,
        env,
        job: j,
      } = setup({ node: ironicNode('n1'), afterUndeploy: ['cleaning', 'clean failed'], failure: 'wipe failed' });
      ironic.brokenRebuild = true;

      const error = await failure(rebuildWithIronic(env, j));

      expect(error.message).to.match(/^Ironic's redeploy failed \("clean failed"\): wipe failed/);
      expect(ironic.calls.some((c) => c.op === 'deploy')).to.equal(false);
    });

    it('resume: a node an earlier run undeployed is deployed (once), never rebuilt or undeployed again', async () => {
      const previous = previousState({
        phase: 'waiting',
        method: 'ironic',
        ironicBefore: BEFORE,
        ironicRedeploy: true,
      });
      const {
        ironic,
        env,
        job: j,
      } = setup(
        {
          node: ironicNode('n1', { provision_state: 'available', provision_updated_at: 'later' }),
          afterDeploy: ['deploying', 'active'],
        },
        undefined,
        previous,
      );

      await resumeIronic(env, j);

      expect(ironic.calls.filter((c) => c.op !== 'get').map((c) => c.op)).to.deep.equal(['deploy']);
    });
  });
});
