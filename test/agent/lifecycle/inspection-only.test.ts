import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { AgentState } from '../../../agent/agent.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { defaultConfig } from '../../../agent/config/load.js';
import type { AgentConfig } from '../../../common/agent-config/types.js';
import { ConfigError } from '../../../common/errors.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import type { AgentCore } from '../../../agent/lifecycle/core.js';
import { startIronicMode } from '../../../agent/lifecycle/ironic-mode.js';
import type { LogDeps } from '../../../agent/extensions/log/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeIronic, NODE_UUID, pyJson } from '../../helpers/fake-ironic.js';
import { fakeManager } from '../../helpers/fake-managers.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { SessionStore } from '../../../agent/state/session-store.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';

const INVENTORY = {
  interfaces: [{ name: 'eth0', mac_address: '52:54:00:d4:61:b7', ipv4_address: '192.0.2.20' }],
  disks: [],
  boot: { current_boot_mode: 'bios', pxe_interface: null },
};

/**
 * Ironic boots the ramdisk for inspection with only ipa-inspection-callback-url
 * on the kernel command line (openstack/ironic ironic/drivers/modules/inspector/interface.py
 * prepare_managed_inspection adds ipa-api-url only with fast-track).
 */
describe('lifecycle/ironic-mode with an inspection callback URL and no api_url', () => {
  let ironic: FakeIronic;
  let stateDir: string;

  beforeEach(async () => {
    ironic = await FakeIronic.start();
    stateDir = mkdtempSync(join(tmpdir(), 'ica-inspect-only-'));
  });

  afterEach(async () => {
    await ironic.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function core(
    overrides: Partial<AgentConfig>,
  ): Promise<{ core: AgentCore; memory: ReturnType<typeof createTestLogger>['memory'] }> {
    const { logger, memory } = createTestLogger();
    const config: AgentConfig = {
      ...defaultConfig(),
      apiUrls: [],
      inspectionCollectors: ['default'],
      inspectionDhcpWaitTimeout: 0,
      listenHost: '127.0.0.1',
      listenPort: 0,
      stateDir,
      ...overrides,
    };
    const dispatcher = await HardwareDispatcher.create(
      [fakeManager({ methods: { listHardwareInfo: async () => INVENTORY } })],
      logger,
    );
    const built: AgentCore = {
      config,
      logger,
      runner: new FakeRunner(),
      dispatcher,
      state: new AgentState('0.1.0', logger),
      sessionStore: new SessionStore(bootStateStore(stateDir), logger),
      executor: new CommandExecutor({ extensions: [], logger }),
      restored: { finished: [], resume: null },
      logDeps: {} as LogDeps,
      onAsyncComplete: () => undefined,
      lockdown: () => undefined,
      onPowerAction: () => undefined,
      systemLogs: async () => '',
    };
    return { core: built, memory };
  }

  function listeningPort(memory: ReturnType<typeof createTestLogger>['memory']): number {
    const entry = memory.entries.find((e) => e['message'] === 'Agent API listening');
    return Number(String(entry?.['listen']).split(':').at(-1));
  }

  it('inspects, then serves the API without looking the node up or heartbeating (as IPA does)', async () => {
    ironic.handler = () => ({ status: 202, body: pyJson({ uuid: NODE_UUID }) });
    const { core: agent, memory } = await core({ inspectionCallbackUrl: `${ironic.url}/v1/continue_inspection` });

    const running = await startIronicMode(agent, new FakeClock({ auto: true }));
    const status = await axios.get(`http://127.0.0.1:${listeningPort(memory)}/v1/status`);
    await running.stop();

    expect(ironic.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(['POST /v1/continue_inspection']);
    expect(JSON.parse(ironic.requests[0]?.body ?? '{}'))
      .to.have.property('inventory')
      .that.deep.equals(INVENTORY);
    expect(status.status).to.equal(200);
    expect(memory.text()).to.contain('No api_url: lookup and heartbeats are skipped after inspection');
    expect(await running.exited).to.equal(0);
  });

  it('still serves the API when the inspection data was refused (inspection failures are not fatal)', async () => {
    ironic.handler = () => ({ status: 404, body: '' });
    const { core: agent, memory } = await core({ inspectionCallbackUrl: `${ironic.url}/v1/continue` });

    const running = await startIronicMode(agent, new FakeClock({ auto: true }));
    const status = await axios.get(`http://127.0.0.1:${listeningPort(memory)}/v1/status`);
    await running.stop();

    expect(ironic.requests.map((r) => r.url)).to.deep.equal(['/v1/continue']);
    expect(status.status).to.equal(200);
  });

  it('refuses to start with neither api_url nor inspection_callback_url, naming both', async () => {
    const { core: agent } = await core({ inspectionCallbackUrl: null });

    const error = await startIronicMode(agent, new FakeClock({ auto: true })).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/api_url.*inspection_callback_url/);
  });
});
