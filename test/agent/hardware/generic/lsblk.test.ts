import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BlockDeviceError } from '../../../../common/errors.js';
import { lsblkArgv, lsblkRows, parseLsblk } from '../../../../agent/hardware/generic/lsblk.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/lsblk/${name}`, import.meta.url), 'utf8');

describe('generic/lsblk', () => {
  it("asks lsblk for bytes, all devices, ASCII, JSON and IPA's columns plus RO, RM, PKNAME, HCTL, VENDOR", () => {
    expect(lsblkArgv()).to.deep.equal([
      'lsblk',
      '-bia',
      '--json',
      '-o',
      'KNAME,MODEL,SIZE,ROTA,TYPE,UUID,PARTUUID,SERIAL,WWN,LOG-SEC,PHY-SEC,TRAN,RO,RM,PKNAME,HCTL,VENDOR',
    ]);
  });

  describe('util-linux 2.38 output', () => {
    const json = fixture('util-linux-2.38.json');

    it('keeps disks, RAID and multipath devices in lsblk order and drops everything IPA drops', () => {
      const skipped: Array<[string, string]> = [];

      const devices = parseLsblk(json, { onSkip: (name, reason) => skipped.push([name, reason]) });

      expect(devices.map((d) => d.name)).to.deep.equal([
        '/dev/sda',
        '/dev/sdb',
        '/dev/nvme0n1',
        '/dev/sdc',
        '/dev/md127',
        '/dev/sdd',
        '/dev/dm-0',
        '/dev/sdh',
      ]);
      expect(skipped).to.deep.include.members([
        ['/dev/sr0', 'type rom is not a disk'],
        ['/dev/fd0', 'floppy disk'],
        ['/dev/zram0', 'RAM disk'],
        ['/dev/ram0', 'RAM disk'],
        ['/dev/loop0', 'type loop is not a disk'],
        ['/dev/loop1', 'type loop is not a disk'],
        ['/dev/sde', 'path of a multipath device (the mpath device is used instead)'],
        ['/dev/sdf', 'path of a multipath device (the mpath device is used instead)'],
        ['/dev/dm-1', 'type lvm is not a disk'],
        ['/dev/sdg', 'zero size'],
      ]);
    });

    it("maps the columns to IPA's BlockDevice fields", () => {
      const [sda, sdb] = parseLsblk(json);

      expect(sda).to.deep.equal({
        name: '/dev/sda',
        model: 'Samsung SSD 860 EVO 500GB',
        size: 500107862016,
        rotational: false,
        wwn: '0x5002538e40a1b2c3',
        serial: 'S3Z9NB0K123456A',
        vendor: 'ATA',
        wwn_with_extension: null,
        wwn_vendor_extension: null,
        hctl: '0:0:0:0',
        by_path: null,
        logical_sectors: 512,
        physical_sectors: 512,
        tran: 'sata',
        type: 'disk',
        read_only: false,
        removable: false,
        all_serials: ['S3Z9NB0K123456A'],
        all_wwns: ['0x5002538e40a1b2c3'],
      });
      expect(sdb).to.deep.include({ rotational: true, tran: null, wwn: null, all_wwns: [], vendor: 'QEMU' });
    });

    it('reads the sector sizes and the read-only flag', () => {
      const devices = parseLsblk(json);

      expect(devices.find((d) => d.name === '/dev/nvme0n1')).to.deep.include({
        logical_sectors: 512,
        physical_sectors: 4096,
      });
      expect(devices.find((d) => d.name === '/dev/sdh')).to.deep.include({ read_only: true });
    });

    it('drops read-only devices on request', () => {
      expect(parseLsblk(json, { excludeReadOnly: true }).map((d) => d.name)).not.to.include('/dev/sdh');
    });

    it('lists partitions after the disks when asked, and attaches them to their disk', () => {
      const devices = parseLsblk(json, { includePartitions: true });

      expect(devices.map((d) => d.name).slice(-3)).to.deep.equal(['/dev/sda1', '/dev/sda2', '/dev/nvme0n1p1']);
      expect(devices[0]?.partitions?.map((p) => p.name)).to.deep.equal(['/dev/sda1', '/dev/sda2']);
      expect(devices.find((d) => d.name === '/dev/sda1')).to.deep.include({ type: 'part', size: 536870912 });
    });

    it('includes loop devices only on request, still dropping detached (zero-size) ones', () => {
      const devices = parseLsblk(json, { includeLoop: true });

      expect(devices.map((d) => d.name))
        .to.include('/dev/loop1')
        .and.not.include('/dev/loop0');
    });

    it('applies the allowlist before every other rule, without reporting what it hides', () => {
      const skipped: string[] = [];

      const devices = parseLsblk(json, {
        allow: (path) => path === '/dev/sdb' || path === '/dev/sr0',
        onSkip: (name) => skipped.push(name),
      });

      expect(devices.map((d) => d.name)).to.deep.equal(['/dev/sdb']);
      expect(skipped).to.deep.equal(['/dev/sr0']);
    });

    it('still drops multipath paths when only the paths are allowed', () => {
      expect(parseLsblk(json, { allow: (path) => path === '/dev/sde' })).to.deep.equal([]);
    });
  });

  it('reads old lsblk output where every value is a string and optional columns are missing', () => {
    const devices = parseLsblk(fixture('util-linux-2.32-strings.json'), { includePartitions: true });

    expect(devices.map((d) => [d.name, d.size, d.rotational, d.read_only, d.logical_sectors])).to.deep.equal([
      ['/dev/vda', 21474836480, true, false, 512],
      ['/dev/vda1', 21473787904, false, false, 512],
    ]);
    expect(devices[0]?.serial).to.equal('virtio-serial-1');
  });

  it('flattens tree output and de-duplicates RAID devices that appear under every member', () => {
    expect(lsblkRows(fixture('tree.json')).map((r) => r['kname'])).to.deep.equal([
      'sda',
      'sda1',
      'sdb',
      'md0',
      'sdc',
      'md0',
    ]);
    expect(parseLsblk(fixture('tree.json')).map((d) => d.name)).to.deep.equal([
      '/dev/sda',
      '/dev/sdb',
      '/dev/md0',
      '/dev/sdc',
    ]);
  });

  describe('errors', () => {
    it('names the missing required columns', () => {
      expect(() => parseLsblk(fixture('missing-columns.json'))).to.throw(
        BlockDeviceError,
        'tran, wwn must be returned by lsblk.',
      );
    });

    it('rejects output that is not JSON or has no blockdevices', () => {
      expect(() => parseLsblk('lsblk: unknown column')).to.throw(
        BlockDeviceError,
        'Unable to decode lsblk output, invalid JSON',
      );
      expect(() => parseLsblk({ devices: [] })).to.throw(BlockDeviceError, 'lsblk output has no "blockdevices" list');
    });
  });
});
