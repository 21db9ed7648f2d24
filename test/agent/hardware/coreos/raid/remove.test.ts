import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DeploymentError } from '../../../../../common/errors.js';
import { createSoftwareRaid } from '../../../../../agent/hardware/coreos/raid/remove.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/mdadm/${name}`, import.meta.url), 'utf8');
const LSBLK = ['lsblk', '--json', '--paths', '--output', 'NAME,KNAME,TYPE,MOUNTPOINT', '/dev/vda'];
const TREE = JSON.stringify({
  blockdevices: [
    {
      name: '/dev/vda',
      kname: '/dev/vda',
      type: 'disk',
      mountpoint: null,
      children: [
        {
          name: '/dev/vda1',
          kname: '/dev/vda1',
          type: 'part',
          mountpoint: null,
          children: [{ name: '/dev/md0', kname: '/dev/md0', type: 'raid1', mountpoint: null }],
        },
        { name: '/dev/vda2', kname: '/dev/vda2', type: 'part', mountpoint: null },
      ],
    },
  ],
});
const member: Scripted['stdout'] = fixture('examine-member.txt');
const none = (device: string): Scripted => ({
  match: ['mdadm', '--examine', device],
  exitCode: 1,
  stderr: `mdadm: No md superblock detected on ${device}.\n`,
});
const found = (device: string): Scripted => ({ match: ['mdadm', '--examine', device], stdout: member });
const gptDisk: Scripted = { match: ['mdadm', '--examine', '/dev/vda'], stdout: fixture('examine-gpt-disk.txt') };

describe('hardware/coreos/raid/remove', () => {
  let runner: FakeRunner;
  const { logger, memory } = createTestLogger();
  beforeEach(() => {
    runner = new FakeRunner();
  });
  const raid = (): ReturnType<typeof createSoftwareRaid> => createSoftwareRaid(runner, logger);

  it("stops the array, zeroes only the disk's own superblocks (partitions first) and reports what is left elsewhere", async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: fixture('mdstat-two-arrays.txt') },
      { match: ['mdadm', '--stop', '/dev/md0'] },
      none('/dev/vda2'),
      found('/dev/vda1'),
      { match: ['mdadm', '--zero-superblock', '/dev/vda1'] },
      none('/dev/vda1'),
      gptDisk,
      { match: ['udevadm', 'settle'] },
    );

    const plan = await raid().plan('/dev/vda');
    await raid().remove(plan);

    expect(runner.calls.map((c) => c.argv.join(' '))).to.deep.equal([
      LSBLK.join(' '),
      'cat /proc/mdstat',
      'mdadm --stop /dev/md0',
      'mdadm --examine /dev/vda2',
      'mdadm --examine /dev/vda1',
      'mdadm --zero-superblock /dev/vda1',
      'mdadm --examine /dev/vda1',
      'mdadm --examine /dev/vda',
      'udevadm settle',
    ]);
    expect(runner.calls.every((c) => !c.argv.some((a) => a.startsWith('/dev/vdb')))).to.equal(true);
    expect(runner.calls[2]?.options.env).to.deep.equal({ LC_ALL: 'C' });
    const warning = memory.entries.find((e) => e.level === 'warn');
    expect(warning).to.include({ array: '/dev/md0', disk: '/dev/vda' });
    expect(warning?.['leftOn']).to.deep.equal(['/dev/vdb1']);
  });

  it('zeroes a stale superblock with no array assembled, and treats a missing /proc/mdstat as no arrays', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], exitCode: 1, stderr: 'cat: /proc/mdstat: No such file or directory' },
      found('/dev/vda2'),
      { match: ['mdadm', '--zero-superblock', '/dev/vda2'] },
      none('/dev/vda2'),
      none('/dev/vda1'),
      gptDisk,
      { match: ['udevadm', 'settle'], exitCode: 1 },
    );

    await raid().remove(await raid().plan('/dev/vda'));

    expect(runner.pending()).to.deep.equal([]);
  });

  it('only checks (no write, no settle) when there is nothing to remove', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: '' },
      none('/dev/vda2'),
      none('/dev/vda1'),
      gptDisk,
    );

    await raid().remove(await raid().plan('/dev/vda'));

    expect(runner.calls.map((c) => c.argv[1])).to.deep.equal([
      '--json',
      '/proc/mdstat',
      '--examine',
      '--examine',
      '--examine',
    ]);
  });

  it('warns and skips the check when mdadm is missing and no array is assembled', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: '' },
      { match: ['mdadm', '--examine', '/dev/vda2'], notFound: true },
    );

    await raid().remove(await raid().plan('/dev/vda'));

    expect(memory.text()).to.contain('mdadm is not available');
  });

  it('fails clearly when the array cannot be stopped, before zeroing anything', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: fixture('mdstat-two-arrays.txt') },
      {
        match: ['mdadm', '--stop', '/dev/md0'],
        exitCode: 1,
        stderr:
          'mdadm: Cannot get exclusive access to /dev/md0:Perhaps a running process, mounted filesystem or active volume group?',
      },
    );

    const error = await raid()
      .plan('/dev/vda')
      .then((p) => raid().remove(p))
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeploymentError);
    expect((error as DeploymentError).details).to.match(
      /^Cannot stop software RAID array \/dev\/md0 on \/dev\/vda: .*exclusive access/,
    );
    expect(runner.calls.map((c) => c.argv[1])).to.not.include('--zero-superblock');
  });

  it('fails when a superblock survives --zero-superblock', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: '' },
      found('/dev/vda2'),
      { match: ['mdadm', '--zero-superblock', '/dev/vda2'] },
      found('/dev/vda2'),
    );

    const error = await raid()
      .plan('/dev/vda')
      .then((p) => raid().remove(p))
      .catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'The md superblock on /dev/vda2 is still there after mdadm --zero-superblock',
    );
  });

  it('fails on an examine error that is not "no superblock"', async () => {
    runner.expect(
      { match: LSBLK, stdout: TREE },
      { match: ['cat', '/proc/mdstat'], stdout: '' },
      {
        match: ['mdadm', '--examine', '/dev/vda2'],
        exitCode: 1,
        stderr: 'mdadm: cannot open /dev/vda2: Device or resource busy',
      },
    );

    const error = await raid()
      .plan('/dev/vda')
      .then((p) => raid().remove(p))
      .catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'Cannot examine /dev/vda2 for an md superblock: mdadm: cannot open /dev/vda2: Device or resource busy',
    );
  });
});
