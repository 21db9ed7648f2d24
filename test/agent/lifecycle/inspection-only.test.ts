import { expect } from 'chai';
import { createIronicHttp } from '../../../agent/ironic/http.js';
import { InspectionOnlyMode } from '../../../agent/lifecycle/inspection-only.js';
import { apiStatus, buildTestCore, type TestCore } from '../../helpers/agent-core.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeIronic, NODE_UUID, pyJson } from '../../helpers/fake-ironic.js';
import { fakeManager } from '../../helpers/fake-managers.js';
import { fakeInterface, fakeInventory } from '../../helpers/inventory-fixtures.js';

const INVENTORY = fakeInventory({
  interfaces: [fakeInterface({ name: 'eth0', mac_address: '52:54:00:d4:61:b7', ipv4_address: '192.0.2.20' })],
});

/**
 * Ironic boots the ramdisk for inspection with only ipa-inspection-callback-url
 * on the kernel command line (openstack/ironic ironic/drivers/modules/inspector/interface.py
 * prepare_managed_inspection adds ipa-api-url only with fast-track).
 */
describe('lifecycle/inspection-only InspectionOnlyMode', () => {
  let ironic: FakeIronic;
  const built: TestCore[] = [];
  const modes: InspectionOnlyMode[] = [];

  beforeEach(async () => {
    ironic = await FakeIronic.start();
  });

  afterEach(async () => {
    for (const mode of modes.splice(0)) await mode.stop();
    for (const test of built.splice(0)) test.cleanup();
    await ironic.close();
  });

  async function start(callbackPath: string): Promise<{ test: TestCore; mode: InspectionOnlyMode }> {
    const test = await buildTestCore({
      config: {
        apiUrls: [],
        inspectionCallbackUrl: `${ironic.url}${callbackPath}`,
        inspectionCollectors: ['default'],
        inspectionDhcpWaitTimeout: 0,
      },
      managers: [fakeManager({ methods: { listHardwareInfo: async () => INVENTORY } })],
    });
    built.push(test);
    const mode = new InspectionOnlyMode(test.core, createIronicHttp({ timeoutSec: 5 }), new FakeClock({ auto: true }));
    modes.push(mode);
    await mode.start();
    return { test, mode };
  }

  it('inspects, then serves the API without looking the node up or heartbeating (as IPA does)', async () => {
    ironic.handler = () => ({ status: 202, body: pyJson({ uuid: NODE_UUID }) });

    const { test, mode } = await start('/v1/continue_inspection');
    const status = await apiStatus(test.memory);
    await mode.stop();

    expect(ironic.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(['POST /v1/continue_inspection']);
    expect(JSON.parse(ironic.requests[0]?.body ?? '{}'))
      .to.have.property('inventory')
      .that.deep.equals(INVENTORY);
    expect(status).to.equal(200);
    expect(test.memory.text()).to.contain('No api_url: lookup and heartbeats are skipped after inspection');
    expect(await mode.exited).to.equal(0);
  });

  it('still serves the API when the inspection data was refused (inspection failures are not fatal)', async () => {
    ironic.handler = () => ({ status: 404, body: '' });

    const { test } = await start('/v1/continue');

    expect(ironic.requests.map((r) => r.url)).to.deep.equal(['/v1/continue']);
    expect(await apiStatus(test.memory)).to.equal(200);
  });

  it('closes the API on lockdown', async () => {
    ironic.handler = () => ({ status: 202, body: pyJson({ uuid: NODE_UUID }) });
    const { test } = await start('/v1/continue_inspection');

    test.core.events.emit('lockdown');
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await apiStatus(test.memory)).to.equal('ECONNREFUSED');
  });
});
