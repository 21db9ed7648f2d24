import { expect } from 'chai';
import { StandaloneMode } from '../../../agent/lifecycle/standalone-mode.js';
import type { StepSpec } from '../../../agent/hardware/types.js';
import { apiStatus, buildTestCore, type TestCore } from '../../helpers/agent-core.js';
import { fakeManager, recordingStep } from '../../helpers/fake-managers.js';

const TOKEN = 'standalone-token';

describe('lifecycle/standalone-mode StandaloneMode', () => {
  const built: TestCore[] = [];
  const modes: StandaloneMode[] = [];
  async function start(options: Parameters<typeof buildTestCore>[0] = {}) {
    const test = await buildTestCore({
      ...options,
      config: { standalone: true, agentToken: TOKEN, ...options.config },
    });
    built.push(test);
    const mode = new StandaloneMode(test.core);
    modes.push(mode);
    await mode.start();
    return { test, mode };
  }
  afterEach(async () => {
    for (const mode of modes.splice(0)) await mode.stop();
    for (const test of built.splice(0)) test.cleanup();
  });

  it('serves the API over plain HTTP until stopped, then exits 0', async () => {
    const { test, mode } = await start();

    expect(await apiStatus(test.memory)).to.equal(200);
    expect(test.memory.entries.find((e) => e['message'] === 'Agent API listening in standalone mode')).to.include({
      protocol: 'http',
    });
    await mode.stop();
    expect(await mode.exited).to.equal(0);
    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
  });

  it('warns that every command will be refused without agent_token', async () => {
    const { test } = await start({ config: { agentToken: null } });

    expect(test.memory.text()).to.contain('Standalone mode without agent_token');
  });

  it('closes the API on lockdown and stays up', async () => {
    const { test, mode } = await start();
    let exited = false;
    void mode.exited.then(() => {
      exited = true;
    });

    await test.core.executor.execute('system.lockdown', {});
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
    expect(exited).to.equal(false);
  });

  it('resumes the step an earlier process of this boot was running, under its id', async () => {
    const stuck: StepSpec = { ...recordingStep('write_image', { deploy: 0 }), run: () => new Promise(() => undefined) };
    const earlier = await buildTestCore({ managers: [fakeManager({ steps: [stuck] })] });
    built.push(earlier);
    const interrupted = await earlier.core.executor.execute('deploy.execute_deploy_step', {
      step: { step: 'write_image', interface: 'deploy', args: {} },
      node: { uuid: '6df241ec-4d0e-4b9c-ad67-789584931f8f' },
      ports: [],
    });
    const calls: unknown[] = [];

    const { test } = await start({
      stateDir: earlier.stateDir,
      managers: [fakeManager({ steps: [recordingStep('write_image', { deploy: 0 }, null, calls)] })],
    });
    await test.core.executor.get(interrupted.id).wait();

    expect(calls).to.have.length(1);
    expect(test.core.executor.get(interrupted.id).status).to.equal('SUCCEEDED');
  });
});
