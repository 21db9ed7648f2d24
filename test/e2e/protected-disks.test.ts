/**
 * Issue 14 §1 against a REAL, unmodified Ironic (Debian; every release of
 * ICA_IRONIC_SUITES): a manual
 * `erase_devices_metadata` clean of a disk whose protected partition the
 * kernel never registered (tables written without partx, as another host
 * sharing the disk would leave them). For every protected kind the node ends
 * `clean failed` with the agent's ProtectedDeviceError in `last_error`, and
 * the disk is byte-identical (every allocated extent of its image).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { startAgent, type RunningTestAgent } from '../../testbed/agent.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import { PROTECTED_CASES } from '../helpers/protected-disks.js';
import { contentChanges, diskDigest, partitionSpans } from './disk-digest.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { enrolManageable, stopAgents } from './support.js';

const FLOW_TIMEOUT = 180_000;
const runner = new ExecaRunner();

/** Zero the table areas at both ends, so every case starts from a blank disk. */
async function blank(device: string): Promise<void> {
  await runner.run(['partx', '-d', device], { okExitCodes: [0, 1] });
  await runner.run(['wipefs', '--all', '--force', device]);
  await runner.run(['sgdisk', '-Z', device], { okExitCodes: [0, 2] });
  await runner.run(['dd', 'if=/dev/zero', `of=${device}`, 'bs=1M', 'count=2', 'conv=fsync', 'status=none']);
}

describeEachIronic(
  'e2e: the guard refuses protected partitions the kernel never registered (real Ironic)',
  function (ironic) {
    this.timeout(1_200_000);
    let dir: string;
    let testbed: IronicTestbed;
    let node: TestNode;
    let uuid: string;
    const agents: RunningTestAgent[] = [];

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'e2e-protected-'));
      const addresses = testbedAddresses('prot', 0, process.pid);
      testbed = new IronicTestbed({ tag: 'prot', suite: ironic.suite });
      await testbed.start({
        dir: join(dir, 'ironic'),
        hostIp: addresses.hostIp,
        automatedClean: false,
        checkProvisionInterval: 5,
        heartbeatTimeout: 60,
      });
      node = await TestNode.create({ tag: 'prot', ...addresses, disksGiB: [1] });
      uuid = await enrolManageable(testbed, { name: 'prot-node', mac: node.mac });
    });

    afterEach(async function () {
      await stopAgents(agents, this.currentTest?.state === 'failed');
    });

    after(async () => {
      await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    for (const [index, c] of PROTECTED_CASES.entries()) {
      it(`${c.title}: clean failed with the protection error, the disk byte-identical`, async function () {
        if (
          c.needs !== undefined &&
          (await runner.run(['sh', '-c', 'command -v "$0"', c.needs], { okExitCodes: [0, 1, 127] })).exitCode !== 0
        )
          this.skip();
        const disk = node.disks[0]!;
        await blank(disk.device);
        await c.build(disk.device);
        const lsblk = await runner.run(['lsblk', '-n', '-o', 'NAME', disk.device]);
        expect(lsblk.stdout.trim().split('\n'), 'the kernel lists no partition').to.have.length(1);
        const before = await diskDigest(disk);
        agents.push(
          await startAgent(node, { apiUrl: testbed.url, dir: join(dir, `case-${index}`), logName: `case-${index}` }),
        );

        const cli = await testbed.baremetal([
          'node',
          'clean',
          uuid,
          '--clean-steps',
          JSON.stringify([{ interface: 'deploy', step: 'erase_devices_metadata' }]),
        ]);
        const failed = await testbed.waitForProvisionState(uuid, ['clean failed'], FLOW_TIMEOUT);

        expect(cli.exitCode, cli.stderr).to.equal(0);
        expect(failed.last_error).to.contain('Clean step deploy.erase_devices_metadata failed');
        expect(failed.last_error).to.match(c.what);
        expect(contentChanges(before, await diskDigest(disk), partitionSpans(disk.device))).to.deep.equal([]);
        // A failed clean puts the node in maintenance; lookup refuses such nodes.
        await testbed.baremetal(['node', 'maintenance', 'unset', uuid]);
        await testbed.setProvisionState(uuid, 'manage');
        await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
      });
    }
  },
);
