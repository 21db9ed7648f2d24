import { expect } from 'chai';
import { createReprovision } from '../../../fleet/apply/reprovision-node.js';
import type { FleetNode } from '../../../fleet/fleet-file.js';
import type { PlanEntry } from '../../../fleet/schedule.js';
import type { NodeState } from '../../../fleet/state.js';
import { FakeIronicApi, ironicNode } from '../../helpers/fake-ironic-api.js';
import {
  CONFIG_SHA,
  CONFIG_TEXT,
  fakeEnv,
  OLD_SHA,
  previousState,
  recordingAttempt,
  remoteArgv,
  sshNode,
  statusOf,
} from '../../helpers/fleet-apply.js';

const STATUS = ['status', '--json'];
const PLAN = ['plan', '-'];
const APPLY = ['apply', '--now', '-'];

describe('fleet/apply/reprovision-node', () => {
  function setup(node: FleetNode, previous?: NodeState, ironic?: FakeIronicApi) {
    const env = fakeEnv(ironic);
    const attempt = recordingAttempt(previous);
    const reprovision = createReprovision(env, new Map([[node.name, { text: CONFIG_TEXT, sha256: CONFIG_SHA }]]), 600);
    const entry: PlanEntry = { node, desiredSha256: CONFIG_SHA, action: previous === undefined ? 'start' : 'resume' };
    const run = (): Promise<void> => reprovision(entry, attempt);
    return { env, runner: env.runner, attempt, run };
  }
  const words = (argv: string[]): string => argv.slice(13).join(' ');
  const failureOf = async (run: () => Promise<void>): Promise<Error> => {
    try {
      await run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  };

  it('in place: plan with the config on stdin, apply --now, then polls through the reboot until the node reports the config', async () => {
    const { runner, attempt, run } = setup(sshNode('w1'));
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(OLD_SHA) },
      { match: remoteArgv('w1', PLAN) },
      { match: remoteArgv('w1', APPLY), stdout: 'config sha256 ...' },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(OLD_SHA, 'switch-pending') },
      {
        match: remoteArgv('w1', STATUS),
        exitCode: 255,
        stderr: 'ssh: connect to host w1.example port 22: Connection refused',
      },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) },
    );

    await run();

    expect(runner.calls.map((c) => words(c.argv))).to.deep.equal([
      'status --json',
      'plan -',
      'apply --now -',
      'status --json',
      'status --json',
      'status --json',
    ]);
    expect(runner.calls[1]?.options.input).to.equal(CONFIG_TEXT);
    expect(runner.calls[2]?.options.input).to.equal(CONFIG_TEXT);
    expect(attempt.log).to.deep.equal(['applying ssh', 'waiting ssh']);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('touches nothing when the node already reports its desired config', async () => {
    const { runner, attempt, run } = setup(sshNode('w1'));
    runner.expect({ match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) });

    await run();

    expect(runner.calls).to.have.length(1);
    expect(attempt.log).to.deep.equal([`confirmed: the node already reports config sha256 ${CONFIG_SHA}`]);
  });

  it('auto: falls back to Ironic when SSH cannot connect, saying so, and changes nothing over SSH', async () => {
    const ironic = new FakeIronicApi({ node: ironicNode('w1') });
    const { runner, attempt, run } = setup(sshNode('w1', { ironic: { node: 'w1' } }), undefined, ironic);
    runner.expect(
      {
        match: remoteArgv('w1', STATUS),
        exitCode: 255,
        stderr: 'ssh: connect to host w1.example port 22: No route to host',
      },
      { match: remoteArgv('w1', STATUS), exitCode: 255, repeat: true },
    );

    await run();

    expect(attempt.log[0]).to.equal(
      'fallback: cannot reach core@w1.example:22 over SSH (ssh: connect to host w1.example port 22: No route to host); nothing was changed, falling back to Ironic',
    );
    expect(attempt.log).to.include.members(['applying ironic', 'waiting ironic']);
    expect(ironic.calls.filter((c) => c.op === 'rebuild')).to.deep.equal([
      { op: 'rebuild', ident: 'w1', configText: CONFIG_TEXT },
    ]);
    expect(runner.calls.map((c) => words(c.argv))).to.not.include('plan -');
  });

  it('auto: falls back to Ironic when plan refuses the config on the node', async () => {
    const ironic = new FakeIronicApi({ node: ironicNode('w1') });
    const { runner, attempt, run } = setup(sshNode('w1', { ironic: { node: 'w1' } }), undefined, ironic);
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null) },
      { match: remoteArgv('w1', PLAN), exitCode: 1, stderr: 'reprovision plan: error: / is not an ostree system\n' },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null), repeat: true },
    );

    await run();

    expect(attempt.log[0]).to.match(/^fallback: reprovision plan on the node refused: .*not an ostree system/);
    expect(ironic.calls.some((c) => c.op === 'rebuild')).to.equal(true);
  });

  it('ssh: fails the node with its own message when it cannot connect, and never falls back', async () => {
    const ironic = new FakeIronicApi({ node: ironicNode('w1') });
    const node = sshNode('w1', { method: 'ssh', ironic: { node: 'w1' } });
    const { runner, run } = setup(node, undefined, ironic);
    runner.expect({ match: remoteArgv('w1', STATUS), exitCode: 255, stderr: 'Permission denied (publickey).' });

    const error = await failureOf(run);

    expect(error.message).to.equal(
      'cannot reach core@w1.example:22 over SSH (Permission denied (publickey).); nothing was changed on the node',
    );
    expect(ironic.calls).to.deep.equal([]);
  });

  it('auto without an Ironic entry: a refused plan fails the node with the node message', async () => {
    const { runner, run } = setup(sshNode('w1'));
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null) },
      { match: remoteArgv('w1', PLAN), exitCode: 1, stderr: 'error: /var/lib/data is a separate filesystem\n' },
    );

    const error = await failureOf(run);

    expect(error.message).to.match(/plan on the node refused: error: \/var\/lib\/data is a separate filesystem/);
    expect(runner.calls).to.have.length(2);
  });

  it('a failed apply fails the node with its message (no fallback: the node may be changed)', async () => {
    const ironic = new FakeIronicApi({ node: ironicNode('w1') });
    const { runner, attempt, run } = setup(sshNode('w1', { ironic: { node: 'w1' } }), undefined, ironic);
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null) },
      { match: remoteArgv('w1', PLAN) },
      { match: remoteArgv('w1', APPLY), exitCode: 1, stderr: 'error: tar: /var: Cannot open\n' },
    );

    const error = await failureOf(run);

    expect(error.message).to.match(/^reprovision apply on the node failed: error: tar: \/var: Cannot open; run/);
    expect(attempt.log).to.deep.equal(['applying ssh']);
    expect(ironic.calls).to.deep.equal([]);
  });

  it('a connection the reboot cut during apply is followed by waiting for the report', async () => {
    const { runner, attempt, run } = setup(sshNode('w1'));
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null) },
      { match: remoteArgv('w1', PLAN) },
      { match: remoteArgv('w1', APPLY), exitCode: 255, stderr: 'Connection to w1.example closed by remote host.' },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) },
    );

    await run();

    expect(attempt.log).to.deep.equal(['applying ssh', 'waiting ssh']);
  });

  it('fails a node that never comes back at its timeout, saying what to check', async () => {
    const { env, runner, run } = setup(sshNode('w1', { timeoutSeconds: 60 }));
    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(null) },
      { match: remoteArgv('w1', PLAN) },
      { match: remoteArgv('w1', APPLY) },
      { match: remoteArgv('w1', STATUS), exitCode: 255, repeat: true },
    );
    const start = env.clock.now();

    const error = await failureOf(run);

    expect(error.message).to.equal(
      `never came back with config sha256 ${CONFIG_SHA} in time (last: SSH did not connect); check the node's console and network, then "reprovision status" on it`,
    );
    expect(env.clock.now() - start).to.equal(60_000);
    expect(env.clock.sleeps).to.deep.equal([10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('resume, SSH waiting: only polls the report of the config in flight', async () => {
    const previous = previousState({ phase: 'waiting', method: 'ssh', desiredSha256: OLD_SHA });
    const { runner, attempt, run } = setup(sshNode('w1'), previous);
    runner.expect(
      { match: remoteArgv('w1', STATUS), exitCode: 255 },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(OLD_SHA) },
    );

    await run();

    expect(runner.calls.map((c) => words(c.argv))).to.deep.equal(['status --json', 'status --json']);
    expect(attempt.log).to.deep.equal([]);
  });

  it('resume, SSH applying: runs apply again with the same config (no plan), then waits', async () => {
    const { runner, attempt, run } = setup(sshNode('w1'), previousState({ phase: 'applying', method: 'ssh' }));
    runner.expect(
      { match: remoteArgv('w1', APPLY) },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) },
    );

    await run();

    expect(runner.calls[0]?.options.input).to.equal(CONFIG_TEXT);
    expect(attempt.log).to.deep.equal(['applying ssh', 'waiting ssh']);
  });

  it('resume, SSH applying another config: fails with what to do, runs nothing', async () => {
    const previous = previousState({ phase: 'applying', method: 'ssh', desiredSha256: OLD_SHA });
    const { runner, run } = setup(sshNode('w1'), previous);

    const error = await failureOf(run);

    expect(error.message).to.match(/earlier run was applying config sha256 e{64} and the fleet file now asks for/);
    expect(runner.calls).to.deep.equal([]);
  });

  it('resume before any method was chosen: starts over (nothing destructive had happened)', async () => {
    const { runner, run } = setup(sshNode('w1'), previousState({ phase: 'applying', method: null }));
    runner.expect({ match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) });

    await run();

    expect(runner.calls).to.have.length(1);
  });

  it('method ironic: rebuilds without asking SSH', async () => {
    const ironic = new FakeIronicApi({ node: ironicNode('w1') });
    const { ssh: _ssh, ...node } = sshNode('w1', { method: 'ironic', ironic: { node: 'w1' } });
    const { runner, attempt, run } = setup(node, undefined, ironic);

    await run();

    expect(runner.calls).to.deep.equal([]);
    expect(attempt.records.at(-1)?.ironicView?.sha256).to.equal(CONFIG_SHA);
  });
});
