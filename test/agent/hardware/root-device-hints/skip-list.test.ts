import { expect } from 'chai';
import { HintError } from '../../../../agent/hardware/root-device-hints/hint-error.js';
import { findDevicesByHints } from '../../../../agent/hardware/root-device-hints/match.js';
import { excludeSkippedDevices, skipListFromNode } from '../../../../agent/hardware/root-device-hints/skip-list.js';
import { GiB, makeDevice, referenceDevices } from '../../../helpers/block-device.js';

const node = (skip: unknown): { properties: Record<string, unknown> } => ({ properties: { skip_block_devices: skip } });

describe('root-device-hints/skip-list', () => {
  it('keeps every device when the node has no skip list', () => {
    for (const n of [undefined, null, { properties: {} }, node(null), node([])]) {
      const result = excludeSkippedDevices(referenceDevices(), n);

      expect(result.devices.map((d) => d.name)).to.deep.equal(['/dev/sda', '/dev/sdb', '/dev/nvme0n1']);
      expect(result.skipped).to.deep.equal([]);
    }
  });

  it('skips a device matching every field of an entry', () => {
    const result = excludeSkippedDevices(referenceDevices(), node([{ name: '/dev/sda' }]));

    expect(result.devices.map((d) => d.name)).to.deep.equal(['/dev/sdb', '/dev/nvme0n1']);
    expect(result.skipped.map((s) => [s.device.name, s.entry.index])).to.deep.equal([['/dev/sda', 0]]);
  });

  it('ANDs the fields within one entry', () => {
    const result = excludeSkippedDevices(referenceDevices(), node([{ vendor: 'ATA', size: 64 }]));

    expect(result.skipped).to.deep.equal([]);
  });

  it('ORs entries together and reports each device once, with the first entry that matched', () => {
    const result = excludeSkippedDevices(
      referenceDevices(),
      node([{ rotational: true }, { name: '/dev/sda' }, { size: '>= 60' }]),
    );

    expect(result.devices).to.deep.equal([]);
    expect(result.skipped.map((s) => [s.device.name, s.entry.index])).to.deep.equal([
      ['/dev/sdb', 0],
      ['/dev/sda', 1],
      ['/dev/nvme0n1', 2],
    ]);
  });

  it('matches list-valued serials', () => {
    const devices = [
      makeDevice('/dev/sda', 10 * GiB, { serial: 'A', all_serials: ['A', 'LONG-A'] }),
      makeDevice('/dev/sdb', 10 * GiB),
    ];

    expect(excludeSkippedDevices(devices, node([{ serial: 'long-a' }])).devices.map((d) => d.name)).to.deep.equal([
      '/dev/sdb',
    ]);
  });

  it('ignores volume_name entries (software RAID is out of scope) and reports them', () => {
    const result = excludeSkippedDevices(referenceDevices(), node([{ volume_name: 'large' }, { name: '/dev/sdb' }]));

    expect(result.volumeNames).to.deep.equal(['large']);
    expect(result.devices.map((d) => d.name)).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
  });

  it('parses entries once, keeping their index', () => {
    const list = skipListFromNode(node([{ volume_name: 'x' }, { size: 8 }]));

    expect(list.entries.map((e) => [e.index, e.parsed.normalized])).to.deep.equal([[1, { size: '== 8' }]]);
  });

  describe('a missing (null) attribute compares as "none", as in IPA', () => {
    // referenceDevices: sda tran "sata", sdb tran null, nvme0n1 tran "nvme"; only sda has a vendor besides sdb.
    const table: Array<[string, Record<string, unknown>, string[]]> = [
      ['s!= skips disks without tran', { tran: 's!= nvme' }, ['/dev/sda', '/dev/sdb']],
      ['s== none matches a null tran', { tran: 's== none' }, ['/dev/sdb']],
      ['a bare "none" matches a null tran', { tran: 'none' }, ['/dev/sdb']],
      ['<in> non matches a null tran', { tran: '<in> non' }, ['/dev/sdb']],
      ['<or> includes none', { tran: '<or> nvme <or> none' }, ['/dev/sdb', '/dev/nvme0n1']],
      ['s== with a real value does not match null', { tran: 's== sata' }, ['/dev/sda']],
      ['null vendor with s!= ATA', { vendor: 's!= ATA' }, ['/dev/sdb', '/dev/nvme0n1']],
      ['null wwn with s!= (list-valued hint)', { wwn: 's!= 0x5002538e40a1b2c3' }, ['/dev/sdb', '/dev/nvme0n1']],
    ];
    for (const [title, entry, skipped] of table) {
      it(title, () => {
        expect(
          excludeSkippedDevices(referenceDevices(), node([entry])).skipped.map((s) => s.device.name),
        ).to.deep.equal(skipped);
      });
    }

    it('an empty-string attribute still matches nothing (IPA skips the device)', () => {
      const devices = [makeDevice('/dev/sda', 10 * GiB, { tran: '' })];

      expect(excludeSkippedDevices(devices, node([{ tran: 's!= nvme' }])).skipped).to.deep.equal([]);
    });

    it('root selection is unchanged: a null attribute matches no hint', () => {
      expect(findDevicesByHints(referenceDevices(), { tran: 's!= nvme' }).map((m) => m.device.name)).to.deep.equal([
        '/dev/sda',
      ]);
    });
  });

  describe('invalid skip lists', () => {
    const table: Array<[string, unknown, RegExp]> = [
      ['not a list', { name: '/dev/sda' }, /skip_block_devices must be a list of hint objects/],
      ['an entry that is not an object', ['/dev/sda'], /skip_block_devices\[0\] must be an object/],
      [
        'an invalid hint names the entry',
        [{ name: '/dev/sda' }, { foo: 1 }],
        /^properties\.skip_block_devices\[1\]: The hints "foo" are invalid\. Valid hints are/,
      ],
      ['an empty entry would skip everything', [{}], /skip_block_devices\[0\] is empty/],
    ];
    for (const [what, value, message] of table) {
      it(what, () => {
        expect(() => excludeSkippedDevices(referenceDevices(), node(value))).to.throw(HintError, message);
      });
    }
  });
});
