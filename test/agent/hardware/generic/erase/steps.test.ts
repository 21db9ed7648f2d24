import { expect } from 'chai';
import { ProtectedDeviceError } from '../../../../../common/errors.js';
import type { DiskReader } from '../../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../../agent/hardware/generic/erase/protected.js';
import { createEraseSteps, type EraseStepsDeps } from '../../../../../agent/hardware/generic/erase/steps.js';
import { toStepDefinition } from '../../../../../agent/hardware/steps.js';
import type { Node, StepContext, StepSpec } from '../../../../../agent/hardware/types.js';
import { FakeClock } from '../../../../helpers/fake-clock.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, disk, fakeFs, metadataScript, node, notRaid } from './support.js';

const MiB = 1024 * 1024;

function context(n: Node): StepContext {
  return { node: n, ports: [], args: {}, kind: 'clean', progress: () => undefined };
}

/** A disk whose own sectors hold no table. */
const blankDisk: DiskReader = { read: async (_device, _offset, length) => Buffer.alloc(length) };

function build(
  runner: FakeRunner,
  overrides: Partial<EraseStepsDeps> = {},
  guardEnabled = true,
): { steps: Map<string, StepSpec>; listed: Node[] } {
  const listed: Node[] = [];
  const logger = createTestLogger().logger;
  const steps = createEraseSteps({
    runner,
    logger,
    fs: fakeFs(),
    clock: new FakeClock({ auto: true }),
    guard: createSafetyCheck({ runner, logger, disk: blankDisk, enabled: guardEnabled }),
    listDevices: async (n) => {
      listed.push(n);
      return [disk('/dev/sda')];
    },
    ...overrides,
  });
  return { steps: new Map(steps.map((s) => [s.step, s])), listed };
}

function step(steps: Map<string, StepSpec>, name: string): StepSpec {
  const spec = steps.get(name);
  if (spec === undefined) throw new Error(`no step ${name}`);
  return spec;
}

describe('erase/steps createEraseSteps', () => {
  it("advertises IPA's clean steps", () => {
    const { steps } = build(new FakeRunner());

    expect([...steps.values()].map((s) => toStepDefinition(s, 'clean'))).to.deep.equal([
      { step: 'erase_devices_metadata', priority: 99, interface: 'deploy', reboot_requested: false, abortable: true },
      { step: 'erase_devices', priority: 10, interface: 'deploy', reboot_requested: false, abortable: true },
      { step: 'erase_devices_express', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
    ]);
  });

  it('advertises only erase_devices_metadata as a deploy step, at priority 0', () => {
    const { steps } = build(new FakeRunner());

    expect([...steps.values()].map((s) => toStepDefinition(s, 'deploy')).filter((d) => d !== null)).to.deep.equal([
      { step: 'erase_devices_metadata', priority: 0, interface: 'deploy', reboot_requested: false },
    ]);
    expect([...steps.values()].every((s) => toStepDefinition(s, 'service') === null)).to.equal(true);
  });

  it('erase_devices_metadata lists devices for the node, guards them with lsblk/blkid, wipes them and returns null', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      {
        match: (a) => a[0] === 'lsblk' && a[1] === '-bia',
        stdout: JSON.stringify({
          blockdevices: [{ name: '/dev/sda', uuid: null, ptuuid: null, parttype: null, partuuid: null, fstype: null }],
        }),
      },
      { match: ['blkid', '-p', '-o', 'export', '-n', 'gfs2,VMFS,VMFS_volume_member', '/dev/sda'], exitCode: 2 },
      { match: ['blockdev', '--flushbufs', '--getss', '--getsize64', '/dev/sda'], stdout: '512\n67108864\n' },
      ...metadataScript('/dev/sda', 512, 64 * MiB),
    );
    const { steps, listed } = build(runner);
    const n = node();

    const result = await step(steps, 'erase_devices_metadata').run(context(n));

    expect(result).to.equal(null);
    expect(listed).to.deep.equal([n]);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('refuses a gfs2 disk through the guard', async () => {
    const runner = new FakeRunner().expect(
      notRaid('/dev/sda'),
      {
        match: (a) => a[0] === 'lsblk' && a[1] === '-bia',
        stdout: JSON.stringify({ blockdevices: [{ name: '/dev/sda', fstype: null }] }),
      },
      {
        match: ['blkid', '-p', '-o', 'export', '-n', 'gfs2,VMFS,VMFS_volume_member', '/dev/sda'],
        stdout: 'DEVNAME=/dev/sda\nTYPE=gfs2\n',
      },
      { match: ['blockdev', '--flushbufs', '--getss', '--getsize64', '/dev/sda'], stdout: '512\n67108864\n' },
    );

    const error = await step(build(runner).steps, 'erase_devices_metadata')
      .run(context(node()))
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect(argvs(runner).some((a) => a[0] === 'wipefs')).to.equal(false);
  });

  it('skips the guard commands when guard_special_filesystems is off', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sda'), ...metadataScript('/dev/sda', 512, 64 * MiB));

    await step(build(runner, {}, false).steps, 'erase_devices_metadata').run(context(node()));

    expect(argvs(runner).some((a) => a[0] === 'blkid')).to.equal(false);
  });

  it('erase_devices returns {device: result} using the injected per-disk erase', async () => {
    const erased: string[] = [];
    const { steps } = build(new FakeRunner(), {
      guard: async () => undefined,
      eraseOne: async (_n, d) => {
        erased.push(d.name);
        return null;
      },
    });

    const result = await step(steps, 'erase_devices').run(context(node()));

    expect(result).to.deep.equal({ '/dev/sda': null });
    expect(erased).to.deep.equal(['/dev/sda']);
  });

  it('erase_devices_express returns null', async () => {
    const runner = new FakeRunner().expect(notRaid('/dev/sda'), ...metadataScript('/dev/sda', 512, 64 * MiB));

    expect(
      await step(build(runner, { guard: async () => undefined }).steps, 'erase_devices_express').run(context(node())),
    ).to.equal(null);
  });
});
