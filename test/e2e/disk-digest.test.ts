import { expect } from 'chai';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../testbed/loop-disks.js';
import { diskDigest } from './disk-digest.js';

const MIB = 1024 * 1024;

describe('e2e/disk-digest (sparse loop disk)', function () {
  this.timeout(60_000);
  const runner = new ExecaRunner();
  let dir: string;
  let disk: LoopDisk | undefined;

  before(async function () {
    if (testbedUnavailableReason() !== undefined) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'dep-digest-'));
    disk = await attachLoopDisk(runner, dir, 0, 2);
  });
  after(async () => {
    if (disk !== undefined) await detachLoopDisk(runner, disk);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Write through the loop device (as the agent and the installer do). */
  const write = (offset: number, bytes: Buffer): void => {
    const fd = openSync(disk!.device, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, offset);
    } finally {
      closeSync(fd);
    }
  };

  it('is stable across reads and changes with every write, even of zeros into a hole, and with a discard', async () => {
    const empty = await diskDigest(disk!);
    const fd = openSync(disk!.device, 'r');
    readSync(fd, Buffer.alloc(MIB), 0, MIB, 0);
    closeSync(fd);
    const afterRead = await diskDigest(disk!);
    write(MIB, Buffer.from('previous life'));
    const data = await diskDigest(disk!);
    write(2 * 1024 * MIB - 4096, Buffer.alloc(4096));
    const zeros = await diskDigest(disk!);
    await runner.run(['fallocate', '--punch-hole', '--offset', String(MIB), '--length', '4096', disk!.image]);
    const discarded = await diskDigest(disk!);

    expect(empty.allocated).to.equal(0);
    expect(afterRead.sha256).to.equal(empty.sha256);
    expect(data.allocated).to.be.greaterThan(0);
    expect(new Set([empty.sha256, data.sha256, zeros.sha256, discarded.sha256]).size).to.equal(4);
    expect(zeros.allocated).to.be.greaterThan(data.allocated);
  });
});
