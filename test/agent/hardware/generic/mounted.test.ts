import { expect } from 'chai';
import { diskOfSysfsPath, excludeMountedDisks, mountedDeviceNumbers } from '../../../../agent/hardware/generic/mounted.js';
import type { FsReader } from '../../../../agent/util/fs-reader.js';
import { GiB, makeDevice } from '../../../helpers/block-device.js';
import { createTestLogger } from '../../../helpers/logger.js';

const MOUNTINFO = [
  '22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '23 22 0:21 / /proc rw - proc proc rw',
  '87 22 8:17 / /mnt/coreos/run/media/iso ro,relatime - iso9660 /dev/sdb1 ro',
  '88 22 259:2 / /mnt/coreos/var rw,relatime - xfs /dev/nvme0n1p2 rw',
].join('\n');

/** Files, symbolic links, and paths that merely exist (sysfs `partition` attributes). */
function fakeFs(files: Record<string, string>, links: Record<string, string> = {}, present: readonly string[] = []): FsReader {
  return {
    readFile: async (path) => { const v = files[path]; if (v === undefined) throw new Error(`ENOENT ${path}`); return v; },
    readdir: async () => [],
    readlink: async (path) => { const v = links[path]; if (v === undefined) throw new Error(`ENOENT ${path}`); return v; },
    exists: async (path) => path in files || present.includes(path),
  };
}

describe('generic/mounted', () => {
  it('reads the major:minor of mounted block devices, ignoring pseudo filesystems (0:N)', () => {
    expect([...mountedDeviceNumbers(MOUNTINFO)]).to.deep.equal(['253:0', '8:17', '259:2']);
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

  it('leaves out a disk whose partition is mounted (the live ISO stick, an NVMe partition), keeps the others', async () => {
    const { logger, memory } = createTestLogger();
    const fs = fakeFs({ '/proc/self/mountinfo': MOUNTINFO }, {
      '/sys/dev/block/8:17': '../../devices/pci0000:00/usb2/host6/block/sdb/sdb1',
      '/sys/dev/block/253:0': '../../devices/pci0000:00/virtio1/block/vda',
      '/sys/dev/block/259:2': '../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1/nvme0n1p2',
    }, ['/sys/dev/block/8:17/partition', '/sys/dev/block/259:2/partition']);

    const kept = await excludeMountedDisks([makeDevice('/dev/sda', 10 * GiB), makeDevice('/dev/sdb', 16 * GiB), makeDevice('/dev/nvme0n1', 16 * GiB)], { fs, logger });

    expect(kept.map((d) => d.name)).to.deep.equal(['/dev/sda']);
    expect(memory.entries.some((e) => e['disk'] === '/dev/sdb' && e['mounted'] === '/dev/sdb1')).to.equal(true);
  });

  it('keeps everything when mountinfo cannot be read', async () => {
    const kept = await excludeMountedDisks([makeDevice('/dev/sda', 10 * GiB)], { fs: fakeFs({}), logger: createTestLogger().logger });

    expect(kept).to.have.length(1);
  });
});
