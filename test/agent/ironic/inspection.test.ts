import { expect } from 'chai';
import axios from 'axios';
import { inspect, inspectionUrls, type InspectOptions } from '../../../agent/ironic/inspection.js';
import { FakeIronic, NODE_UUID, ironicError, pyJson, refusedUrl, type Answer } from '../../helpers/fake-ironic.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { createTestLogger } from '../../helpers/logger.js';

const INVENTORY = {
  interfaces: [{ name: 'eth0', mac_address: '52:54:00:d4:61:b7', ipv4_address: '192.0.2.20' }],
  disks: [{ name: '/dev/vdb', size: 21474836480 }],
  boot: { current_boot_mode: 'uefi', pxe_interface: '52:54:00:d4:61:b7' },
};

describe('ironic/inspection', () => {
  describe('inspectionUrls', () => {
    const cases: [string | null, string[], string[]][] = [
      ['http://a:5050/v1/continue', ['http://api:6385'], ['http://a:5050/v1/continue']],
      [
        'http://a:5050/v1/continue, http://b:5050/v1/continue,',
        [],
        ['http://a:5050/v1/continue', 'http://b:5050/v1/continue'],
      ],
      [
        null,
        ['http://api:6385/', 'https://api2:6385'],
        ['http://api:6385/v1/continue_inspection', 'https://api2:6385/v1/continue_inspection'],
      ],
      ['', ['http://api:6385'], ['http://api:6385/v1/continue_inspection']],
      [null, [], []],
    ];
    for (const [callback, api, expected] of cases) {
      it(`${JSON.stringify(callback)} + ${JSON.stringify(api)} → ${JSON.stringify(expected)}`, () => {
        expect(inspectionUrls(callback, api)).to.deep.equal(expected);
      });
    }
  });

  describe('inspect', () => {
    let ironic: FakeIronic;
    let log: ReturnType<typeof createTestLogger>;
    let clock: FakeClock;

    beforeEach(async () => {
      ironic = await FakeIronic.start();
      log = createTestLogger();
      clock = new FakeClock({ auto: true });
    });

    afterEach(async () => {
      await ironic.close();
    });

    function script(...answers: Answer[]): void {
      let index = 0;
      ironic.handler = () => answers[Math.min(index++, answers.length - 1)] ?? { status: 500 };
    }

    function run(overrides: Partial<InspectOptions> = {}): Promise<string | null> {
      return inspect({
        http: axios.create(),
        apiUrls: [ironic.url],
        collectData: async () => ({ inventory: INVENTORY, error: null }),
        clock,
        logger: log.logger,
        timeoutMs: 5000,
        ...overrides,
      });
    }

    const accepted: Answer = { status: 202, body: pyJson({ uuid: NODE_UUID }) };

    it('posts the data to {api}/v1/continue_inspection without a version header and returns the node UUID', async () => {
      script(accepted);

      const uuid = await run({ requestId: 'req-7' });

      expect(uuid).to.equal(NODE_UUID);
      expect(ironic.requests).to.have.length(1);
      const [request] = ironic.requests;
      expect(request?.method).to.equal('POST');
      expect(request?.url).to.equal('/v1/continue_inspection');
      expect(request?.headers).to.not.have.property('x-openstack-ironic-api-version');
      expect(request?.headers['content-type']).to.equal('application/json');
      expect(request?.headers['accept']).to.equal('application/json');
      expect(request?.headers['x-openstack-request-id']).to.equal('req-7');
      expect(JSON.parse(request?.body ?? '')).to.deep.equal({ inventory: INVENTORY, error: null });
    });

    it('posts to the inspection callback URL as given', async () => {
      script(accepted);

      await run({ callbackUrl: `${ironic.url}/v1/continue`, apiUrls: ['http://192.0.2.1:6385'] });

      expect(ironic.requests.map((r) => r.url)).to.deep.equal(['/v1/continue']);
    });

    it('accepts a lookup-style answer {node: {uuid}}', async () => {
      script({ status: 200, body: pyJson({ node: { uuid: NODE_UUID }, config: {} }) });

      expect(await run()).to.equal(NODE_UUID);
    });

    it('returns null when the answer has no UUID', async () => {
      script({ status: 202, body: '' });

      expect(await run()).to.equal(null);
    });

    it('retries 503 and 409 with exponential waits, then succeeds', async () => {
      script(
        { status: 503, body: ironicError('down', 'Server') },
        { status: 409, body: ironicError('locked') },
        accepted,
      );

      const uuid = await run();

      expect(uuid).to.equal(NODE_UUID);
      expect(ironic.requests).to.have.length(3);
      expect(clock.sleeps).to.deep.equal([5_000, 5_000]);
    });

    it('gives up after 5 attempts (waits 5, 5, 6, 12 s) and returns null without throwing', async () => {
      script({ status: 500, body: ironicError('boom', 'Server') });

      const uuid = await run();

      expect(uuid).to.equal(null);
      expect(ironic.requests).to.have.length(5);
      expect(clock.sleeps).to.deep.equal([5_000, 5_000, 6_000, 12_000]);
      expect(log.memory.text()).to.contain('Could not deliver inspection data, proceeding with lookup');
    });

    it("does not retry other 4xx: logs Ironic's fault and returns null", async () => {
      script({ status: 400, body: ironicError('The interfaces list is required') });

      const uuid = await run();

      expect(uuid).to.equal(null);
      expect(ironic.requests).to.have.length(1);
      expect(clock.sleeps).to.deep.equal([]);
      const refused = log.memory.entries.find(
        (e) => e['message'] === 'Inspection data refused, proceeding with lookup',
      );
      expect(refused).to.deep.include({ status: 400, error: 'The interfaces list is required' });
    });

    it('tries the next URL when one refuses connections', async () => {
      script(accepted);
      const dead = await refusedUrl();

      const uuid = await run({ apiUrls: [dead, ironic.url] });

      expect(uuid).to.equal(NODE_UUID);
      expect(clock.sleeps).to.deep.equal([]);
    });

    it('retries connection errors of the last URL and returns null', async () => {
      const uuid = await run({ apiUrls: [await refusedUrl()] });

      expect(uuid).to.equal(null);
      expect(clock.sleeps).to.have.length(4);
    });

    it('does nothing when there is nowhere to post', async () => {
      let collected = false;

      const uuid = await run({
        apiUrls: [],
        collectData: async () => {
          collected = true;
          return {};
        },
      });

      expect(uuid).to.equal(null);
      expect(collected).to.equal(false);
      expect(ironic.requests).to.have.length(0);
    });

    it('refuses mdns with an error naming the fix', async () => {
      const uuid = await run({ callbackUrl: 'mdns' });

      expect(uuid).to.equal(null);
      expect(ironic.requests).to.have.length(0);
      expect(log.memory.text()).to.contain('set it to the inspection URL');
    });

    it('still posts the failure when collecting throws', async () => {
      script({ status: 400, body: ironicError('inventory required') });

      await run({
        collectData: async () => {
          throw new Error('lsblk exploded');
        },
      });

      expect(JSON.parse(ironic.requests[0]?.body ?? '')).to.deep.equal({
        error: 'The following errors were encountered:\n* collecting inspection data failed: lsblk exploded',
      });
    });
  });
});
