import { expect } from 'chai';
import type { ManagerContext, StepSpec } from '../../../agent/hardware/types.js';
import { InvalidCommandParamsError } from '../../../common/errors.js';
import { buildTestCore, type TestCore } from '../../helpers/agent-core.js';
import { fakeManager, recordingStep } from '../../helpers/fake-managers.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const NODE = { uuid: '6df241ec-4d0e-4b9c-ad67-789584931f8f', instance_info: {} };

/** `deploy.execute_deploy_step` params for `step` of the fake manager. */
function deployStep(step: string): Record<string, unknown> {
  return {
    step: { step, interface: 'deploy', args: {}, priority: 80 },
    node: NODE,
    ports: [],
    deploy_version: { FakeHardwareManager: '1.0' },
  };
}

describe('lifecycle/core buildCore', () => {
  const built: TestCore[] = [];
  async function core(options: Parameters<typeof buildTestCore>[0] = {}): Promise<TestCore> {
    const test = await buildTestCore(options);
    built.push(test);
    return test;
  }
  afterEach(() => {
    for (const test of built.splice(0)) test.cleanup();
  });

  it('initializes the managers with the dispatcher the core holds', async () => {
    const given: ManagerContext[] = [];

    const { core: agent } = await core({ managers: [fakeManager({ onInitialize: (c) => given.push(c) })] });

    expect(given.map((c) => c.hardware)).to.deep.equal([agent.dispatcher]);
    expect(given[0]?.hardware).to.equal(agent.dispatcher);
  });

  it('reports an async command that ended as commandFinished', async () => {
    const step = recordingStep('write_image', { deploy: 0 });
    const { core: agent } = await core({ managers: [fakeManager({ steps: [step] })] });
    let finished = 0;
    agent.events.on('commandFinished', () => {
      finished += 1;
    });

    const result = await agent.executor.execute('deploy.execute_deploy_step', deployStep('write_image'));
    await result.wait();
    await new Promise((resolve) => setImmediate(resolve));

    expect(result.status).to.equal('SUCCEEDED');
    expect(finished).to.equal(1);
  });

  it('reports the power action of standby.power_off, then the end of the command', async () => {
    const runner = new FakeRunner().expect(
      { match: ['sync'] },
      { match: ['chroot', '/mnt/coreos', 'systemctl', 'poweroff', '--no-block'] },
    );
    const { core: agent } = await core({ runner });
    const heard: string[] = [];
    agent.events.on('powerAction', (action) => heard.push(action));
    agent.events.on('commandFinished', () => heard.push('finished'));

    await (await agent.executor.execute('standby.power_off', {})).wait();
    await new Promise((resolve) => setImmediate(resolve));

    expect(heard).to.deep.equal(['poweroff', 'finished']);
  });

  it('reports system.lockdown as lockdown', async () => {
    const { core: agent } = await core();
    let lockdowns = 0;
    agent.events.on('lockdown', () => {
      lockdowns += 1;
    });

    const result = await agent.executor.execute('system.lockdown', {});

    expect(result.status).to.equal('SUCCEEDED');
    expect(lockdowns).to.equal(1);
  });

  it('applies poll.set_node_info to the state in standalone mode', async () => {
    const { core: agent } = await core({ config: { standalone: true } });

    const result = await agent.executor.execute('poll.set_node_info', {
      node_info: { node: NODE, config: { heartbeat_timeout: 42 } },
    });

    expect(result.status).to.equal('SUCCEEDED');
    expect(agent.state.node).to.deep.equal(NODE);
    expect(agent.state.heartbeatTimeoutSec).to.equal(42);
  });

  it('refuses poll.set_node_info without a node uuid (400) and keeps the state', async () => {
    const { core: agent } = await core({ config: { standalone: true } });

    const error = await agent.executor
      .execute('poll.set_node_info', { node_info: { node: {} } })
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(InvalidCommandParamsError);
    expect(agent.state.node).to.equal(null);
  });

  it('runs flow.start_flow through its own executor', async () => {
    const { core: agent } = await core();

    const result = await agent.executor.execute('flow.start_flow', { flow: [{ 'system.lockdown': {} }] });
    await result.wait();

    expect(result.status).to.equal('SUCCEEDED');
  });

  it('restores the history of an earlier process of this boot and holds its interrupted step for the mode', async () => {
    const stuck: StepSpec = { ...recordingStep('write_image', { deploy: 0 }), run: () => new Promise(() => undefined) };
    const first = await core({ managers: [fakeManager({ steps: [stuck] })] });
    await first.core.executor.execute('system.lockdown', {});
    const interrupted = await first.core.executor.execute('deploy.execute_deploy_step', deployStep('write_image'));
    const calls: unknown[] = [];
    const second = await buildTestCore({
      stateDir: first.stateDir,
      managers: [fakeManager({ steps: [recordingStep('write_image', { deploy: 0 }, null, calls)] })],
    });

    expect(second.core.executor.list().map((r) => r.commandName)).to.deep.equal(['lockdown']);
    await second.core.interrupted.resume();
    await second.core.executor.get(interrupted.id).wait();

    expect(calls).to.have.length(1);
    expect(second.core.executor.list().map((r) => [r.commandName, r.status])).to.deep.equal([
      ['lockdown', 'SUCCEEDED'],
      ['execute_deploy_step', 'SUCCEEDED'],
    ]);
  });
});
