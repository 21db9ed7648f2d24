import { expect } from 'chai';
import { ConfigError } from '../../../../common/errors.js';
import { BlockDeviceLister, type HostPaths } from '../../../../agent/hardware/generic/block-devices.js';
import { lsblkArgv } from '../../../../agent/hardware/generic/lsblk.js';
import { lsblkRow } from '../../../helpers/block-device.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { makeTree, RecordingFsReader, removeTree, type TreeSpec } from '../../../helpers/fs-tree.js';
import { createTestLogger } from '../../../helpers/logger.js';

const row = (kname: string, type: string, size: number, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  lsblkRow(kname, size, { type, ...extra });

const LSBLK = JSON.stringify({
  blockdevices: [
    row('sda', 'disk', 500107862016, { model: 'Samsung SSD 860', serial: 'S3Z9', tran: 'sata' }),
    row('sdb', 'disk', 2000398934016, { model: 'ST2000NM0055', rota: true }),
    row('sdc', 'disk', 1048576 * 64, { model: 'Virtual Media', rm: true, tran: 'usb' }),
    row('sdc1', 'part', 1048576 * 63, { pkname: 'sdc' }),
    row('sdd', 'disk', 8 * 2 ** 30, { model: 'Write Protected', ro: true }),
    row('nvme0n1', 'disk', 1000204886016, { model: 'WDC', tran: 'nvme' }),
    row('nvme0n1p1', 'part', 1000203837440, { pkname: 'nvme0n1' }),
    row('loop3', 'loop', 5 * 2 ** 30),
  ],
});

const TREE: TreeSpec = {
  'sys/class/block/sda/dev': '8:0\n',
  'sys/class/block/sda/device/vendor': 'ATA     \n',
  'sys/class/block/sda/device/scsi_device/0:0:0:0': { dir: true },
  'sys/class/block/sdb/dev': '8:16\n',
  'sys/class/block/sdb/device/scsi_device/2:0:0:0': { dir: true },
  'sys/class/block/sdc/dev': '8:32\n',
  'sys/class/block/sdd/dev': '8:48\n',
  'sys/class/block/nvme0n1/dev': '259:0\n',
  'sys/class/block/nvme0n1p1/dev': '259:1\n',
  'sys/class/block/loop3/dev': '7:3\n',
  'run/udev/data/b8:0': [
    'S:disk/by-id/ata-Samsung_SSD_860_S3Z9',
    'S:disk/by-path/pci-0000:00:1f.2-ata-1',
    'I:1234',
    'E:ID_SERIAL=Samsung_SSD_860_S3Z9',
    'E:ID_SERIAL_SHORT=S3Z9',
    'E:ID_WWN=0x5002538e40a1b2c3',
    'E:ID_WWN_WITH_EXTENSION=0x5002538e40a1b2c3ffff',
    'E:ID_WWN_VENDOR_EXTENSION=0xffff',
    'G:systemd',
    '',
  ].join('\n'),
  'run/udev/data/b8:16': 'E:ID_SERIAL=ST2000NM0055_ZC20\nE:ID_SERIAL_SHORT=ZC20\nE:ID_FS_TYPE=linux_raid_member\n',
  'run/udev/data/b8:48': 'E:ID_SERIAL=RO_1\n',
  'run/udev/data/b259:0':
    'S:disk/by-path/pci-0000:01:00.0-nvme-1\nE:ID_SERIAL=WDC_2023\nE:ID_SERIAL_SHORT=2023\nE:ID_WWN=eui.e823\n',
  'run/udev/data/b259:1': 'E:ID_PART_ENTRY_NUMBER=1\n',
  'dev/disk/by-path/pci-0000:00:1f.2-ata-1.0': { link: '../../sda' },
  'dev/disk/by-path/pci-0000:00:1f.2-ata-1': { link: '../../sda' },
  'dev/disk/by-label/CONFIG-2': { link: '../../sdc' },
};

describe('generic/block-devices BlockDeviceLister', () => {
  let root = '';
  let paths: HostPaths;

  before(async () => {
    root = await makeTree('hints-lister', TREE);
    paths = { sys: `${root}/sys`, dev: `${root}/dev`, run: `${root}/run` };
  });

  after(async () => {
    await removeTree(root);
  });

  const setup = (
    allowlist: string[] = ['/dev/*'],
    blkid: Record<string, string> = {},
  ): {
    lister: BlockDeviceLister;
    runner: FakeRunner;
    fs: RecordingFsReader;
    memory: ReturnType<typeof createTestLogger>['memory'];
  } => {
    const runner = new FakeRunner().expect({ match: lsblkArgv(), stdout: LSBLK });
    for (const [device, stdout] of Object.entries(blkid))
      runner.expect({ match: ['blkid', '-p', '-o', 'export', device], stdout, exitCode: stdout === '' ? 2 : 0 });
    const fs = new RecordingFsReader();
    const { logger, memory } = createTestLogger();
    return { lister: new BlockDeviceLister({ runner, fs, logger, allowlist, paths }), runner, fs, memory };
  };

  it('enriches devices from sysfs, /dev/disk/by-path and the udev database, lsblk values first', async () => {
    const { lister, runner } = setup(['/dev/sd*', '/dev/nvme*'], {
      '/dev/sdc': 'DEVNAME=/dev/sdc\nLABEL=config-2\nTYPE=iso9660\n',
    });

    const devices = await lister.list();

    const sda = devices.find((d) => d.name === '/dev/sda');
    expect(sda).to.deep.include({
      vendor: 'ATA',
      hctl: '0:0:0:0',
      by_path: '/dev/disk/by-path/pci-0000:00:1f.2-ata-1',
      serial: 'S3Z9',
      wwn: '0x5002538e40a1b2c3',
      wwn_with_extension: '0x5002538e40a1b2c3ffff',
      wwn_vendor_extension: '0xffff',
    });
    expect(sda?.all_serials).to.deep.equal(['S3Z9', 'Samsung_SSD_860_S3Z9']);
    expect(sda?.all_wwns).to.deep.equal(['0x5002538e40a1b2c3']);
    const nvme = devices.find((d) => d.name === '/dev/nvme0n1');
    expect(nvme).to.deep.include({
      serial: '2023',
      wwn: 'eui.e823',
      by_path: '/dev/disk/by-path/pci-0000:01:00.0-nvme-1',
      hctl: null,
    });
    expect(devices.map((d) => d.name)).to.deep.equal(['/dev/sda', '/dev/sdb', '/dev/sdc', '/dev/sdd', '/dev/nvme0n1']);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('leaves out read-only devices, virtual media and RAID members on request, saying why', async () => {
    const { lister } = setup(['/dev/sd*', '/dev/nvme*'], { '/dev/sdc': 'LABEL=config-2\nTYPE=iso9660\n' });

    const scan = await lister.scan({ excludeReadOnly: true, excludeVirtualMedia: true, excludeRaidMembers: true });

    expect(scan.devices.map((d) => d.name)).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
    expect(scan.excluded).to.deep.include.members([
      { name: '/dev/sdd', reason: 'read-only' },
      { name: '/dev/sdb', reason: 'member of a software RAID array (linux_raid_member)' },
      { name: '/dev/sdc', reason: 'virtual media (label config-2)' },
    ]);
  });

  it("recognises virtual media from /dev/disk/by-label alone (IPA's check)", async () => {
    const { lister } = setup(['/dev/sdc'], { '/dev/sdc': '' });

    const scan = await lister.scan({ excludeVirtualMedia: true });

    expect(scan.excluded).to.deep.equal([{ name: '/dev/sdc', reason: 'virtual media (label CONFIG-2)' }]);
  });

  it('leaves out the partitions of a device it leaves out, without probing them', async () => {
    const { lister, runner } = setup(['/dev/sdc'], { '/dev/sdc': 'LABEL=config-2\n' });

    const scan = await lister.scan({ includePartitions: true, excludeVirtualMedia: true });

    expect(scan.devices).to.deep.equal([]);
    expect(scan.excluded).to.deep.equal([
      { name: '/dev/sdc', reason: 'virtual media (label config-2)' },
      { name: '/dev/sdc1', reason: 'partition of /dev/sdc (virtual media (label config-2))' },
    ]);
    expect(runner.calls.filter((c) => c.argv[0] === 'blkid').map((c) => c.argv.at(-1))).to.deep.equal(['/dev/sdc']);
  });

  it('lists partitions of allowlisted disks', async () => {
    const { lister } = setup(['/dev/nvme0n1']);

    const devices = await lister.list({ includePartitions: true });

    expect(devices.map((d) => d.name)).to.deep.equal(['/dev/nvme0n1', '/dev/nvme0n1p1']);
    expect(devices[0]?.partitions?.map((p) => p.name)).to.deep.equal(['/dev/nvme0n1p1']);
  });

  it('never reads or probes a device outside the allowlist', async () => {
    const { lister, runner, fs } = setup(['/dev/sdb']);

    const devices = await lister.list({ includePartitions: true });

    expect(devices.map((d) => d.name)).to.deep.equal(['/dev/sdb']);
    expect(fs.paths.filter((p) => /sda|sdc|sdd|nvme|loop|b8:0|b259/.test(p))).to.deep.equal([]);
    expect(runner.calls.map((c) => c.argv[0])).to.deep.equal(['lsblk']);
  });

  it('lists loop devices only when the allowlist names them', async () => {
    expect((await setup(['/dev/*']).lister.list()).map((d) => d.name)).not.to.include('/dev/loop3');

    const { lister } = setup(['/dev/loop3'], { '/dev/loop3': '' });
    expect((await lister.list()).map((d) => d.name)).to.deep.equal(['/dev/loop3']);
  });

  it('falls back to sysfs and blkid without a udev database, and says so once', async () => {
    const bare = await makeTree('hints-lister-noudev', {
      'sys/class/block/sda/dev': '8:0\n',
      'sys/class/block/sda/serial': 'virtio-serial-7\n',
      'sys/class/block/sdb/dev': '8:16\n',
      'sys/class/block/sdb/device/serial': ' SCSI-SER \n',
    });
    try {
      const runner = new FakeRunner().expect(
        { match: lsblkArgv(), stdout: LSBLK },
        { match: ['blkid', '-p', '-o', 'export', '/dev/sda'], stdout: 'PTTYPE=gpt\nPTUUID=1234\n' },
        { match: ['blkid', '-p', '-o', 'export', '/dev/sdb'], stdout: 'TYPE=linux_raid_member\n' },
      );
      const { logger, memory } = createTestLogger();
      const lister = new BlockDeviceLister({
        runner,
        fs: new RecordingFsReader(),
        logger,
        allowlist: ['/dev/sda', '/dev/sdb'],
        paths: { sys: `${bare}/sys`, dev: `${bare}/dev`, run: `${bare}/run` },
      });

      const scan = await lister.scan({ excludeRaidMembers: true });

      expect(scan.devices.map((d) => [d.name, d.serial, d.all_serials])).to.deep.equal([
        ['/dev/sda', 'S3Z9', ['S3Z9', 'virtio-serial-7']],
      ]);
      expect(scan.excluded).to.deep.equal([
        { name: '/dev/sdb', reason: 'member of a software RAID array (linux_raid_member)' },
      ]);
      expect(memory.entries.filter((e) => String(e['message']).includes('No udev database'))).to.have.length(1);
      expect(runner.pending()).to.deep.equal([]);
    } finally {
      await removeTree(bare);
    }
  });

  it('carries on without blkid, warning once', async () => {
    const runner = new FakeRunner().expect(
      { match: lsblkArgv(), stdout: LSBLK },
      { match: (argv) => argv[0] === 'blkid', notFound: true, repeat: true },
    );
    const { logger, memory } = createTestLogger();
    const lister = new BlockDeviceLister({
      runner,
      fs: new RecordingFsReader(),
      logger,
      allowlist: ['/dev/sd*'],
      paths: { sys: '/nonexistent/sys', dev: '/nonexistent/dev', run: '/nonexistent/run' },
    });

    const devices = await lister.list();

    expect(devices).to.have.length(4);
    expect(memory.entries.filter((e) => e['level'] === 'warn').map((e) => e['message'])).to.deep.equal([
      'blkid is not installed; virtual media and RAID members cannot be recognised without udev',
    ]);
  });

  it('lets an lsblk failure propagate', async () => {
    const runner = new FakeRunner().expect({ match: lsblkArgv(), exitCode: 1, stderr: 'lsblk: failed' });
    const lister = new BlockDeviceLister({
      runner,
      fs: new RecordingFsReader(),
      logger: createTestLogger().logger,
      allowlist: ['/dev/*'],
      paths,
    });

    let error: unknown;
    try {
      await lister.list();
    } catch (e) {
      error = e;
    }

    expect((error as Error).message).to.include('lsblk: failed');
  });

  describe('allowlist validation', () => {
    const table: Array<[string, string[], RegExp]> = [
      ['empty', [], /allowlist is empty/],
      ['not under /dev/', ['sda'], /"sda" must be a glob of \/dev\/ paths/],
      ['unclosed set', ['/dev/sd[ab'], /"\/dev\/sd\[ab" is invalid: Unclosed "\["/],
    ];
    for (const [what, allowlist, message] of table) {
      it(what, () => {
        expect(
          () =>
            new BlockDeviceLister({
              runner: new FakeRunner(),
              fs: new RecordingFsReader(),
              logger: createTestLogger().logger,
              allowlist,
              paths,
            }),
        ).to.throw(ConfigError, message);
      });
    }
  });
});
