import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCoreosSysroot, sysrootUnavailableReason, type CoreosSysroot } from '../../testbed/ostree-sysroot.js';
import { NODE_SYSROOT } from '../../testbed/ssh-node-files.js';
import { SshNode } from '../../testbed/ssh-node.js';
import { fleetClient, run, type FleetClient } from '../helpers/fleet-ssh.js';

describe('testbed/ssh-node (a real sshd in a node namespace)', function () {
  this.timeout(120_000);
  let dir: string;
  let sysroot: CoreosSysroot | undefined;
  let node: SshNode | undefined;
  let client: FleetClient;

  before(async function () {
    const reason =
      sysrootUnavailableReason() ??
      (existsSync('/usr/sbin/sshd') ? undefined : 'no /usr/sbin/sshd: apt-get install openssh-server');
    if (reason !== undefined) {
      console.log(`      (skipping: ${reason})`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ssh-node-'));
    client = await fleetClient(dir);
    sysroot = await buildCoreosSysroot();
    node = await SshNode.create({
      name: 'n1',
      tag: 'sshnt',
      index: 1,
      salt: process.pid,
      sysroot: sysroot.sysroot,
      authorizedKey: client.publicKey,
    });
  });

  after(async () => {
    await node?.destroy();
    await sysroot?.cleanup();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function onNode(command: string): Promise<string> {
    const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-i', client.key];
    const result = await run([...ssh, `root@${node!.address}`, command], client.home);
    expect(result.code, result.stderr).to.equal(0);
    return result.stdout;
  }

  it("a session sees the node's sysroot at the fixed path, its own boot id, and the node's variables", async () => {
    const out = await onNode(
      `ls ${NODE_SYSROOT}; cat /proc/sys/kernel/random/boot_id; echo "$ICA_TESTBED_NODE_NAME $ICA_TESTBED_NODE_DIR"`,
    );

    expect(out.split('\n')).to.include.members(['boot', 'ostree', node!.bootId, `n1 ${node!.dir}`]);
  });

  it('a key the node does not authorize is refused', async () => {
    const other = await fleetClient(join(dir, 'other'));
    const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-i', other.key];

    const result = await run([...ssh, `root@${node!.address}`, 'true'], client.home);

    expect(result.code).to.equal(255);
    expect(result.stderr).to.match(/Permission denied/);
  });

  it("the reboot double boots the default deployment: a new boot id and its BLS options as the node's command line", async () => {
    const before = node!.bootId;

    const outcome = await node!.reboot();

    const out = await onNode('cat /proc/cmdline /proc/sys/kernel/random/boot_id');
    expect(out.split('\n').slice(0, 2)).to.deep.equal([outcome.cmdline, outcome.bootId]);
    expect(outcome.bootId).to.not.equal(before);
    expect(outcome.deployment).to.equal(sysroot!.deployment);
    expect(outcome.cmdline).to.match(/ ostree=\/ostree\/boot\.\d\/fedora-coreos\/\w+\/0$/);
    expect(outcome.units, 'nothing reprovisioned: no unit of the product to run').to.deep.equal([]);
  });

  it('stopped, its sshd no longer answers (ssh exits 255)', async () => {
    await node!.stopSshd();

    const result = await run(
      ['ssh', '-o', 'BatchMode=yes', '-i', client.key, `root@${node!.address}`, 'true'],
      client.home,
    );

    expect(result.code).to.equal(255);
    await node!.startSshd();
    expect(await onNode('echo back')).to.equal('back\n');
  });
});
