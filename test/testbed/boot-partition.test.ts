import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { findBootPartition, readBootFile } from '../../testbed/boot-partition.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../testbed/loop-disks.js';

describe('testbed/boot-partition (real loop disk)', function () {
  this.timeout(60_000);
  const runner = new ExecaRunner();
  let dir: string;
  let disk: LoopDisk | undefined;

  before(async function () {
    if (testbedUnavailableReason() !== undefined) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'dep-bootpart-'));
    disk = await attachLoopDisk(runner, dir, 0, 1);
    await runner.run(['sgdisk', '-n', '1:0:+16M', '-c', '1:one', '-n', '2:0:+16M', '-c', '2:two', disk.device]);
    await runner.run(['partx', '-a', disk.device]);
  });
  after(async () => {
    if (disk !== undefined) await detachLoopDisk(runner, disk);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('names the partitions it saw when none is labelled boot', async () => {
    const name = disk!.name;

    const error = await findBootPartition(disk!.device).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(error?.message).to.equal(
      `${disk!.device} has no filesystem labelled "boot" among its partitions ${name}p1, ${name}p2`,
    );
  });

  it('reads a file and the modes of the file and its directory from the boot filesystem', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'ignition'), { recursive: true });
    writeFileSync(join(tree, 'ignition', 'config.ign'), '{"ignition":{"version":"3.4.0"}}\n');
    chmodSync(join(tree, 'ignition'), 0o700);
    chmodSync(join(tree, 'ignition', 'config.ign'), 0o640);
    await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'boot', '-d', tree, `${disk!.device}p2`]);

    const file = await readBootFile(disk!.device, '/ignition/config.ign');
    const missing = await readBootFile(disk!.device, '/ignition/nope.ign').then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(file).to.deep.equal({
      partition: `${disk!.device}p2`,
      text: '{"ignition":{"version":"3.4.0"}}\n',
      mode: 0o640,
      dirMode: 0o700,
    });
    expect(missing?.message).to.match(/nope\.ign: File not found by ext2_lookup/);
  });

  it('refuses a disk with two boot filesystems', async () => {
    await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'boot', `${disk!.device}p1`]);

    const error = await findBootPartition(disk!.device).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(error?.message).to.equal(
      `${disk!.device} has 2 filesystems (${disk!.device}p1, ${disk!.device}p2) labelled "boot" among its partitions ${disk!.name}p1, ${disk!.name}p2`,
    );
  });
});
