/**
 * TestNode set-up and tear-down: validation before side effects, cleanup after
 * a half-way failure, idempotent destroy. Needs root; skipped otherwise.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { Runner } from '../../common/exec/runner.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { TestNode } from '../../testbed/node.js';

describe('testbed/node lifecycle', function () {
  this.timeout(60_000);

  before(function () {
    const reason = testbedUnavailableReason();
    if (reason !== undefined) {
      console.warn(`    skipping the test node lifecycle suite: ${reason}`);
      this.skip();
    }
  });

  it('destroy() removes the namespace, the veth, the loop devices and the images, and is idempotent', async () => {
    const addresses = testbedAddresses('tb', 2, process.pid);
    const node = await TestNode.create({ tag: 'tb', ...addresses, disksGiB: [1] });
    const disk = node.disks[0];
    const agent = await node.spawnAgent(['sleep', '600'], { logName: 'sleeper' });

    await node.destroy();
    await node.destroy();

    expect(agent.running).to.equal(false);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).to.not.contain(node.namespace);
    expect(execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' })).to.not.contain(node.names.hostIf);
    expect(execFileSync('losetup', ['-l', '-n', '-O', 'BACK-FILE'], { encoding: 'utf8' })).to.not.contain(
      disk?.image ?? '<none>',
    );
    await expectRejected(() => node.exec(['true']), /was destroyed/);
  });

  it('create() validates before touching anything and names what is wrong', async () => {
    const addresses = testbedAddresses('tb', 3, process.pid);
    const before = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

    await expectRejected(
      () => TestNode.create({ tag: 'tb', ...addresses, mac: '01:00:5e:00:00:01', disksGiB: [1] }),
      /multicast/,
    );
    await expectRejected(
      () => TestNode.create({ tag: 'tb', ...addresses, disksGiB: [0] }),
      /Invalid test disk size 0 GiB/,
    );
    await expectRejected(() => TestNode.create({ tag: 'TB', ...addresses, disksGiB: [1] }), /Invalid test bed tag/);

    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).to.equal(before);
  });

  it('create() refuses a node address that is already in use', async () => {
    const addresses = testbedAddresses('tb', 4, process.pid);
    const first = await TestNode.create({ tag: 'tb', ...addresses, disksGiB: [] });
    try {
      await expectRejected(
        () => TestNode.create({ tag: 'tb', ...addresses, disksGiB: [1] }),
        /already configured or routed on this host/,
      );
    } finally {
      await first.destroy();
    }
  });

  it('create() removes the namespace, veth and images again when a step fails half-way', async () => {
    const addresses = testbedAddresses('tb', 5, process.pid);
    const dir = mkdtempSync(join(tmpdir(), 'tb-halfway-'));
    const real = new ExecaRunner();
    const runner: Runner = {
      run: (argv, options) =>
        argv[0] === 'losetup' && argv.includes('--find')
          ? Promise.reject(new Error('injected: no loop device'))
          : real.run(argv, options),
    };
    // Only this suite's namespaces: other test beds on the machine may come and go meanwhile.
    const ours = (): string[] =>
      execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.startsWith('tb-'));
    const namespacesBefore = ours();

    try {
      await expectRejected(
        () => TestNode.create({ tag: 'tb', ...addresses, disksGiB: [1], dir, runner }),
        /Cannot attach .*disk0\.img to a loop device/,
      );

      expect(ours()).to.deep.equal(namespacesBefore);
      expect(execFileSync('ip', ['-br', 'addr'], { encoding: 'utf8' })).to.not.contain(`${addresses.hostIp}/32`);
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function expectRejected(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await fn();
  } catch (error) {
    expect(String(error instanceof Error ? error.message : error)).to.match(message);
    return;
  }
  expect.fail(`expected a rejection matching ${String(message)}`);
}
