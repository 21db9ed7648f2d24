import { expect } from 'chai';
import axios from 'axios';
import { LookupAgentIPError } from '../../../common/errors.js';
import {
  callbackUrl,
  createReachabilityProbe,
  findAdvertiseAddress,
  isLinkLocal,
  type AdvertiseOptions,
} from '../../../agent/ironic/advertise.js';
import { FakeIronic, refusedUrl } from '../../helpers/fake-ironic.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { createTestLogger } from '../../helpers/logger.js';
import type { RouteSourceFinder } from '../../../common/net/route-source.js';

/**
 * A route-source finder answering from a table: each destination's answers in
 * turn (an Error is thrown), recording what it was asked.
 */
function fakeRoutes(table: Record<string, (string | Error)[]>): { find: RouteSourceFinder; asked: string[] } {
  const asked: string[] = [];
  const find: RouteSourceFinder = async (destination) => {
    asked.push(destination);
    const answer = table[destination]?.shift();
    if (answer === undefined) throw new Error(`unexpected route lookup towards ${destination}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { find, asked };
}

const ADDR_SHOW_ETH1 = JSON.stringify([
  {
    ifindex: 3,
    ifname: 'eth1',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    qdisc: 'fq_codel',
    operstate: 'UP',
    group: 'default',
    txqlen: 1000,
    link_type: 'ether',
    address: '52:54:00:d4:61:b7',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    addr_info: [
      {
        family: 'inet6',
        local: 'fe80::5054:ff:fed4:61b7',
        prefixlen: 64,
        scope: 'link',
        valid_life_time: 4294967295,
        preferred_life_time: 4294967295,
      },
      {
        family: 'inet',
        local: '198.51.100.7',
        prefixlen: 24,
        broadcast: '198.51.100.255',
        scope: 'global',
        label: 'eth1',
        valid_life_time: 3500,
        preferred_life_time: 3500,
      },
    ],
  },
]);

describe('ironic/advertise', () => {
  let runner: FakeRunner;
  let clock: FakeClock;
  let log: ReturnType<typeof createTestLogger>;

  beforeEach(() => {
    runner = new FakeRunner();
    clock = new FakeClock({ auto: true });
    log = createTestLogger();
  });

  function find(overrides: Partial<AdvertiseOptions> = {}) {
    return findAdvertiseAddress({
      apiUrls: ['http://192.0.2.10:6385'],
      runner,
      clock,
      logger: log.logger,
      attempts: 6,
      sleepSec: 10,
      ...overrides,
    });
  }

  it('uses advertise_host as is, running nothing', async () => {
    const result = await find({ advertiseHost: 'agent.example.com' });

    expect(result).to.deep.equal({
      host: 'agent.example.com',
      source: 'configured',
      reachableApiUrls: ['http://192.0.2.10:6385'],
    });
    expect(runner.calls).to.have.length(0);
  });

  it('takes the source address of the route to Ironic, running nothing', async () => {
    const routes = fakeRoutes({ '192.0.2.10': ['192.0.2.2'] });

    const result = await find({ routeSource: routes.find });

    expect(result).to.deep.equal({ host: '192.0.2.2', source: 'route', reachableApiUrls: ['http://192.0.2.10:6385'] });
    expect(routes.asked).to.deep.equal(['192.0.2.10']);
    expect(runner.calls).to.have.length(0);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('asks the real kernel for the route to a loopback Ironic, running no command', async () => {
    const ironic = await FakeIronic.start();
    try {
      const result = await find({
        apiUrls: [ironic.url],
        probe: createReachabilityProbe(axios.create(), 2000, log.logger),
      });

      expect(result).to.deep.equal({ host: '127.0.0.1', source: 'route', reachableApiUrls: [ironic.url] });
      expect(runner.calls).to.have.length(0);
    } finally {
      await ironic.close();
    }
  });

  it('handles IPv6 API URLs', async () => {
    const routes = fakeRoutes({ 'fd00::1': ['fd00::2'] });

    const result = await find({ apiUrls: ['https://[fd00::1]:6385'], routeSource: routes.find });

    expect(result.host).to.equal('fd00::2');
    expect(routes.asked).to.deep.equal(['fd00::1']);
  });

  it('resolves host names and tries every address', async () => {
    const routes = fakeRoutes({
      '192.0.2.11': [new Error('connect ENETUNREACH 192.0.2.11:9')],
      '192.0.2.12': ['192.0.2.40'],
    });

    const result = await find({
      apiUrls: ['http://ironic.example.com:6385'],
      resolve: async (host) => (host === 'ironic.example.com' ? ['192.0.2.11', '192.0.2.12'] : []),
      routeSource: routes.find,
    });

    expect(result.host).to.equal('192.0.2.40');
    expect(log.memory.text()).to.contain('Cannot get route to host').and.to.contain('ENETUNREACH');
  });

  it('asks about the host name itself when it cannot be resolved, and fails when the kernel cannot route it', async () => {
    const error = await find({
      apiUrls: ['http://ironic.invalid:6385'],
      resolve: async () => {
        throw new Error('ENOTFOUND');
      },
      attempts: 1,
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupAgentIPError);
    expect((error as LookupAgentIPError).details).to.match(/no usable route source towards ironic\.invalid after 1/);
    expect(log.memory.text()).to.contain('ironic.invalid is not an IP address');
  });

  it('skips link-local sources and retries ip_lookup_sleep later', async () => {
    const routes = fakeRoutes({ '192.0.2.10': ['169.254.3.4', '192.0.2.2'] });

    const result = await find({ routeSource: routes.find });

    expect(result.host).to.equal('192.0.2.2');
    expect(clock.sleeps).to.deep.equal([10_000]);
    expect(log.memory.text()).to.contain('Ignoring link-local source address');
  });

  it('throws LookupAgentIPError after ip_lookup_attempts rounds', async () => {
    const routes = fakeRoutes({ '192.0.2.10': ['fe80::1', 'fe80::1', 'fe80::1'] });

    const error = await find({ attempts: 3, sleepSec: 2, routeSource: routes.find }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupAgentIPError);
    expect((error as LookupAgentIPError).details).to.match(
      /no usable route source towards 192\.0\.2\.10 after 3 attempt\(s\); .*set advertise_host/,
    );
    expect(routes.asked).to.have.length(3);
    expect(clock.sleeps).to.deep.equal([2_000, 2_000]);
  });

  it('ignores a source that is not an IP address', async () => {
    const routes = fakeRoutes({ '192.0.2.10': ['', 'src'] });

    const error = await find({ attempts: 2, routeSource: routes.find }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupAgentIPError);
    expect(routes.asked).to.have.length(2);
    expect(log.memory.text()).to.contain('No route source to host');
  });

  it('routes only towards reachable API URLs', async () => {
    const routes = fakeRoutes({ '192.0.2.20': ['192.0.2.21'] });

    const result = await find({
      apiUrls: ['http://192.0.2.10:6385', 'http://192.0.2.20:6385'],
      probe: async (url) => url.includes('192.0.2.20'),
      routeSource: routes.find,
    });

    expect(result).to.deep.equal({ host: '192.0.2.21', source: 'route', reachableApiUrls: ['http://192.0.2.20:6385'] });
    expect(routes.asked).to.deep.equal(['192.0.2.20']);
  });

  it('still routes towards every API URL when none answers (Ironic may still be starting)', async () => {
    const routes = fakeRoutes({ '192.0.2.10': ['192.0.2.99'] });

    const result = await find({ probe: async () => false, routeSource: routes.find });

    expect(result).to.deep.equal({ host: '192.0.2.99', source: 'route', reachableApiUrls: ['http://192.0.2.10:6385'] });
    expect(clock.sleeps).to.deep.equal([]);
  });

  describe('network_interface', () => {
    it('takes the first IPv4 address of the interface', async () => {
      runner.expect({ match: ['ip', '-j', 'addr', 'show', 'dev', 'eth1'], stdout: ADDR_SHOW_ETH1 });

      const result = await find({ networkInterface: 'eth1' });

      expect(result).to.deep.include({ host: '198.51.100.7', source: 'interface' });
    });

    it('fails naming the interface when it has no IPv4 address', async () => {
      runner.expect({
        match: ['ip', '-j', 'addr', 'show', 'dev', 'eth9'],
        exitCode: 1,
        stderr: 'Device "eth9" does not exist.',
      });

      const error = await find({ networkInterface: 'eth9' }).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(LookupAgentIPError);
      expect((error as LookupAgentIPError).details).to.match(
        /interface eth9 \(network_interface\) has no IPv4 address/,
      );
    });
  });

  describe('createReachabilityProbe', () => {
    it('counts any HTTP answer as reachable and a refused connection as not', async () => {
      const ironic = await FakeIronic.start();
      try {
        ironic.handler = () => ({ status: 404, body: '' });
        const probe = createReachabilityProbe(axios.create(), 2000, log.logger);

        expect(await probe(ironic.url)).to.equal(true);
        expect(await probe(await refusedUrl())).to.equal(false);
      } finally {
        await ironic.close();
      }
    });
  });

  describe('isLinkLocal', () => {
    const cases: [string, boolean][] = [
      ['169.254.0.1', true],
      ['169.2.0.1', false],
      ['192.0.2.2', false],
      ['fe80::1', true],
      ['FEBF::1', true],
      ['fec0::1', false],
      ['fd00::2', false],
      ['::1', false],
      ['hostname', false],
    ];
    for (const [address, expected] of cases) {
      it(`${address} → ${expected}`, () => {
        expect(isLinkLocal(address)).to.equal(expected);
      });
    }
  });

  describe('callbackUrl', () => {
    const cases: ['http' | 'https', string, number, string][] = [
      ['http', '192.0.2.2', 9999, 'http://192.0.2.2:9999'],
      ['https', 'fd00::2', 9999, 'https://[fd00::2]:9999'],
      ['https', 'agent.example.com', 8443, 'https://agent.example.com:8443'],
    ];
    for (const [protocol, host, port, expected] of cases) {
      it(`${protocol} ${host} ${port} → ${expected}`, () => {
        expect(callbackUrl(protocol, host, port)).to.equal(expected);
      });
    }
  });
});
