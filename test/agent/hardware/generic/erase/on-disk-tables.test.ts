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
/**
 * One GPT entry as `sgdisk -n1:2048:+8M -t1:AA31E02A-400F-11DB-9590-000C2911D1B8
 * -u1:01234567-89AB-CDEF-0123-456789ABCDEF -c1:datastore` (gdisk 1.0.9) wrote it.
 */
const SGDISK_ENTRY_HEX =
  '2ae031aa0f40db119590000c2911d1b867452301ab89efcd0123456789abcdef0008000000000000ff4700000000000000000000000000006400610074006100' +
  '730074006f0072006500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000';

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
  const parsed = JSON.parse(execFileSync('sfdisk', ['--json', file], { encoding: 'utf8' })) as {
    partitiontable: { partitions: { start: number; size: number; type: string }[] };
  };
  return parsed.partitiontable.partitions.map((p) => ({
    start: p.start * 512,
    size: p.size * 512,
    type: mbrHex(p.type.toLowerCase()),
  }));
}

/** MBR types as bare hex without leading zeros (sfdisk prints `5`, we print `0x05`); GUIDs unchanged. */
function mbrHex(type: string): string {
  return type.length <= 4 ? Number.parseInt(type.replace(/^0x/, ''), 16).toString(16) : type;
}

function ours(
  partitions: OnDiskPartition[],
  source: OnDiskPartition['source'][],
): { start: number; size: number; type: string }[] {
  return partitions
    .filter((p) => source.includes(p.source))
    .map((p) => ({ start: p.offset, size: p.size, type: mbrHex(p.type) }));
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
    after(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    const image = (name: string): string => {
      const file = join(dir, name);
      writeFileSync(file, '');
      truncateSync(file, 64 * MiB);
      return file;
    };

    it('finds every GPT entry in both copies with its name', async () => {
      const file = image('gpt.img');
      execFileSync('sgdisk', [
        '-n1:2048:+8M',
        `-t1:${VMFS}`,
        '-c1:datastore',
        '-n2:0:+4M',
        '-t2:8300',
        '-n3:0:+4M',
        '-t3:EF00',
        file,
      ]);

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      expect(ours(found, ['gpt-primary'])).to.deep.equal(sfdiskView(file));
      expect(found.find((p) => p.source === 'gpt-primary' && p.number === 1)).to.include({
        type: VMFS,
        name: 'datastore',
        source: 'gpt-primary',
      });
      expect(
        found.some((p) => p.source === 'gpt-backup'),
        'identical backup entries are deduplicated',
      ).to.equal(false);
      expect([...new Set(found.filter((p) => p.source === 'mbr').map((p) => p.type))]).to.deep.equal(['0xee']);
    });

    it('finds the logical partitions of an extended partition (EBR chain)', async () => {
      const file = image('mbr.img');
      execFileSync('sfdisk', ['-q', file], {
        input:
          'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=40960, type=5\nstart=14336, size=8192, type=83\nstart=24576, size=8192, type=fb\n',
      });

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      // Entries are also decoded in 4096-byte units (a table written through another sector size); the 512-byte ones are sfdisk's.
      expect(ours(found, ['mbr', 'ebr'])).to.deep.include.members(sfdiskView(file));
      expect(
        found.filter((p) => p.source === 'ebr' && p.offset < 32 * MiB).map((p) => [p.number, p.type]),
      ).to.deep.equal([
        [5, '0x83'],
        [6, '0xfb'],
      ]);
    });

    it('finds the entries of the backup GPT when the primary is gone', async () => {
      const file = image('backup.img');
      execFileSync('sgdisk', ['-n1:2048:+8M', `-t1:${VMFS}`, file]);
      execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=512', 'seek=1', 'count=33', 'conv=notrunc', 'status=none']);

      const found = await readOnDiskPartitions(fileDisk, file, { sizeBytes: 64 * MiB, sectorSize: 512 });

      expect(found.filter((p) => p.source.startsWith('gpt'))).to.deep.equal([
        {
          source: 'gpt-backup',
          number: 1,
          type: VMFS,
          uniqueGuid: found.find((p) => p.source === 'gpt-backup')?.uniqueGuid,
          name: '',
          offset: 2048 * 512,
          size: 8 * MiB,
        },
      ]);
    });
  });

  describe('on hand-built disks', () => {
    it('finds a GPT written with 4096-byte sectors on a 512-byte disk', async () => {
      const disk = Buffer.alloc(4 * MiB);
      gptHeader({ my: 1, alternate: 1023, entries: 2, count: 4, size: 128 }).copy(disk, 4096);
      gptEntry(VMFS, UNIQUE, 256, 511, 'x').copy(disk, 2 * 4096);

      const found = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found).to.deep.equal([
        {
          source: 'gpt-primary',
          number: 1,
          type: VMFS,
          uniqueGuid: UNIQUE,
          name: 'x',
          offset: 256 * 4096,
          size: 256 * 4096,
        },
      ]);
    });

    it('stops an EBR chain that links back to itself', async () => {
      const disk = Buffer.alloc(MiB);
      mbrSector([[0x05, 100, 1000]]).copy(disk, 0);
      mbrSector([
        [0x83, 10, 20],
        [0x05, 50, 100],
      ]).copy(disk, 100 * 512);
      mbrSector([
        [0xfb, 1, 2],
        [0x05, 50, 100],
      ]).copy(disk, 150 * 512);
      const reader = memoryDisk(disk);

      const found = await readOnDiskPartitions(reader, '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found.filter((p) => p.source === 'ebr').map((p) => [p.number, p.type, p.offset])).to.deep.equal([
        [5, '0x83', 110 * 512],
        [6, '0xfb', 151 * 512],
      ]);
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

    const unusable: { title: string; header: Parameters<typeof gptHeader>[0]; message: RegExp }[] = [
      {
        title: 'an entry array outside the disk',
        header: { my: 1, alternate: 0, entries: 1_000_000, count: 4, size: 128 },
        message: /GPT header at LBA 1 \(512-byte sectors\) places its entry array at LBA 1000000, outside the disk/,
      },
      {
        title: 'an entry array over the header',
        header: { my: 1, alternate: 0, entries: 1, count: 4, size: 128 },
        message: /places its entry array at LBA 1/,
      },
      {
        title: 'an entry size that is not 128 x 2^n',
        header: { my: 1, alternate: 0, entries: 2, count: 4, size: 100 },
        message: /gives an entry size of 100 bytes/,
      },
      {
        title: 'an entry size over 4096',
        header: { my: 1, alternate: 0, entries: 2, count: 4, size: 8192 },
        message: /gives an entry size of 8192 bytes/,
      },
    ];
    for (const row of unusable) {
      it(`fails closed on a GPT header with ${row.title}`, async () => {
        const disk = Buffer.alloc(MiB);
        gptHeader(row.header).copy(disk, 512);

        const error = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', {
          sizeBytes: disk.length,
          sectorSize: 512,
        }).then(
          () => null,
          (e: unknown) => e,
        );

        expect((error as Error).message).to.match(row.message);
      });
    }

    it('fails closed on a short read inside the disk instead of treating it as the end', async () => {
      const disk = Buffer.alloc(MiB);
      gptHeader({ my: 1, alternate: 0, entries: 2, count: 128, size: 128 }).copy(disk, 512);
      gptEntry(VMFS, UNIQUE, 4096, 8191, '').copy(disk, 1024 + 39 * 128);
      const capped: DiskReader = {
        read: async (_d, offset, length) => Buffer.from(disk.subarray(offset, offset + Math.min(length, 4096))),
      };

      const error = await readOnDiskPartitions(capped, '/dev/x', { sizeBytes: disk.length, sectorSize: 512 }).then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as Error).message).to.equal('short read of /dev/x: 4096 of 16384 bytes at offset 1024');
    });

    it('finds the backup GPT of a disk grown since, where the protective MBR says the disk ended', async () => {
      const disk = Buffer.alloc(4 * MiB);
      const oldLast = 2 * 2048 - 1;
      mbrSector([[0xee, 1, oldLast]]).copy(disk, 0);
      gptHeader({ my: oldLast, alternate: 1, entries: oldLast - 32, count: 128, size: 128 }).copy(disk, oldLast * 512);
      gptEntry(VMFS, UNIQUE, 2048, 3000, '').copy(disk, (oldLast - 32) * 512);

      const found = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found.filter((p) => p.source === 'gpt-backup').map((p) => p.type)).to.deep.equal([VMFS]);
    });

    it('follows an EBR chain written in 512-byte units on a disk that reports 4096-byte sectors', async () => {
      const disk = Buffer.alloc(MiB);
      mbrSector([[0x05, 100, 1000]]).copy(disk, 0);
      mbrSector([[0xfb, 10, 20]]).copy(disk, 100 * 512);

      const found = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', {
        sizeBytes: disk.length,
        sectorSize: 4096,
      });

      expect(found.filter((p) => p.source === 'ebr').map((p) => [p.type, p.offset])).to.deep.include([
        '0xfb',
        110 * 512,
      ]);
    });

    it('decodes a GPT entry exactly as sgdisk wrote it (fixed bytes, independent of the test builders)', async () => {
      const disk = Buffer.alloc(MiB);
      gptHeader({ my: 1, alternate: 0, entries: 2, count: 1, size: 128 }).copy(disk, 512);
      Buffer.from(SGDISK_ENTRY_HEX, 'hex').copy(disk, 1024);

      const found = await readOnDiskPartitions(memoryDisk(disk), '/dev/x', { sizeBytes: disk.length, sectorSize: 512 });

      expect(found.filter((p) => p.source === 'gpt-primary')).to.deep.equal([
        {
          source: 'gpt-primary',
          number: 1,
          type: VMFS,
          uniqueGuid: '01234567-89ab-cdef-0123-456789abcdef',
          name: 'datastore',
          offset: 2048 * 512,
          size: 16384 * 512,
        },
      ]);
    });

    it('finds nothing on a blank disk', async () => {
      expect(
        await readOnDiskPartitions(memoryDisk(Buffer.alloc(MiB)), '/dev/x', { sizeBytes: MiB, sectorSize: 512 }),
      ).to.deep.equal([]);
    });
  });
});
