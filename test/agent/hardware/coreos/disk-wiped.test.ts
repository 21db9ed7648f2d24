import { expect } from 'chai';
import { diskIsBlank, stampedDiskWiped } from '../../../../agent/hardware/coreos/disk-wiped.js';
import type { DiskIdentity } from '../../../../agent/hardware/coreos/stamp.js';
import type { BlockDevice } from '../../../../agent/hardware/types.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';

const WIPEFS = (path: string): string[] => ['wipefs', '--no-act', '--json', path];
const GPT = JSON.stringify({
  signatures: [
    { device: 'sda', offset: '0x200', type: 'gpt' },
    { device: 'sda', offset: '0x1fe', type: 'PMBR' },
  ],
});
const DEVICE = { name: '/dev/sda', size: 100, serial: 'S1', wwn: null } as BlockDevice;
const DISK: DiskIdentity = { path: '/dev/sda', size: 100, serial: 'S1', wwn: null };

describe('hardware/coreos/disk-wiped', () => {
  const table: [string, Parameters<FakeRunner['expect']>[0], boolean][] = [
    [
      'no signatures (util-linux 2.38 JSON)',
      { match: WIPEFS('/dev/sda'), stdout: '{\n   "signatures": [\n\n   ]\n}\n' },
      true,
    ],
    ['no output (older wipefs)', { match: WIPEFS('/dev/sda'), stdout: '' }, true],
    ['a partition table', { match: WIPEFS('/dev/sda'), stdout: GPT }, false],
    [
      'a filesystem',
      { match: WIPEFS('/dev/sda'), stdout: JSON.stringify({ signatures: [{ offset: '0x438', type: 'ext4' }] }) },
      false,
    ],
    [
      'wipefs failing',
      { match: WIPEFS('/dev/sda'), exitCode: 1, stderr: 'wipefs: error: /dev/sda: probing initialization failed' },
      false,
    ],
    ['unparsable output', { match: WIPEFS('/dev/sda'), stdout: 'DEVICE OFFSET TYPE' }, false],
  ];
  for (const [name, scripted, blank] of table) {
    it(`diskIsBlank: ${name} -> ${String(blank)}`, async () => {
      expect(await diskIsBlank(new FakeRunner().expect(scripted), '/dev/sda')).to.equal(blank);
    });
  }

  it('probes the stamped disk at its path when it is the current one', async () => {
    const runner = new FakeRunner().expect({ match: WIPEFS('/dev/sda'), stdout: '' });

    expect(
      await stampedDiskWiped(runner, DEVICE, DISK, async () => {
        throw new Error('not read');
      })(DISK),
    ).to.equal(true);
  });

  it('re-reads the identity of another stamped path, and does not probe a disk that moved', async () => {
    const runner = new FakeRunner();
    const read: string[] = [];
    const wiped = stampedDiskWiped(runner, DEVICE, DISK, async (d) => {
      read.push(d.name);
      return { ...DISK, path: d.name, serial: 'MOVED' };
    });

    expect(await wiped({ ...DISK, path: '/dev/sdb' })).to.equal(false);
    expect(read).to.deep.equal(['/dev/sdb']);
    expect(runner.calls).to.deep.equal([]);
  });

  it('is not wiped when the current disk at the stamped path is another one', async () => {
    const runner = new FakeRunner();

    expect(await stampedDiskWiped(runner, DEVICE, DISK, async () => DISK)({ ...DISK, serial: 'OLD' })).to.equal(false);
    expect(runner.calls).to.deep.equal([]);
  });
});
