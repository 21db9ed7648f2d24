import { expect } from 'chai';
import type { StepSpec } from '../../../agent/hardware/types.js';
import { createIronicHttp } from '../../../agent/ironic/http.js';
import { IronicMode } from '../../../agent/lifecycle/ironic-mode.js';
import { apiStatus, buildTestCore, type TestCore, type TestCoreOptions } from '../../helpers/agent-core.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import {
  FakeIronic,
  FAULTS,
  ironicError,
  MAC,
  NODE_UUID,
  TOKEN,
  type RecordedRequest,
} from '../../helpers/fake-ironic.js';
import { fakeManager, recordingStep } from '../../helpers/fake-managers.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { fakeInterface, fakeInventory } from '../../helpers/inventory-fixtures.js';

const INVENTORY = fakeInventory({ interfaces: [fakeInterface({ name: 'eth0', mac_address: MAC })] });
const ADVERTISE_PORT = 9999;

/** Wait (real time, bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `deploy.execute_deploy_step` params for `step` of the fake manager. */
function deployStep(step: string): Record<string, unknown> {
  return { step: { step, interface: 'deploy', args: {} }, node: { uuid: NODE_UUID }, ports: [] };
}

describe('lifecycle/ironic-mode IronicMode', () => {
  let ironic: FakeIronic;
  const built: TestCore[] = [];
  const modes: IronicMode[] = [];

  beforeEach(async () => {
    ironic = await FakeIronic.start();
  });

  afterEach(async () => {
    for (const mode of modes.splice(0)) await mode.stop();
    for (const test of built.splice(0)) test.cleanup();
    await ironic.close();
  });

  const heartbeats = (): RecordedRequest[] => ironic.requests.filter((r) => r.url.startsWith('/v1/heartbeat/'));

  async function core(options: TestCoreOptions = {}): Promise<TestCore> {
    const test = await buildTestCore({
      managers: [fakeManager({ methods: { listHardwareInfo: async () => INVENTORY } })],
      ...options,
      config: {
        apiUrls: [ironic.url],
        advertiseHost: '127.0.0.1',
        advertisePort: ADVERTISE_PORT,
        enableAutoTls: false,
        lookupTimeout: 5,
        ...options.config,
      },
    });
    built.push(test);
    return test;
  }

  async function start(test: TestCore, clock = new FakeClock()): Promise<IronicMode> {
    const mode = new IronicMode(test.core, createIronicHttp({ timeoutSec: 5 }), clock);
    modes.push(mode);
    await mode.start();
    return mode;
  }

  it('looks the node up by its MACs, serves the API and heartbeats with the callback URL', async () => {
    const test = await core();

    await start(test);
    await until(() => heartbeats().length === 1, 'the first heartbeat');

    const lookup = ironic.requests.find((r) => r.url.startsWith('/v1/lookup'));
    expect(lookup?.url).to.contain(encodeURIComponent(MAC));
    expect(heartbeats()[0]?.url).to.equal(`/v1/heartbeat/${NODE_UUID}`);
    expect(JSON.parse(heartbeats()[0]?.body ?? '{}')).to.deep.include({
      callback_url: `http://127.0.0.1:${ADVERTISE_PORT}`,
      agent_token: TOKEN,
    });
    expect(test.core.state.node?.uuid).to.equal(NODE_UUID);
    expect(await apiStatus(test.memory)).to.equal(200);
    expect(test.core.sessionStore.load()).to.include({
      nodeUuid: NODE_UUID,
      callbackUrl: `http://127.0.0.1:${ADVERTISE_PORT}`,
    });
  });

  it('looks up with the MACs listMacAddresses gives, without collecting the inventory, one GET / first', async () => {
    let inventories = 0;
    const test = await core({
      managers: [
        fakeManager({
          methods: {
            listHardwareInfo: async () => {
              inventories += 1;
              return INVENTORY;
            },
            listMacAddresses: async () => [MAC, ''],
          },
        }),
      ],
    });

    await start(test);
    await until(() => heartbeats().length === 1, 'the first heartbeat');

    const lookup = ironic.requests.find((r) => r.url.startsWith('/v1/lookup'));
    expect(new URL(lookup?.url ?? '', ironic.url).searchParams.get('addresses')).to.equal(MAC);
    expect(inventories).to.equal(0);
    expect(ironic.requests.slice(0, 2).map((r) => r.url.split('?')[0])).to.deep.equal(['/', '/v1/lookup']);
  });

  it('heartbeats at once when an async command ends, without waiting for the next beat', async () => {
    const test = await core({
      managers: [
        fakeManager({
          methods: { listHardwareInfo: async () => INVENTORY },
          steps: [recordingStep('write_image', { deploy: 0 })],
        }),
      ],
    });
    const clock = new FakeClock();
    await start(test, clock);
    await until(() => heartbeats().length === 1 && clock.pending > 0, 'the heartbeater to sleep');

    await (await test.core.executor.execute('deploy.execute_deploy_step', deployStep('write_image'))).wait();

    await until(() => heartbeats().length === 2, 'the forced heartbeat');
  });

  it('stops heartbeating once a power action was issued', async () => {
    const test = await core();
    const clock = new FakeClock();
    await start(test, clock);
    await until(() => heartbeats().length === 1 && clock.pending > 0, 'the heartbeater to sleep');

    test.core.events.emit('powerAction', 'poweroff');
    test.core.events.emit('commandFinished');
    clock.advance(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(heartbeats()).to.have.length(1);
    expect(test.memory.text()).to.contain('Power action issued; no more heartbeats from this boot');
  });

  it('locks down: closes the API, stops heartbeats and takes the network down, and stays up', async () => {
    const runner = new FakeRunner().expect(
      { match: ['ip', '-j', 'link', 'show'], stdout: JSON.stringify([{ ifname: 'lo' }, { ifname: 'eth0' }]) },
      { match: ['ip', 'link', 'set', 'eth0', 'down'] },
    );
    const test = await core({ runner });
    const clock = new FakeClock();
    const mode = await start(test, clock);
    await until(() => heartbeats().length === 1 && clock.pending > 0, 'the heartbeater to sleep');
    let exited = false;
    void mode.exited.then(() => {
      exited = true;
    });

    await test.core.executor.execute('system.lockdown', {});
    clock.advance(200);
    await until(() => runner.pending().length === 0, 'the network to go down');
    clock.advance(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
    expect(heartbeats()).to.have.length(1);
    expect(exited).to.equal(false);
  });

  it('resumes the interrupted step when Ironic hands out the token this boot already had', async () => {
    const { stateDir, interruptedId } = await interruptedEarlier({ persistToken: true });
    const calls: unknown[] = [];
    const test = await core({ stateDir, managers: resumingManagers(calls) });

    await start(test);
    await test.core.executor.get(interruptedId).wait();

    expect(calls).to.have.length(1);
  });

  it('discards the interrupted step when Ironic issues a new token (a new operation began)', async () => {
    const { stateDir, interruptedId } = await interruptedEarlier({ persistToken: false });
    const calls: unknown[] = [];
    const test = await core({ stateDir, managers: resumingManagers(calls) });

    await start(test);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(calls).to.deep.equal([]);
    expect(test.core.executor.list().map((r) => r.id)).to.not.include(interruptedId);
  });

  it('exits 1 once Ironic refused the token and the node cannot be looked up again', async () => {
    const test = await core({ config: { lookupTimeout: 1 } });
    const clock = new FakeClock();
    const mode = await start(test, clock);
    ironic.handler = (request) =>
      request.url.startsWith('/v1/heartbeat/')
        ? { status: 400, body: ironicError(FAULTS.invalidToken) }
        : request.url.startsWith('/v1/lookup')
          ? { status: 404, body: ironicError(FAULTS.notFound) }
          : ironic.happyPath(request);
    let code: number | null = null;
    void mode.exited.then((c) => {
      code = c;
    });

    for (let i = 0; i < 100 && code === null; i++) {
      clock.advance(10_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect(code).to.equal(1);
    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
  });

  it('stops heartbeating and serving when stopped, and exits 0', async () => {
    const test = await core();
    const clock = new FakeClock();
    const mode = await start(test, clock);
    await until(() => heartbeats().length === 1, 'the first heartbeat');

    await mode.stop();
    clock.advance(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await mode.exited).to.equal(0);
    expect(heartbeats()).to.have.length(1);
    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
  });

  /** An earlier agent process of this boot that was killed during a deploy step. */
  async function interruptedEarlier(options: { persistToken: boolean }) {
    const stuck: StepSpec = { ...recordingStep('write_image', { deploy: 0 }), run: () => new Promise(() => undefined) };
    const earlier = await core({
      managers: [fakeManager({ methods: { listHardwareInfo: async () => INVENTORY }, steps: [stuck] })],
    });
    const interrupted = await earlier.core.executor.execute('deploy.execute_deploy_step', deployStep('write_image'));
    if (options.persistToken) earlier.core.sessionStore.update({ nodeUuid: NODE_UUID, agentToken: TOKEN });
    return { stateDir: earlier.stateDir, interruptedId: interrupted.id };
  }

  function resumingManagers(calls: unknown[]) {
    return [
      fakeManager({
        methods: { listHardwareInfo: async () => INVENTORY },
        steps: [recordingStep('write_image', { deploy: 0 }, null, calls)],
      }),
    ];
  }
});
