import { expect } from 'chai';
import { BlockDeviceEraseError, ProtectedDeviceError } from '../../../../../common/errors.js';
import { eraseDevicesMetadata } from '../../../../../agent/hardware/generic/erase/metadata.js';
import type { Node } from '../../../../../agent/hardware/types.js';
import { FakeClock } from '../../../../helpers/fake-clock.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, disk, fakeFs, metadataScript, node, notRaid } from './support.js';

const MiB = 1024 * 1024;

/** A guard that records what it checked and how many commands had run by then. */
function recordingGuard(
  runner: FakeRunner,
  refuse?: string,
): { checked: string[]; callsBefore: number[]; guard: (n: Node, d: string) => Promise<void> } {
  const checked: string[] = [];
  const callsBefore: number[] = [];
  return {
    checked,
    callsBefore,
    guard: async (_node, device) => {
      checked.push(device);
      callsBefore.push(runner.calls.length);
      if (device === refuse) throw new ProtectedDeviceError(device, 'Red Hat Global File System 2');
    },
  };
}

function destroySequence(device: string, ss: number, size: number): string[][] {
  const sectors = size / ss;
  const gpt = ss === 512 ? 33 : 5;
  return [
    ['wipefs', '--force', '--all', device],
    ['blockdev', '--getss', device],
    ['blockdev', '--getsize64', device],
    ['dd', `bs=${ss}`, 'if=/dev/zero', `of=${device}`, `count=${gpt}`, 'oflag=direct'],
    ['dd', `bs=${ss}`, 'if=/dev/zero', `of=${device}`, `count=${gpt}`, 'oflag=direct', `seek=${sectors - gpt}`],
    ['dd', `bs=${ss}`, 'if=/dev/zero', `of=${device}`, 'count=1', 'oflag=direct', 'conv=fsync', `seek=${gpt}`],
    ['blockdev', '--rereadpt', device],
    ['fuser', device],
  ];
}

describe('erase/metadata eraseDevicesMetadata', () => {
  it('guards the disk of a partition it wipes even when the disk itself is skipped (RAID member), before any write', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda2'),
      notRaid('/dev/sda1', 'linux_raid_member'),
      notRaid('/dev/sda', 'linux_raid_member'),
      ...metadataScript('/dev/sda2', 512, 10 * MiB),
    );
    const g = recordingGuard(runner);

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: g.guard,
      node: node(),
      devices: [disk('/dev/sda', ['/dev/sda1', '/dev/sda2'])],
    });

    expect(g.checked).to.deep.equal(['/dev/sda2', '/dev/sda']);
    expect(g.callsBefore.every((n) => n === 3)).to.equal(true);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('wipes partitions before their 512 B disk with exact commands and dd offsets', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda2'),
      notRaid('/dev/sda1'),
      notRaid('/dev/sda'),
      ...metadataScript('/dev/sda2', 512, 10 * MiB),
      ...metadataScript('/dev/sda1', 512, 20 * MiB),
      ...metadataScript('/dev/sda', 512, 64 * MiB),
    );
    const { logger } = createTestLogger();
    const g = recordingGuard(runner);

    await eraseDevicesMetadata({
      runner,
      logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: g.guard,
      node: node(),
      devices: [disk('/dev/sda', ['/dev/sda1', '/dev/sda2'])],
    });

    expect(argvs(runner)).to.deep.equal([
      ['lsblk', '--fs', '--noheadings', '/dev/sda2'],
      ['lsblk', '--fs', '--noheadings', '/dev/sda1'],
      ['lsblk', '--fs', '--noheadings', '/dev/sda'],
      ...destroySequence('/dev/sda2', 512, 10 * MiB),
      ...destroySequence('/dev/sda1', 512, 20 * MiB),
      ...destroySequence('/dev/sda', 512, 64 * MiB),
    ]);
    expect(argvs(runner)[7]).to.deep.equal([
      'dd',
      'bs=512',
      'if=/dev/zero',
      'of=/dev/sda2',
      'count=33',
      'oflag=direct',
      'seek=20447',
    ]);
    expect(g.checked).to.deep.equal(['/dev/sda2', '/dev/sda1', '/dev/sda']);
    expect(
      runner.calls
        .filter((c) => ['wipefs', 'dd', 'sgdisk'].includes(c.argv[0] ?? ''))
        .every((c) => c.options.env?.['LC_ALL'] === 'C'),
    ).to.equal(true);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('zeroes 5 sectors at both ends of a 4 KiB-sector disk, then the sixth as sgdisk -Z does', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sdb'), ...metadataScript('/dev/sdb', 4096, 64 * MiB));

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sdb')],
    });

    const dds = argvs(runner).filter((a) => a[0] === 'dd');
    expect(dds).to.deep.equal([
      ['dd', 'bs=4096', 'if=/dev/zero', 'of=/dev/sdb', 'count=5', 'oflag=direct'],
      ['dd', 'bs=4096', 'if=/dev/zero', 'of=/dev/sdb', 'count=5', 'oflag=direct', 'seek=16379'],
      ['dd', 'bs=4096', 'if=/dev/zero', 'of=/dev/sdb', 'count=1', 'oflag=direct', 'conv=fsync', 'seek=5'],
    ]);
  });

  it('checks every device before writing to any, and writes nothing when one is protected', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sdb'), notRaid('/dev/sda1'), notRaid('/dev/sda'));
    const g = recordingGuard(runner, '/dev/sda1');

    const error = await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: g.guard,
      node: node(),
      devices: [disk('/dev/sda', ['/dev/sda1']), disk('/dev/sdb')],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect(g.checked).to.deep.equal(['/dev/sdb', '/dev/sda1']);
    expect(argvs(runner).every((a) => a[0] === 'lsblk')).to.equal(true);
  });

  it('goes on after a failing device and reports every failure in one BlockDeviceEraseError', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sdb'),
      notRaid('/dev/sda1'),
      notRaid('/dev/sda'),
      ...metadataScript('/dev/sdb', 512, 64 * MiB),
      {
        match: ['wipefs', '--force', '--all', '/dev/sda1'],
        exitCode: 1,
        stderr: 'wipefs: error: /dev/sda1: probing initialization failed: Device or resource busy',
      },
      ...metadataScript('/dev/sda', 512, 64 * MiB).slice(0, 3),
      {
        match: (argv) => argv[0] === 'dd' && argv.includes('of=/dev/sda'),
        exitCode: 1,
        stderr: "dd: error writing '/dev/sda': Input/output error",
      },
    );
    const { logger, memory } = createTestLogger();

    const error = await eraseDevicesMetadata({
      runner,
      logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sda', ['/dev/sda1']), disk('/dev/sdb')],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(BlockDeviceEraseError);
    const details = (error as BlockDeviceEraseError).details;
    expect(details).to.match(
      /^Failed to erase the metadata on the device\(s\): "\/dev\/sda1": .*Device or resource busy; "\/dev\/sda": .*dd: error writing '\/dev\/sda': Input\/output error$/,
    );
    expect(details).not.to.include('/dev/sdb"');
    expect(argvs(runner)).to.deep.include(['fuser', '/dev/sdb']);
    expect(argvs(runner).some((a) => a[0] === 'fuser' && a[1] === '/dev/sda')).to.equal(false);
    expect(memory.text()).to.include('Failed to erase the metadata on device');
  });

  it('retries wipefs without --force only when wipefs rejects the option', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      {
        match: ['wipefs', '--force', '--all', '/dev/sda'],
        exitCode: 1,
        stderr: "wipefs: unrecognized option '--force'",
      },
      { match: ['wipefs', '--all', '/dev/sda'] },
      ...metadataScript('/dev/sda', 512, 64 * MiB).slice(1),
    );

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sda')],
    });

    expect(argvs(runner).slice(1, 3)).to.deep.equal([
      ['wipefs', '--force', '--all', '/dev/sda'],
      ['wipefs', '--all', '/dev/sda'],
    ]);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('reports a blockdev answer that is not a number', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      { match: ['wipefs', '--force', '--all', '/dev/sda'] },
      { match: ['blockdev', '--getss', '/dev/sda'], stdout: 'blockdev: ioctl error on BLKSSZGET\n' },
    );

    const error = await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sda')],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect((error as BlockDeviceEraseError).details)
      .to.include('"/dev/sda": ')
      .and.include('blockdev --getss /dev/sda printed');
  });

  it('reports a sector size it cannot plan for', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      { match: ['wipefs', '--force', '--all', '/dev/sda'] },
      { match: ['blockdev', '--getss', '/dev/sda'], stdout: '520\n' },
      { match: ['blockdev', '--getsize64', '/dev/sda'], stdout: '1048576\n' },
    );

    const error = await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sda')],
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect((error as BlockDeviceEraseError).details).to.include(
      'Cannot zero the GPT of /dev/sda: Unsupported logical sector size 520',
    );
    expect(argvs(runner).some((a) => a[0] === 'dd')).to.equal(false);
  });

  it('reports a device that stays busy', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      ...metadataScript('/dev/sda', 512, 64 * MiB).slice(0, 7),
      { match: ['fuser', '/dev/sda'], stdout: ' 777', repeat: true },
    );
    const clock = new FakeClock({ auto: true });

    const error = await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock,
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [disk('/dev/sda')],
      busyWait: { attempts: 3, intervalMs: 10 },
    }).then(
      () => null,
      (e: unknown) => e,
    );

    expect((error as BlockDeviceEraseError).details).to.include('holding device /dev/sda: 777');
    expect(clock.sleeps).to.deep.equal([10, 10]);
  });

  it('skips read-only and RAID-member devices and touches only the given ones', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sdc'),
      notRaid('/dev/sdb', 'linux_raid_member'),
      notRaid('/dev/sda'),
      ...metadataScript('/dev/sda', 512, 64 * MiB),
    );
    const g = recordingGuard(runner);

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs({ readOnly: ['sdc'] }),
      clock: new FakeClock({ auto: true }),
      guard: g.guard,
      node: node(),
      devices: [disk('/dev/sda'), disk('/dev/sdb'), disk('/dev/sdc')],
    });

    expect(g.checked).to.deep.equal(['/dev/sda']);
    const touched = new Set(
      argvs(runner)
        .filter((a) => a[0] !== 'lsblk')
        .map((a) => a.find((x) => x.startsWith('/dev/sd') || x.startsWith('of=/dev/'))),
    );
    expect([...touched]).to.deep.equal(['/dev/sda', 'of=/dev/sda']);
  });

  it('does nothing for an empty device list', async () => {
    const runner = new FakeRunner();

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: recordingGuard(runner).guard,
      node: node(),
      devices: [],
    });

    expect(runner.calls).to.deep.equal([]);
  });

  it('wipes the disks concurrently, each one partitions first, only after every device passed the guard', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sdb2'),
      notRaid('/dev/sdb1'),
      notRaid('/dev/sdb'),
      notRaid('/dev/sda1'),
      notRaid('/dev/sda'),
      ...['/dev/sdb2', '/dev/sdb1', '/dev/sdb', '/dev/sda1', '/dev/sda'].flatMap((d) =>
        metadataScript(d, 512, 64 * MiB),
      ),
    );
    const g = recordingGuard(runner);

    await eraseDevicesMetadata({
      runner,
      logger: createTestLogger().logger,
      fs: fakeFs(),
      clock: new FakeClock({ auto: true }),
      guard: g.guard,
      node: node(),
      devices: [disk('/dev/sda', ['/dev/sda1']), disk('/dev/sdb', ['/dev/sdb1', '/dev/sdb2'])],
    });

    expect(g.callsBefore).to.deep.equal([5, 5, 5, 5, 5]);
    const wipes = argvs(runner)
      .filter((a) => a[0] === 'wipefs')
      .map((a) => a[3]);
    expect(wipes.slice(0, 2), 'both disks start at once').to.have.members(['/dev/sdb2', '/dev/sda1']);
    const sda = argvs(runner).filter((a) => a.includes('/dev/sda') || a.includes('/dev/sda1'));
    expect(sda.filter((a) => a[0] === 'wipefs').map((a) => a[3])).to.deep.equal(['/dev/sda1', '/dev/sda']);
    const sdb = wipes.filter((d) => d?.startsWith('/dev/sdb'));
    expect(sdb).to.deep.equal(['/dev/sdb2', '/dev/sdb1', '/dev/sdb']);
    const calls = argvs(runner);
    const at = (tool: string, device: string): number => calls.findIndex((a) => a[0] === tool && a.includes(device));
    expect(at('fuser', '/dev/sda1'), 'the disk waits for its partition').to.be.lessThan(at('wipefs', '/dev/sda'));
    expect(at('fuser', '/dev/sdb1')).to.be.lessThan(at('wipefs', '/dev/sdb'));
    expect(runner.pending()).to.deep.equal([]);
  });
});
