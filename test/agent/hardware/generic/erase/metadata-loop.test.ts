/**
 * Real disks: eraseDevicesMetadata and the protected-filesystem guard with the
 * real ExecaRunner on sparse loop disks (needs root and util-linux, gdisk,
 * e2fsprogs, dosfstools; gfs2-utils for the gfs2 case).
 */
import { expect } from 'chai';
import { createSystemClock } from '../../../../../common/clock.js';
import { ExecaRunner } from '../../../../../common/exec/execa-runner.js';
import { NodeFs } from '../../../../../common/fs/node-fs.js';
import { ProtectedDeviceError } from '../../../../../common/errors.js';
import { eraseDevicesMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import { NodeDiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../../agent/hardware/generic/erase/protected.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { allZero, LoopDisks, missingTools, readBytes, sh, sha256, type LoopDisk } from './loop-disks.js';
import { disk, node } from './support.js';

const TOOLS = [
  'losetup',
  'partx',
  'sgdisk',
  'sfdisk',
  'wipefs',
  'blkid',
  'blockdev',
  'lsblk',
  'fuser',
  'dd',
  'mkfs.ext4',
  'mkfs.vfat',
];
/** Real disks: the real filesystem and clock, as the agent's composition root passes them. */
const fs = new NodeFs();
const clock = createSystemClock();

/** `blkid -p` of a device: its exit code and output (2 = nothing found). */
async function probe(device: string): Promise<{ exitCode: number | null; stdout: string }> {
  const result = await new ExecaRunner().run(['blkid', '-p', '-o', 'export', device], { okExitCodes: [0, 2] });
  return { exitCode: result.exitCode, stdout: result.stdout };
}

/** Signature types `wipefs --no-act --json` still finds on a device. */
async function signatures(device: string): Promise<string[]> {
  const text = (await sh('wipefs', '--no-act', '--json', device)).trim();
  if (text === '') return [];
  return (JSON.parse(text) as { signatures: { type: string }[] }).signatures.map((s) => s.type);
}

async function skipUnlessRunnable(context: Mocha.Context): Promise<void> {
  if (process.getuid?.() !== 0) context.skip();
  const missing = await missingTools(TOOLS);
  if (missing.length > 0)
    throw new Error(
      `Real-disk erase tests need: ${missing.join(', ')} (install util-linux, gdisk, fdisk, psmisc, e2fsprogs, dosfstools)`,
    );
}

describe('erase/metadata on real loop disks', function () {
  this.timeout(180_000);
  const loops = new LoopDisks();
  let gpt: LoopDisk;
  let gptParts: string[];
  let mbr: LoopDisk;
  let mbrParts: string[];

  before(async function () {
    await skipUnlessRunnable(this);
    gpt = await loops.create('gpt512', 64);
    await sh('sgdisk', '-n1:2048:+20M', '-t1:8300', '-n2:0:+20M', '-t2:0700', gpt.device);
    gptParts = await loops.addPartitions(gpt, 2);
    await sh('mkfs.ext4', '-q', '-F', '-E', 'nodiscard', gptParts[0] ?? '');
    await sh('mkfs.vfat', gptParts[1] ?? '');
    mbr = await loops.create('mbr4k', 64, 4096);
    await new ExecaRunner().run(['sfdisk', '-q', '--no-reread', '--no-tell-kernel', mbr.device], {
      input: 'label: dos\nstart=256, size=8192, type=83\n',
    });
    mbrParts = await loops.addPartitions(mbr, 1);
    await sh('mkfs.vfat', mbrParts[0] ?? '');
  });

  after(async () => {
    await loops.detachAll();
  });

  it('starts from disks that really carry tables and signatures', async () => {
    expect((await probe(gpt.device)).stdout).to.include('PTTYPE=gpt');
    expect((await probe(gptParts[0] ?? '')).stdout).to.include('TYPE=ext4');
    expect((await probe(gptParts[1] ?? '')).stdout).to.include('TYPE=vfat');
    expect((await probe(mbr.device)).stdout).to.include('PTTYPE=dos');
    expect((await probe(mbrParts[0] ?? '')).stdout).to.include('TYPE=vfat');
    expect(await signatures(gpt.device))
      .to.include('gpt')
      .and.include('PMBR');
    expect((await readBytes(gpt.file, 512, 8)).toString('latin1')).to.equal('EFI PART');
    expect((await readBytes(gpt.file, -512, 8)).toString('latin1')).to.equal('EFI PART');
    expect((await readBytes(mbr.file, 510, 2)).toString('hex')).to.equal('55aa');
  });

  it('removes partition tables (primary and backup GPT) and filesystem signatures', async () => {
    const { logger } = createTestLogger();
    const runner = new ExecaRunner();
    const guard = createSafetyCheck({ runner, logger, enabled: true, disk: new NodeDiskReader() });
    const devices = [disk(gpt.device, gptParts), disk(mbr.device, mbrParts, { logical_sectors: 4096 })];

    await eraseDevicesMetadata({ runner, logger, fs, clock, guard, node: node(), devices });

    for (const device of [gpt.device, ...gptParts, mbr.device, ...mbrParts]) {
      expect(await probe(device), device).to.deep.equal({ exitCode: 2, stdout: '' });
      expect(await signatures(device), device).to.deep.equal([]);
    }
    expect(allZero(await readBytes(gpt.file, 0, 34 * 512)), 'protective MBR + primary GPT').to.equal(true);
    expect(allZero(await readBytes(gpt.file, -33 * 512, 33 * 512)), 'backup GPT').to.equal(true);
    expect(allZero(await readBytes(mbr.file, 0, 5 * 4096)), 'MBR and 4 KiB-sector GPT area').to.equal(true);
    expect(allZero(await readBytes(mbr.file, -5 * 4096, 5 * 4096)), 'end of the 4 KiB-sector disk').to.equal(true);
    const table = await sh('sgdisk', '-p', gpt.device);
    expect(table).to.match(/Number\s+Start \(sector\)/);
    expect(table.split(/Number\s+Start \(sector\).*\n/)[1]?.trim()).to.equal('');
  });
});

describe('erase/protected on real loop disks', function () {
  this.timeout(180_000);
  const loops = new LoopDisks();
  let shared: LoopDisk;
  let parts: string[];
  let hasGfs2 = false;

  before(async function () {
    await skipUnlessRunnable(this);
    hasGfs2 = (await missingTools(['mkfs.gfs2'])).length === 0;
    shared = await loops.create('shared', 96);
    // p1: a gfs2 filesystem (libblkid skips gfs2 below 32 MiB); p2: the VMFS GPT type GUID.
    await sh(
      'sgdisk',
      '-n1:2048:+48M',
      '-t1:8300',
      '-n2:0:+8M',
      '-t2:AA31E02A-400F-11DB-9590-000C2911D1B8',
      shared.device,
    );
    parts = await loops.addPartitions(shared, 2);
    // Format 1801: the on-disk format the libblkid of Debian 12 recognises.
    if (hasGfs2) await sh('mkfs.gfs2', '-O', '-q', '-o', 'format=1801', '-p', 'lock_nolock', '-J', '8', parts[0] ?? '');
  });

  after(async () => {
    await loops.detachAll();
  });

  async function refused(devices: ReturnType<typeof disk>[]): Promise<unknown> {
    const { logger } = createTestLogger();
    const runner = new ExecaRunner();
    return eraseDevicesMetadata({
      runner,
      logger,
      fs,
      clock,
      guard: createSafetyCheck({ runner, logger, enabled: true, disk: new NodeDiskReader() }),
      node: node(),
      devices,
    }).then(
      () => null,
      (e: unknown) => e,
    );
  }

  it('refuses a gfs2 partition and leaves the disk untouched', async function () {
    if (!hasGfs2) this.skip();
    expect((await probe(parts[0] ?? '')).stdout).to.include('TYPE=gfs2');
    const before = await sha256(shared.file);

    const error = await refused([disk(shared.device, [parts[0] ?? ''])]);

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect((error as ProtectedDeviceError).details).to.include(
      `Protected Red Hat Global File System 2 located on device ${parts[0] ?? ''}`,
    );
    expect(await sha256(shared.file)).to.equal(before);
  });

  it('refuses a VMFS-typed GPT partition and leaves the disk untouched', async () => {
    expect((await probe(parts[1] ?? '')).stdout).to.include('PART_ENTRY_TYPE=aa31e02a-400f-11db-9590-000c2911d1b8');
    const before = await sha256(shared.file);

    const error = await refused([disk(shared.device, [parts[1] ?? ''])]);

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect((error as ProtectedDeviceError).details).to.include(
      `Protected VMware VMFS Partition (GPT) located on device ${parts[1] ?? ''}`,
    );
    expect(await sha256(shared.file)).to.equal(before);
  });

  it('refuses the whole disk for what its partitions hold, even when they are not listed', async () => {
    const before = await sha256(shared.file);

    const error = await refused([disk(shared.device)]);

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    const expected = hasGfs2
      ? `Red Hat Global File System 2 located on device ${parts[0] ?? ''}`
      : `VMware VMFS Partition (GPT) located on device ${parts[1] ?? ''}`;
    expect((error as ProtectedDeviceError).details).to.include(`Protected ${expected}`);
    expect(await sha256(shared.file)).to.equal(before);
  });

  it('wipes the same disk once the node opts out of the guard', async () => {
    const { logger } = createTestLogger();
    const runner = new ExecaRunner();
    const optOut = node({ wipe_special_filesystems: false });

    await eraseDevicesMetadata({
      runner,
      logger,
      fs,
      clock,
      guard: createSafetyCheck({ runner, logger, enabled: true, disk: new NodeDiskReader() }),
      node: optOut,
      devices: [disk(shared.device, parts)],
    });

    expect(await probe(shared.device)).to.deep.equal({ exitCode: 2, stdout: '' });
    expect(await probe(parts[0] ?? '')).to.deep.equal({ exitCode: 2, stdout: '' });
  });
});
