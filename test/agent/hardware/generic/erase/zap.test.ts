import { expect } from 'chai';
import { destroyDiskMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import { fastZapApplies, zapCommands, type ZapMethod } from '../../../../../agent/hardware/generic/erase/zap.js';
import { FakeClock } from '../../../../helpers/fake-clock.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, fakeFs } from './support.js';

const MiB = 1024 * 1024;
const SGDISK = [['sgdisk', '-Z', '/dev/sda']];

function fast(ss: number, seek: number): string[][] {
  const dd = ['dd', `bs=${ss}`, 'if=/dev/zero', 'of=/dev/sda', 'count=1', 'oflag=direct', 'conv=fsync', `seek=${seek}`];
  return [dd, ['blockdev', '--rereadpt', '/dev/sda']];
}

describe('erase/zap', () => {
  describe('zapCommands', () => {
    const table: { title: string; size: number; ss: number; method: ZapMethod; expected: string[][] }[] = [
      { title: '64 MiB, 512 B sectors', size: 64 * MiB, ss: 512, method: 'sectors', expected: fast(512, 33) },
      { title: '64 MiB, 4 KiB sectors', size: 64 * MiB, ss: 4096, method: 'sectors', expected: fast(4096, 5) },
      {
        title: 'the smallest 512 B device sgdisk zaps (68 sectors)',
        size: 68 * 512,
        ss: 512,
        method: 'sectors',
        expected: fast(512, 33),
      },
      { title: 'one sector less (sgdisk refuses it)', size: 67 * 512, ss: 512, method: 'sectors', expected: SGDISK },
      {
        title: 'the smallest 4 KiB device sgdisk zaps (12 sectors)',
        size: 12 * 4096,
        ss: 4096,
        method: 'sectors',
        expected: fast(4096, 5),
      },
      { title: '11 sectors of 4 KiB', size: 11 * 4096, ss: 4096, method: 'sectors', expected: SGDISK },
      { title: 'a 1 KiB extended-partition stub', size: 1024, ss: 512, method: 'sectors', expected: SGDISK },
      { title: 'an unchecked sector size (1 KiB)', size: 64 * MiB, ss: 1024, method: 'sectors', expected: SGDISK },
      { title: 'sgdisk asked for', size: 64 * MiB, ss: 512, method: 'sgdisk', expected: SGDISK },
    ];
    for (const row of table) {
      it(`zaps ${row.title}`, () => {
        expect(zapCommands('/dev/sda', row.size, row.ss, row.method).map((c) => c.argv)).to.deep.equal(row.expected);
      });
    }

    it('tolerates only exit 1 of the partition table re-read, as sgdisk tolerates a failed BLKRRPART', () => {
      const commands = zapCommands('/dev/sda', 64 * MiB, 512, 'sectors');
      expect(commands.map((c) => c.okExitCodes)).to.deep.equal([undefined, [0, 1]]);
    });
  });

  describe('fastZapApplies', () => {
    it('rejects an invalid sector size', () => {
      expect(() => fastZapApplies(MiB, 520)).to.throw(RangeError, /Unsupported logical sector size 520/);
    });
  });

  describe('destroyDiskMetadata', () => {
    it("runs sgdisk -Z on a device too small for the fast zap and reports sgdisk's own message", async () => {
      const stub = '/dev/sda2';
      const runner = new FakeRunner().expect(
        { match: ['wipefs', '--force', '--all', stub] },
        { match: ['blockdev', '--getss', stub], stdout: '512\n' },
        { match: ['blockdev', '--getsize64', stub], stdout: '1024\n' },
        { match: ['dd', 'bs=512', 'if=/dev/zero', `of=${stub}`, 'count=2', 'oflag=direct'] },
        {
          match: ['sgdisk', '-Z', stub],
          exitCode: 2,
          stdout: 'Disk is too small to hold GPT data (2 sectors)! Aborting!\n',
        },
      );
      const deps = { runner, logger: createTestLogger().logger, fs: fakeFs(), clock: new FakeClock({ auto: true }) };

      const error = await destroyDiskMetadata(deps, stub, 'uuid').then(
        () => null,
        (e: unknown) => e,
      );

      expect(String((error as Error).message)).to.include('sgdisk -Z /dev/sda2');
      expect(argvs(runner).at(-1)).to.deep.equal(['sgdisk', '-Z', stub]);
      expect(runner.pending()).to.deep.equal([]);
    });

    it('runs sgdisk -Z when asked to, with the C locale', async () => {
      const runner = new FakeRunner().expect(
        { match: ['wipefs', '--force', '--all', '/dev/sda'] },
        { match: ['blockdev', '--getss', '/dev/sda'], stdout: '512\n' },
        { match: ['blockdev', '--getsize64', '/dev/sda'], stdout: `${64 * MiB}\n` },
        { match: (argv) => argv[0] === 'dd', repeat: true },
        { match: ['sgdisk', '-Z', '/dev/sda'] },
        { match: ['fuser', '/dev/sda'], exitCode: 1 },
      );
      const deps = { runner, logger: createTestLogger().logger, fs: fakeFs(), clock: new FakeClock({ auto: true }) };

      await destroyDiskMetadata(deps, '/dev/sda', 'uuid', undefined, 'sgdisk');

      expect(argvs(runner).filter((a) => a[0] === 'dd')).to.have.length(2);
      expect(runner.calls.find((c) => c.argv[0] === 'sgdisk')?.options.env?.['LC_ALL']).to.equal('C');
      expect(runner.pending()).to.deep.equal([]);
    });
  });
});
