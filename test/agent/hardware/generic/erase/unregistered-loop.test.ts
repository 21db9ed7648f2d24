/**
 * Real disks: the shared-storage guard on loop disks whose partitions the
 * kernel has NOT registered (partitioned without `partx -a`; this kernel does
 * not scan partitions, as a shared SAN disk repartitioned by another host
 * after boot looks). lsblk shows no children and `blkid -p` of the disk shows
 * only the table type, so only the disk's own tables can tell. For every
 * protected kind, erase_devices_metadata and erase_devices refuse and the disk
 * stays byte-identical; an ordinary unregistered table is still wiped.
 * Needs root, util-linux, gdisk, fdisk; gfs2-utils for the gfs2 case.
 */
import { expect } from 'chai';
import { open } from 'node:fs/promises';
import { createSystemClock } from '../../../../../common/clock.js';
import { ExecaRunner } from '../../../../../common/exec/execa-runner.js';
import { NodeFs } from '../../../../../common/fs/node-fs.js';
import { ProtectedDeviceError } from '../../../../../common/errors.js';
import { eraseDevicesMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import { NodeDiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../../agent/hardware/generic/erase/protected.js';
import { eraseDevices } from '../../../../../agent/hardware/generic/erase/secure-erase.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { LoopDisks, missingTools, sh, sha256, type LoopDisk } from './loop-disks.js';
import { disk, node } from './support.js';
import { PROTECTED_CASES, type ProtectedCase } from '../../../../helpers/protected-disks.js';

const TOOLS = ['losetup', 'sgdisk', 'sfdisk', 'wipefs', 'blkid', 'blockdev', 'lsblk', 'fuser', 'dd', 'mkfs.ext4'];
/** Real disks: the real filesystem and clock, as the agent's composition root passes them. */
const fs = new NodeFs();
const clock = createSystemClock();
const runner = new ExecaRunner();

describe('erase/protected: partitions the kernel has not registered, on real loop disks', function () {
  this.timeout(300_000);
  const loops = new LoopDisks();

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    const missing = await missingTools(TOOLS);
    if (missing.length > 0)
      throw new Error(
        `Real-disk guard tests need: ${missing.join(', ')} (install util-linux, gdisk, fdisk, psmisc, e2fsprogs)`,
      );
  });

  after(async () => {
    await loops.detachAll();
  });

  function guardFor(logger: ReturnType<typeof createTestLogger>['logger']) {
    return createSafetyCheck({ runner, logger, disk: new NodeDiskReader(), enabled: true });
  }

  async function unregistered(c: ProtectedCase, index: number): Promise<LoopDisk> {
    const loop = await loops.create(`unreg${index}`, c.sizeMiB);
    await c.build(loop.device);
    expect(
      (await sh('lsblk', '-n', '-o', 'NAME', loop.device)).trim().split('\n'),
      'no partitions registered',
    ).to.have.length(1);
    return loop;
  }

  for (const [index, c] of PROTECTED_CASES.entries()) {
    it(`refuses ${c.title} (erase_devices_metadata and erase_devices), the disk byte-identical`, async function () {
      if (c.needs !== undefined && (await missingTools([c.needs])).length > 0) this.skip();
      const loop = await unregistered(c, index);
      const before = await sha256(loop.file);
      const { logger } = createTestLogger();
      const guard = guardFor(logger);
      const devices = [disk(loop.device)];

      const metadata = await eraseDevicesMetadata({ runner, logger, fs, clock, guard, node: node(), devices }).then(
        () => null,
        (e: unknown) => e,
      );
      const secure = await eraseDevices({ runner, logger, fs, clock, guard, node: node(), devices }).then(
        () => null,
        (e: unknown) => e,
      );

      for (const error of [metadata, secure]) {
        expect(error).to.be.instanceOf(ProtectedDeviceError);
        expect((error as ProtectedDeviceError).details).to.match(c.what);
      }
      expect(await sha256(loop.file)).to.equal(before);
    });
  }

  it('sees a whole-disk gfs2 another path to the same storage wrote after this host cached the disk', async function () {
    if ((await missingTools(['mkfs.gfs2'])).length > 0) this.skip();
    const loop = await loops.create('cached', 96);
    // Held open and read, as multipathd or a monitoring agent would: the zeros stay in this host's cache.
    const held = await open(loop.device, 'r');
    try {
      await held.read(Buffer.alloc(4 * 1024 * 1024), 0, 4 * 1024 * 1024, 0);
      const otherPath = (await sh('losetup', '--find', '--show', loop.file)).trim();
      try {
        await sh('mkfs.gfs2', '-O', '-q', '-o', 'format=1801', '-p', 'lock_nolock', '-J', '8', otherPath);
      } finally {
        await sh('losetup', '-d', otherPath);
      }
      const stale = await runner.run(['blkid', '-p', '-o', 'export', loop.device], { okExitCodes: [0, 2] });
      if (stale.exitCode !== 2) this.skip(); // the kernel dropped the cache by itself: the case cannot be built here
      const before = await sha256(loop.file);
      const { logger } = createTestLogger();

      const error = await eraseDevicesMetadata({
        runner,
        logger,
        fs,
        clock,
        guard: guardFor(logger),
        node: node(),
        devices: [disk(loop.device)],
      }).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(ProtectedDeviceError);
      expect((error as ProtectedDeviceError).details).to.include(
        `Protected Red Hat Global File System 2 located on device ${loop.device}.`,
      );
      expect(await sha256(loop.file)).to.equal(before);
    } finally {
      await held.close();
    }
  });

  it('still wipes an ordinary unregistered GPT (ext4 inside), so the guard does not over-refuse', async () => {
    const loop = await loops.create('plain', 64);
    await sh('sgdisk', '-n1:2048:+16M', '-t1:8300', '-c1:data', loop.device);
    const { logger } = createTestLogger();

    await eraseDevicesMetadata({
      runner,
      logger,
      fs,
      clock,
      guard: guardFor(logger),
      node: node(),
      devices: [disk(loop.device)],
    });

    const table = await runner.run(['sfdisk', '-d', loop.device], { okExitCodes: [0, 1] });
    expect(table.stdout).not.to.include('type=');
  });
});
