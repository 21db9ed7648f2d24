/**
 * Real disks: the fast zap (zap.ts) leaves byte for byte what IPA's
 * `sgdisk -Z` leaves. Each case builds one disk image, attaches two sparse
 * copies, erases one with `zap: 'sgdisk'` (IPA's sequence) and the other with
 * the default, and compares the digests of the two images (test/e2e/disk-digest.ts).
 * Needs root, util-linux, gdisk, fdisk, psmisc, e2fsprogs, dosfstools and python3.
 */
import { expect } from 'chai';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createSystemClock } from '../../../../../common/clock.js';
import { ExecaRunner } from '../../../../../common/exec/execa-runner.js';
import { NodeFs } from '../../../../../common/fs/node-fs.js';
import { eraseDevicesMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import { NodeDiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../../agent/hardware/generic/erase/protected.js';
import type { ZapMethod } from '../../../../../agent/hardware/generic/erase/zap.js';
import { diskDigest } from '../../../../e2e/disk-digest.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { LoopDisks, missingTools, sh, type LoopDisk } from './loop-disks.js';
import { disk, node } from './support.js';

const TOOLS = ['losetup', 'partx', 'sgdisk', 'sfdisk', 'wipefs', 'blockdev', 'lsblk', 'fuser', 'dd', 'cp', 'python3'];
const MKFS = ['mkfs.ext4', 'mkfs.vfat'];

/** Overwrite `sectors` sectors of `file` from `first` with a non-zero pattern (stale bytes). */
async function scribble(file: string, sectorSize: number, first: number, sectors: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.alloc(sectors * sectorSize, 0x5a), 0, sectors * sectorSize, first * sectorSize);
  } finally {
    await handle.close();
  }
}

/** The partition nodes partx created for `numbers` (refusing anything that is not a block device). */
async function addPartitions(copy: LoopDisk, numbers: readonly number[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  await sh('partx', '-a', copy.device);
  const parts = numbers.map((n) => `${copy.device}p${n}`);
  for (const part of parts) await sh('test', '-b', part);
  return parts;
}

/** Erase `copy` (and its partitions) with the given zap; the error text, or null. */
async function erase(copy: LoopDisk, partitions: readonly number[], zap: ZapMethod): Promise<string | null> {
  const parts = await addPartitions(copy, partitions);
  const { logger } = createTestLogger();
  const runner = new ExecaRunner();
  const guard = createSafetyCheck({ runner, logger, enabled: true, disk: new NodeDiskReader() });
  const devices = [disk(copy.device, parts, { logical_sectors: copy.sectorSize })];
  const options = { runner, logger, fs: new NodeFs(), clock: createSystemClock(), guard, node: node(), devices, zap };
  const error = await eraseDevicesMetadata(options).then(
    () => null,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  await sh('partx', '-d', copy.device).catch(() => '');
  return error === null ? null : error.replaceAll(copy.device, '<disk>');
}

async function digest(copy: LoopDisk): Promise<string> {
  const image = { device: copy.device, name: basename(copy.device), image: copy.file, sizeGiB: 0 };
  return (await diskDigest(image)).sha256;
}

describe('erase/zap on real loop disks: the same bytes as sgdisk -Z', function () {
  this.timeout(240_000);
  const loops = new LoopDisks();

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    const missing = await missingTools([...TOOLS, ...MKFS]);
    if (missing.length > 0) throw new Error(`Real-disk zap tests need: ${missing.join(', ')}`);
  });

  after(async () => {
    await loops.detachAll();
  });

  /** Erase two copies of `source`, one per zap; both must end (and fail) identically. */
  async function compare(source: LoopDisk, partitions: readonly number[]): Promise<string | null> {
    const old = await loops.clone(source, `${basename(source.file, '.img')}-sgdisk`);
    const copy = await loops.clone(source, `${basename(source.file, '.img')}-sectors`);
    const before = await digest(old);
    expect(await digest(copy), 'the two copies start equal').to.equal(before);

    const oldError = await erase(old, partitions, 'sgdisk');
    const newError = await erase(copy, partitions, 'sectors');

    const after = await digest(old);
    expect(after, 'sgdisk -Z changed the disk').not.to.equal(before);
    expect(await digest(copy), 'same bytes as sgdisk -Z').to.equal(after);
    expect(newError, 'same outcome as sgdisk -Z').to.equal(oldError);
    return newError;
  }

  it('a GPT disk with ext4 and vfat partitions and stale bytes in its gaps', async () => {
    const source = await loops.create('gpt512', 64);
    await sh('sgdisk', '-n1:2048:+20M', '-t1:8300', '-n2:0:+20M', '-t2:0700', source.device);
    const parts = await loops.addPartitions(source, 2);
    await sh('mkfs.ext4', '-q', '-F', '-E', 'nodiscard', parts[0] ?? '');
    await sh('mkfs.vfat', parts[1] ?? '');
    await sh('blockdev', '--flushbufs', source.device);
    await scribble(source.file, 512, 34, 2048 - 34);
    await scribble(source.file, 512, 2048 + 2 * 40960, 2048);

    expect(await compare(source, [1, 2])).to.equal(null);
  });

  it('an MBR disk with 4 KiB sectors and a vfat partition', async () => {
    const source = await loops.create('mbr4k', 64, 4096);
    await new ExecaRunner().run(['sfdisk', '-q', '--no-reread', '--no-tell-kernel', source.device], {
      input: 'label: dos\nstart=256, size=8192, type=83\n',
    });
    const parts = await loops.addPartitions(source, 1);
    await sh('mkfs.vfat', parts[0] ?? '');
    await sh('blockdev', '--flushbufs', source.device);
    await scribble(source.file, 4096, 1, 255);

    expect(await compare(source, [1])).to.equal(null);
  });

  it('a disk with only its backup GPT (the primary overwritten with stale bytes)', async () => {
    const source = await loops.create('backup-only', 64);
    await sh('sgdisk', '-n1:2048:+20M', '-t1:8300', source.device);
    await sh('blockdev', '--flushbufs', source.device);
    await scribble(source.file, 512, 0, 2048);

    expect(await compare(source, [])).to.equal(null);
  });

  it('an MBR disk with an extended partition, whose 1 KiB stub still goes to sgdisk (and fails the same way)', async () => {
    const source = await loops.create('extended', 64);
    await new ExecaRunner().run(['sfdisk', '-q', '--no-reread', '--no-tell-kernel', source.device], {
      input:
        'label: dos\nstart=2048, size=8192, type=83\nstart=10240, size=40960, type=5\nstart=12288, size=8192, type=83\n',
    });
    await sh('blockdev', '--flushbufs', source.device);

    const error = await compare(source, [1, 2, 5]);

    expect(error).to.include('"<disk>p2": ').and.include('sgdisk -Z <disk>p2 exited with code 2');
  });
});
