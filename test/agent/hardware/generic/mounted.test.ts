import { expect } from 'chai';
import { diskOfSysfsPath, mountsByDeviceNumber, readMountedDisks } from '../../../../agent/hardware/generic/mounted.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';

const MOUNTINFO = [
  '22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '23 22 0:21 / /proc rw - proc proc rw',
  '87 22 8:17 / /mnt/coreos/run/media/iso ro,relatime - iso9660 /dev/sdb1 ro',
  '88 22 8:18 / /mnt/my\\040stick rw,relatime - vfat /dev/sdb2 rw',
  '89 22 8:17 / /mnt/coreos/sysroot ro,relatime - iso9660 /dev/sdb1 ro',
].join('\n');

/** Files, symbolic links, and paths that merely exist (sysfs `partition` attributes). */
function fakeFs(
  files: Record<string, string>,
  links: Record<string, string> = {},
  present: readonly string[] = [],
): FsReader {
  return {
    readFile: async (path) => {
      const v = files[path];
      if (v === undefined) throw new Error(`ENOENT ${path}`);
      return v;
    },
    readdir: async () => [],
    readlink: async (path) => {
      const v = links[path];
      if (v === undefined) throw new Error(`ENOENT ${path}`);
      return v;
    },
    exists: async (path) => path in files || present.includes(path),
  };
}

describe('generic/mounted', () => {
  it('reads the mount points of mounted block devices by major:minor, decoding octal escapes and ignoring pseudo filesystems (0:N)', () => {
    expect([...mountsByDeviceNumber(MOUNTINFO)]).to.deep.equal([
      ['253:0', ['/']],
      ['8:17', ['/mnt/coreos/run/media/iso', '/mnt/coreos/sysroot']],
      ['8:18', ['/mnt/my stick']],
    ]);
  });

  describe('the whole disk of a sysfs device path', () => {
    const table: Array<[string, boolean, string | null]> = [
      ['../../devices/pci0000:00/0000:00:14.0/usb2/2-1/host6/target6:0:0/6:0:0:0/block/sdb/sdb1', true, 'sdb'],
      ['../../devices/pci0000:00/0000:00:14.0/usb2/2-1/host6/target6:0:0/6:0:0:0/block/sdb', false, 'sdb'],
      ['../../devices/virtual/block/loop3', false, 'loop3'],
      ['../../devices/virtual/block/loop3/loop3p1', true, 'loop3'],
      // NVMe has no block/ directory: the namespace sits below its controller.
      ['../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1/nvme0n1p2', true, 'nvme0n1'],
      ['../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1', false, 'nvme0n1'],
      ['', false, null],
    ];
    for (const [path, isPartition, disk] of table) {
      it(`${path || '(empty)'}${isPartition ? ' (partition)' : ''} → ${String(disk)}`, () => {
        expect(diskOfSysfsPath(path, isPartition)).to.equal(disk);
      });
    }
  });

  it('maps every mount to its disk through /sys/dev/block: partitions (the live ISO stick) and whole disks', async () => {
    const fs = fakeFs(
      { '/proc/self/mountinfo': MOUNTINFO },
      {
        '/sys/dev/block/8:17': '../../devices/pci0000:00/usb2/host6/block/sdb/sdb1',
        '/sys/dev/block/8:18': '../../devices/pci0000:00/usb2/host6/block/sdb/sdb2',
        '/sys/dev/block/253:0': '../../devices/pci0000:00/virtio1/block/vda',
      },
      ['/sys/dev/block/8:17/partition', '/sys/dev/block/8:18/partition'],
    );

    const mounted = await readMountedDisks({ fs });

    expect([...mounted]).to.deep.equal([
      ['/dev/vda', [{ device: '/dev/vda', mountPoint: '/' }]],
      [
        '/dev/sdb',
        [
          { device: '/dev/sdb1', mountPoint: '/mnt/coreos/run/media/iso' },
          { device: '/dev/sdb1', mountPoint: '/mnt/coreos/sysroot' },
          { device: '/dev/sdb2', mountPoint: '/mnt/my stick' },
        ],
      ],
    ]);
  });

  it('reads the given sysfs and mountinfo paths (an NVMe partition)', async () => {
    const fs = fakeFs(
      { '/host/proc/1/mountinfo': '87 22 259:2 / /media ro - ext4 /dev/nvme0n1p2 ro' },
      {
        '/host/sys/dev/block/259:2': '../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1/nvme0n1p2',
      },
      ['/host/sys/dev/block/259:2/partition'],
    );

    const mounted = await readMountedDisks({ fs, sys: '/host/sys', mountinfo: '/host/proc/1/mountinfo' });

    expect([...mounted]).to.deep.equal([['/dev/nvme0n1', [{ device: '/dev/nvme0n1p2', mountPoint: '/media' }]]]);
  });

  it('no mounted disks when mountinfo cannot be read, or a device number has no sysfs entry', async () => {
    expect((await readMountedDisks({ fs: fakeFs({}) })).size).to.equal(0);
    expect((await readMountedDisks({ fs: fakeFs({ '/proc/self/mountinfo': MOUNTINFO }) })).size).to.equal(0);
  });
});
