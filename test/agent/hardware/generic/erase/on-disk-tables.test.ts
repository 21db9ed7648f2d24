import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_GPT_ENTRY_BYTES,
  readOnDiskPartitions,
  type DiskReader,
  type OnDiskPartition,
} from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { gptEntry, gptHeader, mbrSector } from './table-images.js';

const MiB = 1024 * 1024;
const VMFS = 'aa31e02a-400f-11db-9590-000c2911d1b8';
const UNIQUE = '11a202ac-63a9-4791-b32c-f437965df410';

/** A reader over an in-memory disk that records every read. */
function memoryDisk(image: Buffer): DiskReader & { reads: { offset: number; length: number }[] } {
  const reads: { offset: number; length: number }[] = [];
  return {
    reads,
    read: async (_device, offset, length) => {
      reads.push({ offset, length });
      return Buffer.from(image.subarray(offset, offset + length));
    },
  };
}

/** A reader over an image file (what NodeDiskReader does for a device). */
const fileDisk: DiskReader = {
  read: async (file, offset, length) => {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    } finally {
      closeSync(fd);
    }
  },
};

/** What `sfdisk --json` (util-linux's own reader) says: start and size in bytes, type. */
function sfdiskView(file: string): { start: number; size: number; type: string }[] {
  const parsed = JSON.parse(execFileSync('sfdisk', ['--json', file], { encoding: 'utf8' })) as { partitiontable: { partitions: { start: number; size: number; type: string }[] } };
  return parsed.partitiontable.partitions.map((p) => ({ start: p.start * 512, size: p.size * 512, type: mbrHex(p.type.toLowerCase()) }));
}

/** MBR types as bare hex without leading zeros (sfdisk prints `5`, we print `0x05`); GUIDs unchanged. */
function mbrHex(type: string): string {
  return type.length <= 4 ? Number.parseInt(type.replace(/^0x/, ''), 16).toString(16) : type;
}

function ours(partitions: OnDiskPartition[], source: OnDiskPartition['source'][]): { start: number; size: number; type: string }[] {
  return partitions.filter((p) => source.includes(p.source)).map((p) => ({ start: p.offset, size: p.size, type: mbrHex(p.type) }));
}

describe('erase/on-disk-tables readOnDiskPartitions', () => {
  describe('on images written by the real tools (sgdisk, sfdisk), checked against sfdisk --json', function () {
    let dir: string;
    before(function () {
      try {
        execFileSync('sgdisk', ['--version']);
        execFileSync('sfdisk', ['--version']);
      } catch {
        console.log('      (skipping: sgdisk and sfdisk are needed: install gdisk and fdisk)');
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'tables-'));
    });
    after(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); });

    const image = (name: string): string => {
      const file = join(dir, name);
      writeFileSync(file, '');
      truncateSync(file, 64 * MiB);
      return file;
    };

    it('finds every GPT entry in both copies with its name', async () => {
      const file = image('gpt.img');
      execFileSync('sgdisk', ['-n1:2048:+8M', `-t1:${VMFS}`, '-c1:datastore', '-n2:0:+4M', '-t2:8300', '-n3:0:+4M', '-t3:EF00', file]);

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      expect(ours(found, ['gpt-primary'])).to.deep.equal(sfdiskView(file));
      expect(found.find((p) => p.source === 'gpt-primary' && p.number === 1)).to.include({ type: VMFS, name: 'datastore', source: 'gpt-primary' });
      expect(found.some((p) => p.source === 'gpt-backup'), 'identical backup entries are deduplicated').to.equal(false);
      expect(found.filter((p) => p.source === 'mbr').map((p) => p.type)).to.deep.equal(['0xee']);
    });

    it('finds the logical partitions of an extended partition (EBR chain)', async () => {
      const file = image('mbr.img');
      execFileSync('sfdisk', ['-q', file], { input: 'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=40960, type=5\nstart=14336, size=8192, type=83\nstart=24576, size=8192, type=fb\n' });

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      expect(ours(found, ['mbr', 'ebr'])).to.deep.equal(sfdiskView(file));
      expect(found.filter((p) => p.source === 'ebr').map((p) => [p.number, p.type])).to.deep.equal([[5, '0x83'], [6, '0xfb']]);
    });

    it('finds the entries of the backup GPT when the primary is gone', async () => {
      const file = image('backup.img');
      execFileSync('sgdisk', ['-n1:2048:+8M', `-t1:${VMFS}`, file]);
      execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=512', 'seek=1', 'count=33', 'conv=notrunc', 'status=none']);

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      expect(found.filter((p) => p.source.startsWith('gpt'))).to.deep.equal([
        { source: 'gpt-backup', number: 1, type: VMFS, uniqueGuid: found.find((p) => p.source === 'gpt-backup')?.uniqueGuid, name: '', offset: 2048 * 512, size: 8 * MiB },
      ]);
    });
  });

  describe('on hand-built disks', () => {
    it('finds a GPT written with 4096-byte sectors on a 512-byte disk', async () => {
      const disk = Buffer.alloc(4 * MiB);
      gptHeader({ my: 1, alternate: 1023, entries: 2, count: 4, size: 128 }).copy(disk, 4096);
      gptEntry(VMFS, UNIQUE, 256, 511, 'x').copy(disk, 2 * 4096);

      const found = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found).to.deep.equal([{ source: 'gpt-primary', number: 1, type: VMFS, uniqueGuid: UNIQUE, name: 'x', offset: 256 * 4096, size: 256 * 4096 }]);
    });

    it('stops an EBR chain that links back to itself', async () => {
      const disk = Buffer.alloc(MiB);
      mbrSector([[0x05, 100, 1000]]).copy(disk, 0);
      mbrSector([[0x83, 10, 20], [0x05, 50, 100]]).copy(disk, 100 * 512);
      mbrSector([[0xfb, 1, 2], [0x05, 50, 100]]).copy(disk, 150 * 512);
      const reader = memoryDisk(disk);

      const found = await readOnDiskPartitions(reader, '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found.filter((p) => p.source === 'ebr').map((p) => [p.number, p.type, p.offset])).to.deep.equal([[5, '0x83', 110 * 512], [6, '0xfb', 151 * 512]]);
      expect(reader.reads.length).to.be.lessThan(20);
    });

    it('reads at most MAX_GPT_ENTRY_BYTES of an entry array whose header claims 2^32-1 entries', async () => {
      const disk = Buffer.alloc(8 * MiB);
      gptHeader({ my: 1, alternate: 0, entries: 2, count: 0xffffffff, size: 128 }).copy(disk, 512);
      gptEntry(VMFS, UNIQUE, 4096, 8191, '').copy(disk, 1024);
      const reader = memoryDisk(disk);

      const found = await readOnDiskPartitions(reader, '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found.map((p) => p.type)).to.deep.equal([VMFS]);
      expect(Math.max(...reader.reads.map((r) => r.length))).to.equal(MAX_GPT_ENTRY_BYTES);
    });

    it('ignores headers whose entry array lies outside the disk or has an invalid entry size', async () => {
      const disk = Buffer.alloc(MiB);
      gptHeader({ my: 1, alternate: 0, entries: 1_000_000, count: 4, size: 128 }).copy(disk, 512);
      gptHeader({ my: 2047, alternate: 1, entries: 2, count: 4, size: 100 }).copy(disk, disk.length - 512);

      expect(await readOnDiskPartitions(memoryDisk(disk), '/dev/x', { sizeBytes: disk.length, sectorSize: 512 })).to.deep.equal([]);
    });

    it('finds nothing on a blank disk', async () => {
      expect(await readOnDiskPartitions(memoryDisk(Buffer.alloc(MiB)), '/dev/x', { sizeBytes: MiB, sectorSize: 512 })).to.deep.equal([]);
    });
  });
});
