import { expect } from 'chai';
import { BlockDeviceEraseError, ProtectedDeviceError } from '../../../../../common/errors.js';
import { eraseDevicesExpress } from '../../../../../agent/hardware/generic/erase/express.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, disk, fakeDeps, fakeFs, fixture, metadataScript, node, notRaid } from './support.js';

const MiB = 1024 * 1024;
const NVME = '/dev/nvme0n1';
const ID_CTRL: Scripted = {
  match: ['nvme', 'id-ctrl', NVME, '-o', 'json'],
  stdout: fixture('nvme-id-ctrl-user-data.json'),
};
const FORMAT: Scripted = { match: ['nvme', 'format', NVME, '-s', '1', '-f'] };
const noGuard = async (): Promise<void> => undefined;

describe('erase/express eraseDevicesExpress', () => {
  it('formats a whole NVMe namespace and metadata-wipes its partitions and other disks', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      notRaid('/dev/nvme0n1p1'),
      notRaid(NVME),
      ...metadataScript('/dev/sda', 512, 64 * MiB),
      ...metadataScript('/dev/nvme0n1p1', 4096, 32 * MiB),
      ID_CTRL,
      FORMAT,
    );

    await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger),
      node: node(),
      guard: noGuard,
      devices: [disk(NVME, ['/dev/nvme0n1p1']), disk('/dev/sda')],
    });

    const work = argvs(runner)
      .filter((a) => a[0] !== 'lsblk')
      .map((a) => `${a[0]} ${a.find((x) => x.startsWith('/dev/') || x.startsWith('of=/dev/')) ?? ''}`);
    expect(work).to.deep.equal([
      'wipefs /dev/sda',
      'blockdev /dev/sda',
      'blockdev /dev/sda',
      'dd of=/dev/sda',
      'dd of=/dev/sda',
      'dd of=/dev/sda',
      'blockdev /dev/sda',
      'fuser /dev/sda',
      'wipefs /dev/nvme0n1p1',
      'blockdev /dev/nvme0n1p1',
      'blockdev /dev/nvme0n1p1',
      'dd of=/dev/nvme0n1p1',
      'dd of=/dev/nvme0n1p1',
      'dd of=/dev/nvme0n1p1',
      'blockdev /dev/nvme0n1p1',
      'fuser /dev/nvme0n1p1',
      'nvme /dev/nvme0n1',
      'nvme /dev/nvme0n1',
    ]);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('falls back to the metadata wipe when the NVMe format fails', async () => {
    const runner = new FakeRunner().expect(
      notRaid(NVME),
      ID_CTRL,
      { ...FORMAT, exitCode: 1, stderr: 'NVMe status: INVALID_FORMAT' },
      ...metadataScript(NVME, 512, 64 * MiB),
    );
    const { logger, memory } = createTestLogger();

    await eraseDevicesExpress({ ...fakeDeps(runner, logger), node: node(), guard: noGuard, devices: [disk(NVME)] });

    expect(argvs(runner)).to.deep.include(['blockdev', '--rereadpt', NVME]);
    expect(memory.text()).to.include('falling back to metadata clean');
  });

  it('reports both failures when the fallback fails too', async () => {
    const runner = new FakeRunner().expect(
      notRaid(NVME),
      ID_CTRL,
      { ...FORMAT, exitCode: 1, stderr: 'NVMe status: INVALID_FORMAT' },
      {
        match: ['wipefs', '--force', '--all', NVME],
        exitCode: 1,
        stderr: 'wipefs: error: /dev/nvme0n1: probing initialization failed',
      },
    );

    const error = await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger),
      node: node(),
      guard: noGuard,
      devices: [disk(NVME)],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(BlockDeviceEraseError);
    expect((error as BlockDeviceEraseError).details).to.match(
      /^Failed to conduct an express erase on the device\(s\): "\/dev\/nvme0n1": Secure erase failed: .*INVALID_FORMAT\. Fallback to metadata erase also failed: .*probing initialization failed\.$/,
    );
  });

  it('joins several failures with new lines', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sdb'),
      notRaid('/dev/sda'),
      { match: ['wipefs', '--force', '--all', '/dev/sdb'], exitCode: 1, stderr: 'busy b' },
      { match: ['wipefs', '--force', '--all', '/dev/sda'], exitCode: 1, stderr: 'busy a' },
    );

    const error = await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger),
      node: node(),
      guard: noGuard,
      devices: [disk('/dev/sda'), disk('/dev/sdb')],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect((error as BlockDeviceEraseError).details.split('\n')).to.have.length(2);
    expect((error as BlockDeviceEraseError).details).to.match(/"\/dev\/sdb": .*busy b\n"\/dev\/sda": .*busy a$/);
  });

  it('does not format a namespace whose controller would also erase one outside the device list; metadata-wipes instead', async () => {
    const allNs: Scripted = {
      match: ['nvme', 'id-ctrl', NVME, '-o', 'json'],
      stdout: fixture('nvme-id-ctrl-all-namespaces.json'),
    };
    const runner = new FakeRunner().expect(notRaid(NVME), allNs, ...metadataScript(NVME, 512, 64 * MiB));
    const fs = fakeFs({ namespaces: { nvme0n1: ['nvme0n1', 'nvme0n2'] } });

    await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger, fs),
      node: node(),
      guard: noGuard,
      devices: [disk(NVME)],
    });

    expect(argvs(runner).some((a) => a[1] === 'format')).to.equal(false);
    expect(argvs(runner).some((a) => a[0] === 'wipefs' && a.includes(NVME))).to.equal(true);
  });

  it('skips the NVMe format when agent_enable_nvme_secure_erase is false', async () => {
    const runner = new FakeRunner().expect(notRaid(NVME), ...metadataScript(NVME, 512, 64 * MiB));

    await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger),
      node: node({ agent_enable_nvme_secure_erase: false }),
      guard: noGuard,
      devices: [disk(NVME)],
    });

    expect(argvs(runner).some((a) => a[0] === 'nvme')).to.equal(false);
  });

  it('writes nothing when a device is protected', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sdb'), notRaid('/dev/sda'));

    const error = await eraseDevicesExpress({
      ...fakeDeps(runner, createTestLogger().logger),
      node: node(),
      devices: [disk('/dev/sda'), disk('/dev/sdb')],
      guard: async (_n, d) => {
        if (d === '/dev/sda') throw new ProtectedDeviceError(d, 'VMware VMFS Partition (MBR)');
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect(argvs(runner).every((a) => a[0] === 'lsblk')).to.equal(true);
  });

  it('does nothing when no device is erasable', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sda', 'linux_raid_member'));
    const { logger, memory } = createTestLogger();

    await eraseDevicesExpress({
      ...fakeDeps(runner, logger),
      node: node(),
      guard: noGuard,
      devices: [disk('/dev/sda')],
    });

    expect(runner.calls).to.have.length(1);
    expect(memory.text()).to.include('No erasable devices have been found');
  });
});
