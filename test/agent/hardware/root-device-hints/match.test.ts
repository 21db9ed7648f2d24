import { expect } from 'chai';
import { DeviceNotFound } from '../../../../common/errors.js';
import { HintError } from '../../../../agent/hardware/root-device-hints/hint-error.js';
import {
  explainMismatch,
  findDevicesByHints,
  formatSize,
  guessRootDisk,
  matchRootDeviceHints,
  MIN_ROOT_DISK_SIZE,
} from '../../../../agent/hardware/root-device-hints/match.js';
import { parseRootDeviceHints, type ParsedHints } from '../../../../agent/hardware/root-device-hints/parse.js';
import type { BlockDevice } from '../../../../agent/hardware/types.js';
import { GiB, makeDevice, referenceDevices } from '../../../helpers/block-device.js';

const names = (devices: readonly BlockDevice[], hints: unknown): string[] =>
  findDevicesByHints(devices, hints).map((m) => m.device.name);
const parsed = (hints: unknown): ParsedHints => {
  const result = parseRootDeviceHints(hints);
  if (result === null) throw new Error('expected hints');
  return result;
};

describe('root-device-hints/match', () => {
  describe("IPA device_hints.py's results for a 500 GB SSD, a 64 GiB QEMU HDD and a 1 TB NVMe", () => {
    const table: Array<[Record<string, unknown>, string[]]> = [
      [{ size: 64 }, ['/dev/sdb']],
      [{ size: 465 }, []],
      [{ size: '>= 465' }, ['/dev/sda', '/dev/nvme0n1']],
      [{ model: '<in> Samsung' }, ['/dev/sda']],
      [{ vendor: '<or> qemu <or> ata' }, ['/dev/sda', '/dev/sdb']],
      [{ rotational: 'true' }, ['/dev/sdb']],
      [{ name: 'sdb' }, []],
      [{ size: '= 500' }, ['/dev/nvme0n1']],
    ];
    for (const [hints, expected] of table) {
      it(`${JSON.stringify(hints)} → ${expected.join(', ') || 'none'}`, () => {
        expect(names(referenceDevices(), hints)).to.deep.equal(expected);
      });
    }

    it('{size: 0} is an error "should be a positive integer"', () => {
      expect(() => findDevicesByHints(referenceDevices(), { size: 0 })).to.throw(
        HintError,
        'should be a positive integer',
      );
    });
  });

  describe('size in float GiB', () => {
    const disk500gb = makeDevice('/dev/sda', 500107862016);
    const disk64 = makeDevice('/dev/sdb', 64 * GiB);
    const table: Array<[string, BlockDevice, string | number, boolean]> = [
      ['465 never matches a 500 GB disk (465.76 GiB)', disk500gb, 465, false],
      ['466 does not either', disk500gb, 466, false],
      ['">= 465" does', disk500gb, '>= 465', true],
      ['"< 466" does', disk500gb, '< 466', true],
      ['"<range-in> ( 400 600 )" does', disk500gb, '<range-in> ( 400 600 )', true],
      ['"<range-in> ( 465 466 )" does', disk500gb, '<range-in> ( 465 466 )', true],
      ['exact 64 GiB "== 64"', disk64, '== 64', true],
      ['legacy "= 64" is >=', disk64, '= 64', true],
      ['legacy "= 65" is >=', disk64, '= 65', false],
      ['"!= 64"', disk64, '!= 64', false],
      ['"> 64"', disk64, '> 64', false],
      ['"<= 64"', disk64, '<= 64', true],
      ['"< 64"', disk64, '< 64', false],
      ['"<range-in> [ 64 64 ]" includes both bounds', disk64, '<range-in> [ 64 64 ]', true],
      ['"<range-in> ( 64 100 ]" excludes the lower bound', disk64, '<range-in> ( 64 100 ]', false],
      ['"<range-in> [ 10 64 )" excludes the upper bound', disk64, '<range-in> [ 10 64 )', false],
      ['"<range-in> [ 10 64 ]" includes the upper bound', disk64, '<range-in> [ 10 64 ]', true],
      ['"<range-in> ( 63.5 64.5 )" with float bounds', disk64, '<range-in> ( 63.5 64.5 )', true],
    ];
    for (const [what, device, size, expected] of table) {
      it(what, () => {
        expect(names([device], { size })).to.deep.equal(expected ? [device.name] : []);
      });
    }
  });

  describe('text hints: case, whitespace, quoting, operators', () => {
    const table: Array<[string, Record<string, unknown>, string[]]> = [
      ['exact model with spaces', { model: 'QEMU HARDDISK' }, ['/dev/sdb']],
      ['model is case-insensitive', { model: 'qemu harddisk' }, ['/dev/sdb']],
      ['outer whitespace ignored', { model: '   QEMU HARDDISK ' }, ['/dev/sdb']],
      ['inner whitespace is significant', { model: 'QEMU  HARDDISK' }, []],
      ['by_path with ":" in it', { by_path: '/dev/disk/by-path/pci-0000:00:1f.2-ata-1' }, ['/dev/sda']],
      ['hctl', { hctl: '1:0:0:0' }, ['/dev/sdb']],
      ['name is compared literally with /dev/', { name: '/dev/sdb' }, ['/dev/sdb']],
      ['name "<in> sd"', { name: '<in> sd' }, ['/dev/sda', '/dev/sdb']],
      ['wwn upper-case hint', { wwn: '0x5002538E40A1B2C3' }, ['/dev/sda']],
      ['tran', { tran: 'NVMe' }, ['/dev/nvme0n1']],
      ['"s!=" excludes one', { vendor: 's!= qemu' }, ['/dev/sda']],
      ['"s>=" string order', { serial: 's>= Q' }, ['/dev/sda', '/dev/sdb']],
      ['"s>" string order', { serial: 's> QM00002' }, ['/dev/sda']],
      ['"s<=" string order', { serial: 's<= QM00002' }, ['/dev/sdb', '/dev/nvme0n1']],
      ['"s<" string order', { serial: 's< Q' }, ['/dev/nvme0n1']],
      ['"<all-in>" every item is contained', { model: '<all-in> samsung evo' }, ['/dev/sda']],
      ['"<all-in>" one item missing', { model: '<all-in> samsung pro' }, []],
      ['"<or>" with a quoted alternative', { model: '<or> qemu harddisk <or> nothing' }, ['/dev/sdb']],
      ['a null attribute never matches, not even "none"', { vendor: 'none' }, []],
      ['rotational false', { rotational: false }, ['/dev/sda', '/dev/nvme0n1']],
      ['rotational "0"', { rotational: '0' }, ['/dev/sda', '/dev/nvme0n1']],
    ];
    for (const [what, hints, expected] of table) {
      it(what, () => {
        expect(names(referenceDevices(), hints)).to.deep.equal(expected);
      });
    }
  });

  describe('hints as Metal3 writes them from rootDeviceHints (baremetal-operator devicehints.go)', () => {
    const table: Array<[string, Record<string, unknown>, string[]]> = [
      ['deviceName /dev/... → name "s=="', { name: 's== /dev/sdb' }, ['/dev/sdb']],
      [
        'deviceName by-path → by_path "s=="',
        { by_path: 's== /dev/disk/by-path/pci-0000:01:00.0-nvme-1' },
        ['/dev/nvme0n1'],
      ],
      ['hctl → "s=="', { hctl: 's== 0:0:0:0' }, ['/dev/sda']],
      ['model → "<in>"', { model: '<in> WDS100T' }, ['/dev/nvme0n1']],
      ['vendor → "<in>"', { vendor: '<in> QEMU' }, ['/dev/sdb']],
      ['serialNumber → "s=="', { serial: 's== QM00002' }, ['/dev/sdb']],
      ['wwn → "s=="', { wwn: 's== eui.e8238fa6bf530001001b448b45b2c3d4' }, ['/dev/nvme0n1']],
      ['minSizeGigabytes → size ">="', { size: '>= 500' }, ['/dev/nvme0n1']],
      ['rotational → "false"', { rotational: 'false', size: '>= 100' }, ['/dev/sda', '/dev/nvme0n1']],
    ];
    for (const [what, hints, expected] of table) {
      it(what, () => {
        expect(names(referenceDevices(), hints)).to.deep.equal(expected);
      });
    }
  });

  describe('list-valued serial and wwn (lsblk + udev)', () => {
    const devices = [
      makeDevice('/dev/sda', 100 * GiB, {
        serial: 'SHORT1',
        all_serials: ['SHORT1', 'ATA_Disk_SHORT1'],
        wwn: null,
        all_wwns: ['0x500a'],
      }),
      makeDevice('/dev/sdb', 100 * GiB, { serial: null, all_serials: [] }),
      makeDevice('/dev/sdc', 100 * GiB, { serial: null, all_serials: ['udev-only'] }),
    ];
    const table: Array<[string, Record<string, unknown>, string[]]> = [
      ['the lsblk serial', { serial: 'short1' }, ['/dev/sda']],
      ['the long udev serial', { serial: 'ATA_Disk_SHORT1' }, ['/dev/sda']],
      ['a serial known only to udev', { serial: 'UDEV-ONLY' }, ['/dev/sdc']],
      ['a wwn known only to udev', { wwn: '0x500A' }, ['/dev/sda']],
      ['"<in>" over any entry', { serial: '<in> disk' }, ['/dev/sda']],
      ['a device without any serial is skipped even for "s!="', { serial: 's!= nothing' }, ['/dev/sda', '/dev/sdc']],
    ];
    for (const [what, hints, expected] of table) {
      it(what, () => {
        expect(names(devices, hints)).to.deep.equal(expected);
      });
    }
  });

  describe('AND across hints and first-match order', () => {
    it('a device must satisfy every hint', () => {
      expect(names(referenceDevices(), { size: 64, rotational: false })).to.deep.equal([]);
      expect(names(referenceDevices(), { size: 64, rotational: true })).to.deep.equal(['/dev/sdb']);
      expect(names(referenceDevices(), { size: '>= 100', model: '<in> samsung', tran: 'sata' })).to.deep.equal([
        '/dev/sda',
      ]);
    });

    it('matchRootDeviceHints returns the first match in list (lsblk) order', () => {
      const devices = referenceDevices();

      expect(matchRootDeviceHints(devices, { size: '>= 465' })?.name).to.equal('/dev/sda');
      expect(matchRootDeviceHints([...devices].reverse(), { size: '>= 465' })?.name).to.equal('/dev/nvme0n1');
      expect(matchRootDeviceHints(devices, { size: 1 })).to.equal(null);
    });

    it('each match carries the reason for every hint', () => {
      const [match] = findDevicesByHints(referenceDevices(), { size: 64, model: 'qemu harddisk' });

      expect(match?.reason).to.equal(
        'size 64 GiB (68719476736 bytes) satisfies "== 64"; model "QEMU HARDDISK" satisfies "s== qemu%20harddisk"',
      );
    });

    it('accepts already parsed hints', () => {
      expect(names(referenceDevices(), parsed({ size: 64 }))).to.deep.equal(['/dev/sdb']);
    });

    it('refuses empty hints instead of matching everything', () => {
      expect(() => findDevicesByHints(referenceDevices(), {})).to.throw(HintError, 'No root device hints were given');
    });
  });

  describe('explainMismatch', () => {
    const [sda, sdb, nvme] = referenceDevices() as [BlockDevice, BlockDevice, BlockDevice];
    const hints = parsed({ size: 64, model: 'foo' });

    it('names the first failing hint in hint order', () => {
      expect(explainMismatch(sda, hints)).to.deep.equal({
        hint: 'size',
        expression: '== 64',
        deviceValue: '465.76 GiB (500107862016 bytes)',
        reason: 'size 465.76 GiB (500107862016 bytes) does not satisfy "== 64"',
      });
      expect(explainMismatch(sdb, hints)).to.deep.include({ hint: 'model', deviceValue: '"QEMU HARDDISK"' });
    });

    it('says when the device has no value for the hint', () => {
      expect(explainMismatch(nvme, parsed({ vendor: 'ata' }))).to.deep.include({
        hint: 'vendor',
        deviceValue: 'none',
        reason: 'vendor is unknown for this device, so it cannot satisfy "s== ata"',
      });
    });

    it('is null for a matching device', () => {
      expect(explainMismatch(sdb, parsed({ size: 64, rotational: true }))).to.equal(null);
    });
  });

  describe('guessRootDisk (no hints)', () => {
    it('picks the smallest disk of at least 4 GiB', () => {
      const devices = [
        makeDevice('/dev/sda', 100 * GiB),
        makeDevice('/dev/sdb', 3 * GiB),
        makeDevice('/dev/sdc', 8 * GiB),
      ];

      expect(guessRootDisk(devices).name).to.equal('/dev/sdc');
    });

    it('breaks ties by name and does not reorder the input', () => {
      const devices = [
        makeDevice('/dev/sdc', 8 * GiB),
        makeDevice('/dev/sdb', 8 * GiB),
        makeDevice('/dev/sda', 9 * GiB),
      ];

      expect(guessRootDisk(devices).name).to.equal('/dev/sdb');
      expect(devices.map((d) => d.name)).to.deep.equal(['/dev/sdc', '/dev/sdb', '/dev/sda']);
    });

    it('accepts exactly 4 GiB and rejects one byte less', () => {
      expect(guessRootDisk([makeDevice('/dev/a', MIN_ROOT_DISK_SIZE)]).name).to.equal('/dev/a');
      expect(() => guessRootDisk([makeDevice('/dev/a', MIN_ROOT_DISK_SIZE - 1)])).to.throw(DeviceNotFound);
    });

    it("raises DeviceNotFound with IPA's text when every disk is too small or there is none", () => {
      for (const devices of [[makeDevice('/dev/sda', GiB)], []]) {
        expect(() => guessRootDisk(devices)).to.throw(
          DeviceNotFound,
          'No suitable device was found for deployment - root device hints were not provided and all found block devices are smaller than 4294967296B.',
        );
      }
    });
  });

  describe('formatSize', () => {
    it('shows whole GiB plainly and fractions with two decimals, always with bytes', () => {
      expect(formatSize(8 * GiB)).to.equal('8 GiB (8589934592 bytes)');
      expect(formatSize(500107862016)).to.equal('465.76 GiB (500107862016 bytes)');
    });
  });
});
