import { expect } from 'chai';
import {
  byDisk,
  eraseOrder,
  guardedDevices,
  isLinuxRaidMember,
  isReadOnlyDevice,
  isVirtualMediaDevice,
  listErasableDevices,
} from '../../../../../agent/hardware/generic/erase/device-checks.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { disk, fakeDeps, fakeFs, notRaid } from './support.js';

describe('erase/device-checks', () => {
  describe('eraseOrder', () => {
    const table: { title: string; disks: ReturnType<typeof disk>[]; expected: string[] }[] = [
      {
        title: 'a disk after its partitions',
        disks: [disk('/dev/sda', ['/dev/sda1', '/dev/sda2'])],
        expected: ['/dev/sda2', '/dev/sda1', '/dev/sda'],
      },
      {
        title: 'several disks, reverse by name',
        disks: [disk('/dev/sda', ['/dev/sda1']), disk('/dev/sdb', ['/dev/sdb1'])],
        expected: ['/dev/sdb1', '/dev/sdb', '/dev/sda1', '/dev/sda'],
      },
      {
        title: 'NVMe partitions before their namespace',
        disks: [disk('/dev/nvme0n1', ['/dev/nvme0n1p1', '/dev/nvme0n1p2']), disk('/dev/nvme1n1')],
        expected: ['/dev/nvme1n1', '/dev/nvme0n1p2', '/dev/nvme0n1p1', '/dev/nvme0n1'],
      },
      {
        title: 'duplicates once',
        disks: [disk('/dev/sda', ['/dev/sda1']), disk('/dev/sda')],
        expected: ['/dev/sda1', '/dev/sda'],
      },
      { title: 'nothing', disks: [], expected: [] },
    ];
    for (const row of table) {
      it(`orders ${row.title}`, () => {
        expect(eraseOrder(row.disks).map((t) => t.name)).to.deep.equal(row.expected);
      });
    }

    it('marks partitions', () => {
      expect(eraseOrder([disk('/dev/sda', ['/dev/sda1'])]).map((t) => t.isPartition)).to.deep.equal([true, false]);
    });
  });

  describe('guardedDevices', () => {
    const disks = [disk('/dev/sda', ['/dev/sda1', '/dev/sda2']), disk('/dev/sdb', ['/dev/sdb1'])];
    const targets = (names: string[]) => eraseOrder(disks).filter((t) => names.includes(t.name));
    const table: { title: string; names: string[]; expected: string[] }[] = [
      { title: 'every target, disks included', names: ['/dev/sda1', '/dev/sda'], expected: ['/dev/sda1', '/dev/sda'] },
      {
        title: 'the disk of a partition whose disk is not erased (e.g. skipped as a RAID member)',
        names: ['/dev/sda2'],
        expected: ['/dev/sda2', '/dev/sda'],
      },
      {
        title: 'each disk once',
        names: ['/dev/sdb1', '/dev/sda2', '/dev/sda1'],
        expected: ['/dev/sdb1', '/dev/sda2', '/dev/sda1', '/dev/sdb', '/dev/sda'],
      },
      { title: 'nothing', names: [], expected: [] },
    ];
    for (const row of table) {
      it(`guards ${row.title}`, () => {
        expect(guardedDevices(disks, targets(row.names))).to.deep.equal(row.expected);
      });
    }
  });

  describe('isVirtualMediaDevice', () => {
    it('resolves the ir-vfd-dev label link relative to its directory', async () => {
      const deps = fakeDeps(new FakeRunner(), createTestLogger().logger, fakeFs({ virtualMedia: '../../sdc' }));

      expect(await isVirtualMediaDevice(deps, '/dev/sdc')).to.equal(true);
      expect(await isVirtualMediaDevice(deps, '/dev/sda')).to.equal(false);
    });

    it('warns and answers false when the label cannot be read', async () => {
      const { logger, memory } = createTestLogger();
      const fs = {
        ...fakeFs(),
        readlink: async () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      };

      expect(await isVirtualMediaDevice(fakeDeps(new FakeRunner(), logger, fs), '/dev/sdc')).to.equal(false);
      expect(memory.text()).to.include('Could not read the virtual media label');
    });

    it('is false without the label', async () => {
      expect(await isVirtualMediaDevice(fakeDeps(new FakeRunner(), createTestLogger().logger), '/dev/sdc')).to.equal(
        false,
      );
    });
  });

  describe('isLinuxRaidMember', () => {
    it('detects linux_raid_member in lsblk --fs output', async () => {
      const runner = new FakeRunner().expect(notRaid('/dev/sda', 'linux_raid_member  1.2 any:0 2a4c'));

      expect(await isLinuxRaidMember(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(true);
    });

    it('is false for an ordinary filesystem', async () => {
      const runner = new FakeRunner().expect(notRaid('/dev/sda', 'ext4 1.0 3c0b3e55-0f6e'));

      expect(await isLinuxRaidMember(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(false);
    });

    it('assumes a member when lsblk fails, and warns', async () => {
      const runner = new FakeRunner().expect({
        match: ['lsblk', '--fs', '--noheadings', '/dev/sda'],
        exitCode: 32,
        stderr: 'lsblk: /dev/sda: not a block device',
      });
      const { logger, memory } = createTestLogger();

      expect(await isLinuxRaidMember(fakeDeps(runner, logger), '/dev/sda')).to.equal(true);
      expect(memory.text()).to.include('Could not determine if device is a RAID member');
    });
  });

  describe('isReadOnlyDevice', () => {
    it('reads /sys/class/block/<name>/ro, partitions included', async () => {
      const deps = fakeDeps(new FakeRunner(), createTestLogger().logger, fakeFs({ readOnly: ['sda1'] }));

      expect(await isReadOnlyDevice(deps, disk('/dev/sda1'))).to.equal(true);
      expect(await isReadOnlyDevice(deps, disk('/dev/sda'))).to.equal(false);
    });

    it('falls back to the lister field when sysfs has no entry', async () => {
      const deps = fakeDeps(new FakeRunner(), createTestLogger().logger, fakeFs({ missingSysfs: true }));

      expect(await isReadOnlyDevice(deps, disk('/dev/sr0', [], { read_only: true }))).to.equal(true);
      expect(await isReadOnlyDevice(deps, disk('/dev/sda'))).to.equal(false);
    });

    it('warns and falls back when sysfs cannot be read', async () => {
      const { logger, memory } = createTestLogger();
      const fs = {
        ...fakeFs(),
        readFile: async () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      };

      expect(await isReadOnlyDevice(fakeDeps(new FakeRunner(), logger, fs), disk('/dev/sda'))).to.equal(false);
      expect(memory.text()).to.include('Could not determine if device is read-only');
    });
  });

  describe('listErasableDevices', () => {
    it('skips virtual media, RAID members and read-only devices, keeping the order', async () => {
      const runner = new FakeRunner().expect(
        notRaid('/dev/sdc'),
        notRaid('/dev/sdb2'),
        notRaid('/dev/sdb1', 'linux_raid_member'),
        notRaid('/dev/sdb'),
        notRaid('/dev/sda'),
      );
      const { logger, memory } = createTestLogger();
      const deps = fakeDeps(runner, logger, fakeFs({ virtualMedia: '../../sdd', readOnly: ['sdc'] }));

      const result = await listErasableDevices(deps, [
        disk('/dev/sda'),
        disk('/dev/sdb', ['/dev/sdb1', '/dev/sdb2']),
        disk('/dev/sdc'),
        disk('/dev/sdd'),
      ]);

      expect(result.map((t) => t.name)).to.deep.equal(['/dev/sdb2', '/dev/sdb', '/dev/sda']);
      expect(memory.text())
        .to.include('Skipping erasure of virtual media device')
        .and.include('Skipping erasure of RAID member device')
        .and.include('Skipping erasure of read-only device');
      expect(runner.pending()).to.deep.equal([]);
    });
  });

  describe('byDisk', () => {
    const disks = [
      disk('/dev/sda', ['/dev/sda1', '/dev/sda2']),
      disk('/dev/sdb'),
      disk('/dev/nvme0n1', ['/dev/nvme0n1p1']),
    ];
    const table: { title: string; names: string[]; expected: string[][] }[] = [
      {
        title: 'one group per disk, partitions first as given',
        names: ['/dev/sdb', '/dev/sda2', '/dev/sda1', '/dev/sda', '/dev/nvme0n1p1', '/dev/nvme0n1'],
        expected: [['/dev/sdb'], ['/dev/sda2', '/dev/sda1', '/dev/sda'], ['/dev/nvme0n1p1', '/dev/nvme0n1']],
      },
      {
        title: 'partitions of a disk that is not a target (a RAID member) stay together',
        names: ['/dev/sda2', '/dev/sda1', '/dev/sdb'],
        expected: [['/dev/sda2', '/dev/sda1'], ['/dev/sdb']],
      },
      { title: 'nothing', names: [], expected: [] },
    ];
    for (const row of table) {
      it(`groups ${row.title}`, () => {
        const all = eraseOrder(disks);
        const targets = row.names.map((name) => all.find((t) => t.name === name)!);

        expect(byDisk(disks, targets).map((group) => group.map((t) => t.name))).to.deep.equal(row.expected);
      });
    }
  });
});
