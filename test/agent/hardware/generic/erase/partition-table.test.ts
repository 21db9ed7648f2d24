import { expect } from 'chai';
import {
  formatGuid,
  parseGptEntries,
  parseGptHeader,
  parseMbrSector,
  validEntrySize,
} from '../../../../../agent/hardware/generic/erase/partition-table.js';
import { gptEntry, gptHeader, guidBytes, mbrSector } from './table-images.js';

const VMFS = 'aa31e02a-400f-11db-9590-000c2911d1b8';

describe('erase/partition-table', () => {
  describe('parseMbrSector', () => {
    const table: { title: string; sector: Buffer; expected: ReturnType<typeof parseMbrSector> }[] = [
      { title: 'no 0x55AA mark', sector: mbrSector([[0xfb, 2048, 100]], false), expected: null },
      { title: 'a short read', sector: Buffer.alloc(100), expected: null },
      { title: 'an empty table', sector: mbrSector([]), expected: [] },
      {
        title: 'a VMFS slot',
        sector: mbrSector([[0xfb, 2048, 16384]]),
        expected: [{ slot: 0, type: '0xfb', startLba: 2048, sectors: 16384 }],
      },
      {
        title: 'unused slots skipped, numbering kept',
        sector: mbrSector([null, [0x83, 4096, 10], null, [0x05, 8192, 4096]]),
        expected: [
          { slot: 1, type: '0x83', startLba: 4096, sectors: 10 },
          { slot: 3, type: '0x05', startLba: 8192, sectors: 4096 },
        ],
      },
      {
        title: '32-bit unsigned starts',
        sector: mbrSector([[0xee, 1, 0xffffffff]]),
        expected: [{ slot: 0, type: '0xee', startLba: 1, sectors: 4294967295 }],
      },
    ];
    for (const row of table) {
      it(`decodes ${row.title}`, () => {
        expect(parseMbrSector(row.sector)).to.deep.equal(row.expected);
      });
    }
  });

  describe('parseGptHeader', () => {
    it('reads the header fields the guard uses', () => {
      expect(parseGptHeader(gptHeader({ my: 1, alternate: 131071, entries: 2, count: 128, size: 128 }))).to.deep.equal({
        myLba: 1,
        alternateLba: 131071,
        entriesLba: 2,
        entryCount: 128,
        entrySize: 128,
      });
    });

    it('is null without the EFI PART signature or on a short read', () => {
      expect(parseGptHeader(Buffer.alloc(512))).to.equal(null);
      expect(parseGptHeader(Buffer.from('EFI PART'))).to.equal(null);
    });

    it('clamps LBAs past 2^53 instead of losing precision', () => {
      const header = gptHeader({ my: 1, alternate: 2, entries: 2, count: 1, size: 128 });
      header.writeBigUInt64LE(2n ** 64n - 1n, 72);
      expect(parseGptHeader(header)?.entriesLba).to.equal(Number.MAX_SAFE_INTEGER);
    });
  });

  describe('parseGptEntries', () => {
    const unique = '11a202ac-63a9-4791-b32c-f437965df410';

    it('decodes type, unique GUID, LBAs and the UTF-16 name of used entries, numbered from 1', () => {
      const bytes = Buffer.concat([
        Buffer.alloc(128),
        gptEntry(VMFS, unique, 2048, 34815, 'datastore1'),
        Buffer.alloc(128),
      ]);

      expect(parseGptEntries(bytes, 128, 3)).to.deep.equal([
        { number: 2, typeGuid: VMFS, uniqueGuid: unique, firstLba: 2048, lastLba: 34815, name: 'datastore1' },
      ]);
    });

    it('reads larger entries and never more than count or the bytes given', () => {
      const big = Buffer.concat([gptEntry(VMFS, unique, 1, 2, 'a'), Buffer.alloc(128)]);
      const bytes = Buffer.concat([big, big, big]);

      expect(parseGptEntries(bytes, 256, 2)).to.have.length(2);
      expect(parseGptEntries(bytes.subarray(0, 300), 256, 128)).to.have.length(1);
    });

    const sizes: [number, boolean][] = [
      [0, false],
      [64, false],
      [128, true],
      [256, true],
      [200, false],
      [4096, true],
      [8192, false],
    ];
    for (const [size, valid] of sizes) {
      it(`entry size ${size} is ${valid ? 'accepted' : 'refused'}`, () => {
        expect(validEntrySize(size)).to.equal(valid);
        if (!valid) expect(parseGptEntries(Buffer.alloc(1024, 1), size, 4)).to.deep.equal([]);
      });
    }

    it('formats GUIDs with the first three fields little-endian (UEFI Appendix A)', () => {
      expect(formatGuid(guidBytes('37AFFC90-EF7D-4E96-91C3-2D7AE055B174'))).to.equal(
        '37affc90-ef7d-4e96-91c3-2d7ae055b174',
      );
    });
  });
});
