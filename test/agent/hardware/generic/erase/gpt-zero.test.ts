import { expect } from 'chai';
import { gptSectors, gptZeroCommands, planGptZero } from '../../../../../agent/hardware/generic/erase/gpt-zero.js';

describe('erase/gpt-zero', () => {
  describe('gptSectors', () => {
    const table: [number, number][] = [
      [512, 33],
      [4096, 5],
      [1024, 17],
      [2048, 9],
    ];
    for (const [sectorSize, expected] of table) {
      it(`reserves ${expected} sectors per GPT copy for ${sectorSize} B sectors`, () => {
        expect(gptSectors(sectorSize)).to.equal(expected);
      });
    }

    for (const bad of [0, -512, 500, 4095.5]) {
      it(`rejects a logical sector size of ${bad}`, () => {
        expect(() => gptSectors(bad)).to.throw(RangeError, /Unsupported logical sector size/);
      });
    }
  });

  describe('planGptZero', () => {
    const MiB = 1024 * 1024;
    const table: { title: string; size: number; ss: number; primary: number; seek: number | null }[] = [
      { title: '64 MiB disk, 512 B sectors', size: 64 * MiB, ss: 512, primary: 33, seek: 131072 - 33 },
      { title: '64 MiB disk, 4 KiB sectors', size: 64 * MiB, ss: 4096, primary: 5, seek: 16384 - 5 },
      { title: '1 TB disk, 512 B sectors', size: 1_000_204_886_016, ss: 512, primary: 33, seek: 1_953_525_168 - 33 },
      { title: '1 KiB extended-partition stub', size: 1024, ss: 512, primary: 2, seek: null },
      { title: 'exactly one GPT copy in size', size: 33 * 512, ss: 512, primary: 33, seek: null },
      { title: 'one sector more than a GPT copy', size: 34 * 512, ss: 512, primary: 33, seek: 1 },
      { title: 'empty device', size: 0, ss: 4096, primary: 0, seek: null },
    ];
    for (const row of table) {
      it(`plans ${row.title}`, () => {
        const plan = planGptZero(row.size, row.ss);

        expect(plan.primaryCount).to.equal(row.primary);
        expect(plan.backupSeek).to.equal(row.seek);
      });
    }

    it('rejects a negative size', () => {
      expect(() => planGptZero(-1, 512)).to.throw(RangeError, /Invalid device size/);
    });
  });

  describe('gptZeroCommands', () => {
    it('zeroes the start and then the end of a 512 B device', () => {
      const commands = gptZeroCommands('/dev/sdb', planGptZero(64 * 1024 * 1024, 512));

      expect(commands).to.deep.equal([
        ['dd', 'bs=512', 'if=/dev/zero', 'of=/dev/sdb', 'count=33', 'oflag=direct'],
        ['dd', 'bs=512', 'if=/dev/zero', 'of=/dev/sdb', 'count=33', 'oflag=direct', 'seek=131039'],
      ]);
    });

    it('zeroes only the start of a device too small for a backup GPT', () => {
      expect(gptZeroCommands('/dev/sda5', planGptZero(1024, 512))).to.deep.equal([
        ['dd', 'bs=512', 'if=/dev/zero', 'of=/dev/sda5', 'count=2', 'oflag=direct'],
      ]);
    });
  });
});
