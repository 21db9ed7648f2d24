import { expect } from 'chai';
import { waitForDhcp } from '../../../agent/lifecycle/dhcp-wait.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { createTestLogger } from '../../helpers/logger.js';

const link = (ifname: string, address: string, ipv4?: string) => ({
  ifname,
  address,
  addr_info: ipv4 === undefined ? [] : [{ family: 'inet', local: ipv4, scope: 'global' }],
});
const ip = (...links: unknown[]) => ({ match: ['ip', '-j', 'addr'], stdout: JSON.stringify(links) });

describe('lifecycle/dhcp-wait', () => {
  const { logger } = createTestLogger();

  it('waits until the PXE interface has an IPv4 address', async () => {
    const runner = new FakeRunner().expect(
      ip(link('eth0', '52:54:00:aa:bb:cc'), link('eth1', '52:54:00:00:00:01', '10.0.0.9')),
      ip(link('eth0', '52:54:00:aa:bb:cc', '192.0.2.10')),
    );
    const clock = new FakeClock({ auto: true });

    const ok = await waitForDhcp({
      runner,
      clock,
      logger,
      timeoutSec: 60,
      allInterfaces: false,
      pxeMac: '52:54:00:aa:bb:cc',
    });

    expect(ok).to.equal(true);
    expect(clock.sleeps).to.deep.equal([1000]);
  });

  it('with all interfaces, waits for every NIC and gives up after the timeout without failing', async () => {
    const runner = new FakeRunner().expect({
      ...ip(
        link('lo', '00:00:00:00:00:00', '127.0.0.1'),
        link('eth0', '52:54:00:aa:bb:cc', '192.0.2.10'),
        link('eth1', '52:54:00:00:00:01'),
      ),
      repeat: true,
    });
    const clock = new FakeClock({ auto: true });

    const ok = await waitForDhcp({
      runner,
      clock,
      logger,
      timeoutSec: 5,
      allInterfaces: true,
      pxeMac: null,
      intervalMs: 1000,
    });

    expect(ok).to.equal(false);
    expect(clock.sleeps).to.have.length(5);
  });

  it('does not wait without BOOTIF unless all interfaces are asked for, nor with a zero timeout', async () => {
    const runner = new FakeRunner();

    expect(
      await waitForDhcp({
        runner,
        clock: new FakeClock({ auto: true }),
        logger,
        timeoutSec: 60,
        allInterfaces: false,
        pxeMac: null,
      }),
    ).to.equal(true);
    expect(
      await waitForDhcp({
        runner,
        clock: new FakeClock({ auto: true }),
        logger,
        timeoutSec: 0,
        allInterfaces: true,
        pxeMac: null,
      }),
    ).to.equal(true);
    expect(runner.calls).to.have.length(0);
  });
});
