import { expect } from 'chai';
import { ddArgv, diskLayout, sgdiskArgv } from '../../../testbed/vm/disk-layout.js';

const MIB = 1024 * 1024;

describe('testbed/vm/disk-layout', () => {
  it('lays ESP, boot and root back to back from 1 MiB, with FCOS names, and 1 MiB for the backup GPT', () => {
    const layout = diskLayout({ espMiB: 64, bootMiB: 384, rootMiB: 1000 });

    expect(layout.partitions.map((p) => [p.number, p.name, p.type, p.offset / MIB, p.size / MIB])).to.deep.equal([
      [1, 'EFI-SYSTEM', 'EF00', 1, 64],
      [2, 'boot', '8300', 65, 384],
      [3, 'root', '8300', 449, 1000],
    ]);
    expect(layout.size / MIB).to.equal(1450);
  });

  it('gives sgdisk explicit first and last sectors', () => {
    const argv = sgdiskArgv(diskLayout({ espMiB: 1, bootMiB: 1, rootMiB: 1 }), '/d.img');

    expect(argv).to.deep.equal([
      'sgdisk',
      '--zap-all',
      '--new=1:2048:4095',
      '--typecode=1:EF00',
      '--change-name=1:EFI-SYSTEM',
      '--new=2:4096:6143',
      '--typecode=2:8300',
      '--change-name=2:boot',
      '--new=3:6144:8191',
      '--typecode=3:8300',
      '--change-name=3:root',
      '/d.img',
    ]);
  });

  it('writes a filesystem at its partition offset without truncating the disk', () => {
    const [, boot] = diskLayout({ espMiB: 64, bootMiB: 384, rootMiB: 10 }).partitions;

    expect(ddArgv('/w/boot.img', '/w/disk.img', boot)).to.deep.equal([
      'dd',
      'if=/w/boot.img',
      'of=/w/disk.img',
      'bs=1M',
      'seek=65',
      'conv=notrunc,sparse',
      'status=none',
    ]);
  });

  for (const bad of [0, -1, 1.5])
    it(`refuses a size of ${bad} MiB`, () => {
      expect(() => diskLayout({ espMiB: bad, bootMiB: 1, rootMiB: 1 })).to.throw(
        'espMiB must be a positive whole number',
      );
    });
});
