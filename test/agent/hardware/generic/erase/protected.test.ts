import { expect } from 'chai';
import { BlockDeviceError, ProtectedDeviceError } from '../../../../../common/errors.js';
import {
  createSafetyCheck,
  findProtected,
  guardDisabledByNode,
  parseBlkidExport,
  parseLsblkTree,
  type DeviceEvidence,
} from '../../../../../agent/hardware/generic/erase/protected.js';
import type { DiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { gptEntry, gptHeader } from './table-images.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { node } from './support.js';

const LSBLK = ['lsblk', '-bia', '--json', '-p', '-oNAME,UUID,PTUUID,PARTTYPE,PARTUUID,FSTYPE'];

/** lsblk as printed without udev: a tree of names, every property null. */
function lsblkTree(disk: string, parts: string[], fields: Record<string, Record<string, string>> = {}): string {
  const entry = (name: string): Record<string, unknown> => ({
    name,
    uuid: null,
    ptuuid: null,
    parttype: null,
    partuuid: null,
    fstype: null,
    ...(fields[name] ?? {}),
  });
  const root = parts.length > 0 ? { ...entry(disk), children: parts.map(entry) } : entry(disk);
  return JSON.stringify({ blockdevices: [root] }, null, 3);
}

function blkid(name: string, stdout: string, exitCode = 0): { match: string[]; stdout: string; exitCode: number } {
  return { match: ['blkid', '-p', '-o', 'export', '-n', 'gfs2,VMFS,VMFS_volume_member', name], stdout, exitCode };
}

/** The geometry read before the disk's own tables: 64 MiB of 512-byte sectors. */
function geometry(name: string): { match: string[]; stdout: string } {
  return { match: ['blockdev', '--flushbufs', '--getss', '--getsize64', name], stdout: '512\n67108864\n' };
}

/** A disk whose own sectors hold no table (all zero), so the on-disk pass adds no probes. */
const blankDisk: DiskReader = { read: async (_device, _offset, length) => Buffer.alloc(length) };

const BLKID_GPT_DISK = 'DEVNAME=/dev/sdb\nPTUUID=522fd5e7-9981-456a-af57-39113120f672\nPTTYPE=gpt\n';
const BLKID_LINUX_PART = [
  'DEVNAME=/dev/sdb1',
  'PART_ENTRY_SCHEME=gpt',
  'PART_ENTRY_UUID=11a202ac-63a9-4791-b32c-f437965df410',
  'PART_ENTRY_TYPE=0fc63daf-8483-4772-8e79-3d69d8477de4',
  'PART_ENTRY_NUMBER=1',
  'PART_ENTRY_OFFSET=2048',
  'PART_ENTRY_SIZE=40960',
  'PART_ENTRY_DISK=8:16',
  '',
].join('\n');
const BLKID_GFS2_PART = [
  'DEVNAME=/dev/sdb2',
  'UUID=bb4ef85d-f157-47bb-8c74-0d89d3411355',
  'VERSION=1',
  'BLOCK_SIZE=4096',
  'TYPE=gfs2',
  'USAGE=filesystem',
  'PART_ENTRY_SCHEME=gpt',
  'PART_ENTRY_UUID=227cdcfd-5c89-4e4a-961c-9f295b98e205',
  'PART_ENTRY_TYPE=0fc63daf-8483-4772-8e79-3d69d8477de4',
  'PART_ENTRY_NUMBER=2',
  '',
].join('\n');
const BLKID_VMFS_PART =
  'DEVNAME=/dev/sdb2\nPART_ENTRY_SCHEME=gpt\nPART_ENTRY_TYPE=aa31e02a-400f-11db-9590-000c2911d1b8\n';
const BLKID_MBR_FB_PART =
  'DEVNAME=/dev/sdb1\nPART_ENTRY_SCHEME=dos\nPART_ENTRY_UUID=3c550be7-01\nPART_ENTRY_TYPE=0xfb\n';

describe('erase/protected', () => {
  describe('findProtected', () => {
    const ev = (name: string, ids: (string | null)[], fsTypes: (string | null)[] = []): DeviceEvidence => ({
      name,
      ids,
      fsTypes,
    });
    const table: { title: string; evidence: DeviceEvidence[]; expected: { device: string; what: string } | null }[] = [
      {
        title: 'a plain Linux partition',
        evidence: [ev('/dev/sda1', ['0fc63daf-8483-4772-8e79-3d69d8477de4'], ['ext4'])],
        expected: null,
      },
      { title: 'nothing known', evidence: [ev('/dev/sda', [null, null], [null])], expected: null },
      {
        title: 'GPFS GUID in upper case (IPA spelling)',
        evidence: [ev('/dev/sda1', ['37AFFC90-EF7D-4E96-91C3-2D7AE055B174'])],
        expected: { device: '/dev/sda1', what: 'IBM GPFS Partition' },
      },
      {
        title: 'GPFS GUID in lower case (lsblk/blkid spelling)',
        evidence: [ev('/dev/sda1', ['37affc90-ef7d-4e96-91c3-2d7ae055b174'])],
        expected: { device: '/dev/sda1', what: 'IBM GPFS Partition' },
      },
      {
        title: 'VMFS GPT type',
        evidence: [ev('/dev/sda2', ['aa31e02a-400f-11db-9590-000c2911d1b8'])],
        expected: { device: '/dev/sda2', what: 'VMware VMFS Partition (GPT)' },
      },
      {
        title: 'VMFS MBR type',
        evidence: [ev('/dev/sda1', ['0xfb'])],
        expected: { device: '/dev/sda1', what: 'VMware VMFS Partition (MBR)' },
      },
      {
        title: 'VMFS MBR type in upper case',
        evidence: [ev('/dev/sda1', ['0xFB'])],
        expected: { device: '/dev/sda1', what: 'VMware VMFS Partition (MBR)' },
      },
      { title: 'other MBR type', evidence: [ev('/dev/sda1', ['0x83', '0xfa'])], expected: null },
      {
        title: 'gfs2 filesystem',
        evidence: [ev('/dev/sda', [], ['gfs2'])],
        expected: { device: '/dev/sda', what: 'Red Hat Global File System 2' },
      },
      { title: 'gfs (v1) is not guarded', evidence: [ev('/dev/sda', [], ['gfs'])], expected: null },
      {
        title: 'ids before filesystem types, first node first',
        evidence: [ev('/dev/sda', [], ['gfs2']), ev('/dev/sda1', ['0xfb'])],
        expected: { device: '/dev/sda', what: 'Red Hat Global File System 2' },
      },
      {
        title: 'an id on a later partition',
        evidence: [
          ev('/dev/sda', ['522fd5e7-9981-456a-af57-39113120f672']),
          ev('/dev/sda1', ['0x83']),
          ev('/dev/sda2', ['0xfb']),
        ],
        expected: { device: '/dev/sda2', what: 'VMware VMFS Partition (MBR)' },
      },
    ];
    const named = (label: string): DeviceEvidence => ({
      name: '/dev/sda (partition 1)',
      ids: [],
      labels: [label],
      fsTypes: [],
    });
    table.push(
      {
        title: 'a partition named as a GPFS disk',
        evidence: [named('GPFS NSD')],
        expected: { device: '/dev/sda (partition 1)', what: 'IBM GPFS Partition (by name)' },
      },
      {
        title: 'a partition named vmfs in lower case',
        evidence: [named('vmfs')],
        expected: { device: '/dev/sda (partition 1)', what: 'VMware VMFS Partition (by name)' },
      },
      { title: 'a name that only contains vmfs', evidence: [named('myvmfs-backup')], expected: null },
      {
        title: 'a VMFS filesystem (libblkid name)',
        evidence: [ev('/dev/sda', [], ['VMFS'])],
        expected: { device: '/dev/sda', what: 'VMware VMFS' },
      },
    );
    for (const row of table) {
      it(`handles ${row.title}`, () => {
        expect(findProtected(row.evidence)).to.deep.equal(row.expected);
      });
    }
  });

  describe('parsers', () => {
    it('flattens an lsblk tree, device first', () => {
      const nodes = parseLsblkTree(
        lsblkTree('/dev/sdb', ['/dev/sdb1', '/dev/sdb2'], { '/dev/sdb2': { parttype: '0xfb' } }),
      );

      expect(nodes.map((n) => n.name)).to.deep.equal(['/dev/sdb', '/dev/sdb1', '/dev/sdb2']);
      expect(nodes[2]?.fields['parttype']).to.equal('0xfb');
      expect(nodes[0]?.fields['fstype']).to.equal(null);
    });

    it('rejects JSON that is not lsblk output', () => {
      expect(() => parseLsblkTree('{"devices": []}')).to.throw(/blockdevices/);
      expect(() => parseLsblkTree('lsblk: bad usage')).to.throw(SyntaxError);
    });

    it('parses blkid export output', () => {
      expect(parseBlkidExport(BLKID_GFS2_PART)).to.include({
        TYPE: 'gfs2',
        PART_ENTRY_NUMBER: '2',
        DEVNAME: '/dev/sdb2',
      });
      expect(parseBlkidExport('')).to.deep.equal({});
    });
  });

  describe('guardDisabledByNode', () => {
    const table: [unknown, boolean][] = [
      [undefined, false],
      [true, false],
      [null, false],
      [false, true],
      ['False', true],
      ['true', false],
    ];
    for (const [value, expected] of table) {
      it(`wipe_special_filesystems=${JSON.stringify(value)} → ${expected ? 'skip' : 'guard'}`, () => {
        expect(guardDisabledByNode(node(value === undefined ? {} : { wipe_special_filesystems: value }))).to.equal(
          expected,
        );
      });
    }
  });

  describe('createSafetyCheck', () => {
    it('passes an ordinary GPT disk after probing it and every partition', async () => {
      const runner = new FakeRunner().expect(
        geometry('/dev/sdb'),
        { match: [...LSBLK, '/dev/sdb'], stdout: lsblkTree('/dev/sdb', ['/dev/sdb1']) },
        blkid('/dev/sdb', BLKID_GPT_DISK),
        blkid('/dev/sdb1', BLKID_LINUX_PART),
      );
      const check = createSafetyCheck({ runner, logger: createTestLogger().logger, enabled: true, disk: blankDisk });

      await check(node(), '/dev/sdb');

      expect(runner.calls.map((c) => c.argv[0])).to.deep.equal(['blockdev', 'lsblk', 'blkid', 'blkid']);
      expect(runner.calls[0]?.argv, 'the cache is dropped before anything is probed').to.include('--flushbufs');
      expect(runner.calls.map((c) => c.argv[c.argv.length - 1])).to.deep.equal([
        '/dev/sdb',
        '/dev/sdb',
        '/dev/sdb',
        '/dev/sdb1',
      ]);
      expect(runner.calls[2]?.options.okExitCodes).to.deep.equal([0, 2]);
    });

    it('passes a blank disk (blkid exit 2)', async () => {
      const runner = new FakeRunner().expect(
        { match: [...LSBLK, '/dev/sdc'], stdout: lsblkTree('/dev/sdc', []) },
        blkid('/dev/sdc', '', 2),
        geometry('/dev/sdc'),
      );

      await createSafetyCheck({ runner, logger: createTestLogger().logger, enabled: true, disk: blankDisk })(
        node(),
        '/dev/sdc',
      );

      expect(runner.pending()).to.deep.equal([]);
    });

    const refusals: {
      title: string;
      lsblk: string;
      probes: ReturnType<typeof blkid>[];
      device: string;
      what: string;
    }[] = [
      {
        title: 'a gfs2 partition (blkid)',
        lsblk: lsblkTree('/dev/sdb', ['/dev/sdb1', '/dev/sdb2']),
        probes: [
          blkid('/dev/sdb', BLKID_GPT_DISK),
          blkid('/dev/sdb1', BLKID_LINUX_PART),
          blkid('/dev/sdb2', BLKID_GFS2_PART),
        ],
        device: '/dev/sdb2',
        what: 'Red Hat Global File System 2',
      },
      {
        title: 'a VMFS GPT partition (blkid)',
        lsblk: lsblkTree('/dev/sdb', ['/dev/sdb1', '/dev/sdb2']),
        probes: [
          blkid('/dev/sdb', BLKID_GPT_DISK),
          blkid('/dev/sdb1', BLKID_LINUX_PART),
          blkid('/dev/sdb2', BLKID_VMFS_PART),
        ],
        device: '/dev/sdb2',
        what: 'VMware VMFS Partition (GPT)',
      },
      {
        title: 'an MBR 0xfb partition (blkid)',
        lsblk: lsblkTree('/dev/sdb', ['/dev/sdb1']),
        probes: [blkid('/dev/sdb', 'PTTYPE=dos\n'), blkid('/dev/sdb1', BLKID_MBR_FB_PART)],
        device: '/dev/sdb1',
        what: 'VMware VMFS Partition (MBR)',
      },
      {
        title: 'a GPFS partition reported by lsblk with udev',
        lsblk: lsblkTree('/dev/sdb', ['/dev/sdb1'], {
          '/dev/sdb1': { parttype: '37affc90-ef7d-4e96-91c3-2d7ae055b174' },
        }),
        probes: [blkid('/dev/sdb', BLKID_GPT_DISK), blkid('/dev/sdb1', '', 2)],
        device: '/dev/sdb1',
        what: 'IBM GPFS Partition',
      },
      {
        title: 'gfs2 on the whole disk',
        lsblk: lsblkTree('/dev/sdb', []),
        probes: [blkid('/dev/sdb', 'DEVNAME=/dev/sdb\nTYPE=gfs2\nUSAGE=filesystem\n')],
        device: '/dev/sdb',
        what: 'Red Hat Global File System 2',
      },
    ];
    for (const row of refusals) {
      it(`refuses ${row.title} with ProtectedDeviceError`, async () => {
        const runner = new FakeRunner().expect(
          geometry('/dev/sdb'),
          { match: [...LSBLK, '/dev/sdb'], stdout: row.lsblk },
          ...row.probes,
        );
        const { logger, memory } = createTestLogger();

        const error = await createSafetyCheck({ runner, logger, enabled: true, disk: blankDisk })(
          node(),
          '/dev/sdb',
        ).then(
          () => null,
          (e: unknown) => e,
        );

        expect(error).to.be.instanceOf(ProtectedDeviceError);
        expect((error as ProtectedDeviceError).details).to.match(
          new RegExp(`^Protected ${row.what.replace(/[()]/g, '\\$&')} located on device ${row.device}\\. `),
        );
        expect((error as ProtectedDeviceError).details).to.include(
          'restart cleaning after either detaching the volumes',
        );
        expect(memory.text()).to.include('Refusing to write to a protected device');
      });
    }

    it("refuses a VMFS entry of the disk's own GPT that the kernel never registered", async () => {
      const image = Buffer.alloc(1024 * 1024);
      gptHeader({ my: 1, alternate: 2047, entries: 2, count: 128, size: 128 }).copy(image, 512);
      gptEntry('aa31e02a-400f-11db-9590-000c2911d1b8', '11a202ac-63a9-4791-b32c-f437965df410', 34, 1000, '').copy(
        image,
        1024,
      );
      const runner = new FakeRunner().expect(
        { match: [...LSBLK, '/dev/sdb'], stdout: lsblkTree('/dev/sdb', []) },
        blkid('/dev/sdb', BLKID_GPT_DISK),
        { match: geometry('/dev/sdb').match, stdout: `512\n${image.length}\n` },
        {
          match: [
            'blkid',
            '-p',
            '-o',
            'export',
            '-O',
            String(34 * 512),
            '-S',
            String(967 * 512),
            '-n',
            'gfs2,VMFS,VMFS_volume_member',
            '/dev/sdb',
          ],
          exitCode: 2,
        },
      );
      const disk: DiskReader = {
        read: async (_d, offset, length) => Buffer.from(image.subarray(offset, offset + length)),
      };

      const error = await createSafetyCheck({ runner, logger: createTestLogger().logger, enabled: true, disk })(
        node(),
        '/dev/sdb',
      ).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(ProtectedDeviceError);
      expect((error as ProtectedDeviceError).details).to.include(
        'Protected VMware VMFS Partition (GPT) located on device /dev/sdb (partition 1 of its primary GPT at byte 17408, read from the disk itself)',
      );
      expect(runner.pending()).to.deep.equal([]);
    });

    it('fails closed when the disk cannot be read or its size is unknown', async () => {
      const unreadable: DiskReader = {
        read: async () => {
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        },
      };
      const base = (): FakeRunner =>
        new FakeRunner().expect(
          { match: [...LSBLK, '/dev/sdb'], stdout: lsblkTree('/dev/sdb', []) },
          blkid('/dev/sdb', '', 2),
        );

      const ioError = await createSafetyCheck({
        runner: base().expect(geometry('/dev/sdb')),
        logger: createTestLogger().logger,
        enabled: true,
        disk: unreadable,
      })(node(), '/dev/sdb').then(
        () => null,
        (e: unknown) => e,
      );
      const sizeError = await createSafetyCheck({
        runner: base().expect({ match: geometry('/dev/sdb').match, stdout: 'blockdev: oops\n' }),
        logger: createTestLogger().logger,
        enabled: true,
        disk: blankDisk,
      })(node(), '/dev/sdb').then(
        () => null,
        (e: unknown) => e,
      );

      expect(ioError).to.be.instanceOf(BlockDeviceError);
      expect((ioError as BlockDeviceError).details).to.match(
        /Unable to read the partition tables of \/dev\/sdb \(EIO: i\/o error, read\); cannot verify it is safe to write/,
      );
      expect(sizeError).to.be.instanceOf(BlockDeviceError);
      expect((sizeError as BlockDeviceError).details).to.include('Unable to read the size of /dev/sdb');
    });

    it('runs nothing when guard_special_filesystems is off', async () => {
      const runner = new FakeRunner();

      await createSafetyCheck({ runner, logger: createTestLogger().logger, enabled: false, disk: blankDisk })(
        node(),
        '/dev/sdb',
      );

      expect(runner.calls).to.deep.equal([]);
    });

    it('runs nothing when the node sets wipe_special_filesystems=false', async () => {
      const runner = new FakeRunner();

      await createSafetyCheck({ runner, logger: createTestLogger().logger, enabled: true, disk: blankDisk })(
        node({ wipe_special_filesystems: false }),
        '/dev/sdb',
      );

      expect(runner.calls).to.deep.equal([]);
    });

    it('fails closed with BlockDeviceError when lsblk output is not JSON', async () => {
      const runner = new FakeRunner().expect(geometry('/dev/sdb'), {
        match: [...LSBLK, '/dev/sdb'],
        stdout: 'garbage',
      });

      const error = await createSafetyCheck({
        runner,
        logger: createTestLogger().logger,
        enabled: true,
        disk: blankDisk,
      })(node(), '/dev/sdb').then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(BlockDeviceError);
      expect((error as BlockDeviceError).details).to.match(
        /Unable to decode lsblk output for \/dev\/sdb .*cannot verify it is safe to erase/,
      );
    });

    it('propagates an lsblk failure', async () => {
      const runner = new FakeRunner().expect(geometry('/dev/sdz'), {
        match: [...LSBLK, '/dev/sdz'],
        exitCode: 32,
        stderr: 'lsblk: /dev/sdz: not a block device',
      });

      const error = await createSafetyCheck({
        runner,
        logger: createTestLogger().logger,
        enabled: true,
        disk: blankDisk,
      })(node(), '/dev/sdz').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as Error).message).to.include('not a block device');
    });

    it('propagates an ambiguous blkid failure instead of guessing', async () => {
      const runner = new FakeRunner().expect(
        geometry('/dev/sdb'),
        { match: [...LSBLK, '/dev/sdb'], stdout: lsblkTree('/dev/sdb', []) },
        blkid('/dev/sdb', '', 4),
      );

      const error = await createSafetyCheck({
        runner,
        logger: createTestLogger().logger,
        enabled: true,
        disk: blankDisk,
      })(node(), '/dev/sdb').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as Error).message).to.include('exited with code 4');
    });
  });
});
