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
import { ExecaRunner } from '../../../../../agent/exec/execa-runner.js';
import { ProtectedDeviceError } from '../../../../../agent/errors.js';
import { eraseDevicesMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import { NodeDiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../../agent/hardware/generic/erase/protected.js';
import { eraseDevices } from '../../../../../agent/hardware/generic/erase/secure-erase.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { LoopDisks, missingTools, sh, sha256, type LoopDisk } from './loop-disks.js';
import { disk, node } from './support.js';

const TOOLS = ['losetup', 'sgdisk', 'sfdisk', 'wipefs', 'blkid', 'blockdev', 'lsblk', 'fuser', 'dd', 'mkfs.ext4'];
const VMFS_GUID = 'AA31E02A-400F-11DB-9590-000C2911D1B8';
const GPFS_GUID = '37AFFC90-EF7D-4E96-91C3-2D7AE055B174';
const runner = new ExecaRunner();

/** sfdisk writing only the table: no re-read, nothing told to the kernel. */
async function sfdisk(device: string, script: string): Promise<void> {
  await runner.run(['sfdisk', '-q', '--no-reread', '--no-tell-kernel', device], { input: script });
}

/** mkfs.gfs2 at a byte offset of `device`, through a temporary loop device over that region. */
async function gfs2At(device: string, offset: number, size: number): Promise<void> {
  const region = (await sh('losetup', '--find', '--show', '--offset', String(offset), '--sizelimit', String(size), device)).trim();
  try {
    await sh('mkfs.gfs2', '-O', '-q', '-o', 'format=1801', '-p', 'lock_nolock', '-J', '8', region);
  } finally {
    await sh('losetup', '-d', region);
  }
}

interface Case {
  title: string;
  sizeMiB: number;
  needs?: string;
  /** Writes the table (and contents) WITHOUT telling the kernel. */
  build: (device: string) => Promise<void>;
  /** What the refusal names. */
  what: RegExp;
}

const CASES: Case[] = [
  { title: 'a VMFS-typed GPT partition', sizeMiB: 64, build: (d) => sh('sgdisk', '-n1:2048:+16M', `-t1:${VMFS_GUID}`, d).then(() => undefined), what: /VMware VMFS Partition \(GPT\) located on device \/dev\/loop\d+ \(partition 1 of its primary GPT at byte 1048576/ },
  { title: 'a GPFS-typed GPT partition', sizeMiB: 64, build: (d) => sh('sgdisk', '-n1:2048:+8M', '-t1:8300', '-n2:0:+8M', `-t2:${GPFS_GUID}`, d).then(() => undefined), what: /IBM GPFS Partition located on device \/dev\/loop\d+ \(partition 2 of its primary GPT/ },
  { title: 'an MBR partition of type 0xfb', sizeMiB: 64, build: (d) => sfdisk(d, 'label: dos\nstart=2048, size=16384, type=fb\n'), what: /VMware VMFS Partition \(MBR\) located on device \/dev\/loop\d+ \(partition 1 of its MBR/ },
  {
    title: 'a logical 0xfb partition inside an extended partition',
    sizeMiB: 64,
    build: (d) => sfdisk(d, 'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=40960, type=5\nstart=14336, size=8192, type=83\nstart=24576, size=8192, type=fb\n'),
    what: /VMware VMFS Partition \(MBR\) located on device \/dev\/loop\d+ \(partition 6 of its extended \(EBR\)/,
  },
  {
    title: 'a VMFS entry only the backup GPT still holds (primary header destroyed)',
    sizeMiB: 64,
    build: async (d) => {
      await sh('sgdisk', '-n1:2048:+16M', `-t1:${VMFS_GUID}`, d);
      await sh('dd', 'if=/dev/zero', `of=${d}`, 'bs=512', 'seek=1', 'count=33', 'conv=notrunc,fsync', 'status=none');
    },
    what: /VMware VMFS Partition \(GPT\) located on device \/dev\/loop\d+ \(partition 1 of its backup GPT/,
  },
  { title: 'a GPT partition named as a GPFS disk', sizeMiB: 64, build: (d) => sh('sgdisk', '-n1:2048:+16M', '-t1:8300', '-c1:GPFS NSD', d).then(() => undefined), what: /IBM GPFS Partition \(by name\) located on device/ },
  {
    title: 'a gfs2 filesystem in a Linux-typed partition',
    sizeMiB: 96,
    needs: 'mkfs.gfs2',
    build: async (d) => {
      await sh('sgdisk', '-n1:2048:+48M', '-t1:8300', d);
      await gfs2At(d, 2048 * 512, 48 * 1024 * 1024);
    },
    what: /Red Hat Global File System 2 located on device \/dev\/loop\d+ \(partition 1 of its primary GPT/,
  },
];

describe('erase/protected: partitions the kernel has not registered, on real loop disks', function () {
  this.timeout(300_000);
  const loops = new LoopDisks();

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    const missing = await missingTools(TOOLS);
    if (missing.length > 0) throw new Error(`Real-disk guard tests need: ${missing.join(', ')} (install util-linux, gdisk, fdisk, psmisc, e2fsprogs)`);
  });

  after(async () => {
    await loops.detachAll();
  });

  function guardFor(logger: ReturnType<typeof createTestLogger>['logger']) {
    return createSafetyCheck({ runner, logger, disk: new NodeDiskReader(), enabled: true });
  }

  async function unregistered(c: Case, index: number): Promise<LoopDisk> {
    const loop = await loops.create(`unreg${index}`, c.sizeMiB);
    await c.build(loop.device);
    expect((await sh('lsblk', '-n', '-o', 'NAME', loop.device)).trim().split('\n'), 'no partitions registered').to.have.length(1);
    return loop;
  }

  for (const [index, c] of CASES.entries()) {
    it(`refuses ${c.title} (erase_devices_metadata and erase_devices), the disk byte-identical`, async function () {
      if (c.needs !== undefined && (await missingTools([c.needs])).length > 0) this.skip();
      const loop = await unregistered(c, index);
      const before = await sha256(loop.file);
      const { logger } = createTestLogger();
      const guard = guardFor(logger);
      const devices = [disk(loop.device)];

      const metadata = await eraseDevicesMetadata({ runner, logger, guard, node: node(), devices }).then(() => null, (e: unknown) => e);
      const secure = await eraseDevices({ runner, logger, guard, node: node(), devices }).then(() => null, (e: unknown) => e);

      for (const error of [metadata, secure]) {
        expect(error).to.be.instanceOf(ProtectedDeviceError);
        expect((error as ProtectedDeviceError).details).to.match(c.what);
      }
      expect(await sha256(loop.file)).to.equal(before);
    });
  }

  it('still wipes an ordinary unregistered GPT (ext4 inside), so the guard does not over-refuse', async () => {
    const loop = await loops.create('plain', 64);
    await sh('sgdisk', '-n1:2048:+16M', '-t1:8300', '-c1:data', loop.device);
    const { logger } = createTestLogger();

    await eraseDevicesMetadata({ runner, logger, guard: guardFor(logger), node: node(), devices: [disk(loop.device)] });

    const table = await runner.run(['sfdisk', '-d', loop.device], { okExitCodes: [0, 1] });
    expect(table.stdout).not.to.include('type=');
  });
});
