import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import {
  ignitionDigest,
  InstallStampStore,
  verifyDiskIdentity,
  type DiskIdentity,
  type InstallStamp,
  type PlannedInstall,
} from '../../../../agent/hardware/coreos/stamp.js';
import { bootStateStore } from '../../../helpers/boot-state.js';

const disk: DiskIdentity = { path: '/dev/sda', size: 480103981056, serial: 'S4EVNX0N', wwn: '0x5002538e4' };
const plan = (overrides: Partial<PlannedInstall> = {}): PlannedInstall => ({
  ignitionSha256: ignitionDigest('{"a":1}'),
  disk,
  nodeUuid: 'n1',
  ...overrides,
});

describe('hardware/coreos/stamp', () => {
  let dir: string;
  let stateDir: string;
  let store: InstallStampStore;
  let clock: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coreos-stamp-'));
    stateDir = join(dir, 'state');
    clock = Date.parse('2026-11-21T10:00:00Z');
    store = new InstallStampStore(bootStateStore(stateDir), { now: () => (clock += 1000) });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (): InstallStamp => JSON.parse(readFileSync(store.path, 'utf8')) as InstallStamp;

  it('records a new install in <stateDir>/install-stamp.json with mode 0600', async () => {
    expect(await store.begin(plan())).to.equal('new');

    expect(store.path).to.equal(join(stateDir, 'install-stamp.json'));
    expect(statSync(store.path).mode & 0o777).to.equal(0o600);
    expect(read()).to.deep.equal({
      bootId: 'boot-1',
      format: 1,
      state: 'started',
      ignitionSha256: ignitionDigest('{"a":1}'),
      disk,
      nodeUuid: 'n1',
      startedAt: '2026-11-21T10:00:01.000Z',
      attempts: 1,
      completedAt: null,
    });
  });

  it('allows the same config on the same disk again, counting attempts', async () => {
    await store.begin(plan());

    expect(await store.begin(plan())).to.equal('rerun');
    expect(read()).to.include({ attempts: 2, state: 'started', startedAt: '2026-11-21T10:00:01.000Z' });
  });

  it('refuses a different config on the same disk', async () => {
    await store.begin(plan());

    const error = await store.begin(plan({ ignitionSha256: ignitionDigest('{"b":2}') })).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeploymentError);
    expect((error as DeploymentError).details).to.contain(
      'different Ignition config was already started (and possibly interrupted) on /dev/sda',
    );
    expect((error as DeploymentError).details).to.contain(`remove ${store.path}`);
    expect(read().ignitionSha256).to.equal(ignitionDigest('{"a":1}'));
  });

  it('refuses an install without Ignition after one with Ignition', async () => {
    await store.begin(plan());

    expect(await store.begin(plan({ ignitionSha256: null })).catch((e: unknown) => e)).to.be.instanceOf(
      DeploymentError,
    );
  });

  it('refuses the same config on a different disk', async () => {
    await store.begin(plan());

    const error = await store.begin(plan({ disk: { ...disk, path: '/dev/sdb' } })).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.contain(
      'on another disk, /dev/sda (480103981056 bytes, serial S4EVNX0N',
    );
  });

  it('keeps a completed stamp and still refuses a different config', async () => {
    await store.begin(plan());
    await store.complete();

    expect(read()).to.include({ state: 'complete', completedAt: '2026-11-21T10:00:02.000Z' });
    expect(statSync(store.path).mode & 0o777).to.equal(0o600);
    const error = await store.begin(plan({ ignitionSha256: null })).catch((e: unknown) => e);
    expect((error as DeploymentError).details).to.contain('already completed');
    expect(await store.begin(plan())).to.equal('rerun');
  });

  it('ignores a stamp left by another boot (a state dir that survived a reboot): the install counts as new', async () => {
    await store.begin(plan());
    const rebooted = new InstallStampStore(bootStateStore(stateDir, 'boot-2'), {
      now: () => Date.parse('2026-11-21T11:00:00Z'),
    });

    expect(await rebooted.begin(plan({ ignitionSha256: ignitionDigest('{"b":2}') }))).to.equal('new');
    expect(read()).to.include({ bootId: 'boot-2', ignitionSha256: ignitionDigest('{"b":2}'), attempts: 1 });
  });

  it('refuses to guess when the stamp file is unreadable', async () => {
    await store.begin(plan());
    writeFileSync(store.path, 'garbage');

    const error = await store.begin(plan()).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.contain('is unreadable');
  });

  describe('a different stamp after the disk was wiped (fast-track redeploy after cleaning)', () => {
    const other = (): PlannedInstall => plan({ ignitionSha256: ignitionDigest('{"fixed":1}') });

    it('replaces the stale stamp when the stamped disk is wiped', async () => {
      await store.begin(plan());
      await store.begin(plan());
      const probed: DiskIdentity[] = [];

      expect(
        await store.begin(other(), async (d) => {
          probed.push(d);
          return true;
        }),
      ).to.equal('replaced');

      expect(probed).to.deep.equal([disk]);
      expect(read()).to.include({
        ignitionSha256: ignitionDigest('{"fixed":1}'),
        attempts: 1,
        state: 'started',
        startedAt: '2026-11-21T10:00:02.000Z',
      });
    });

    it('still refuses when the stamped disk is not wiped, saying why', async () => {
      await store.begin(plan());

      const error = await store.begin(other(), async () => false).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.contain(
        'different Ignition config was already started (and possibly interrupted) on /dev/sda',
      );
      expect((error as DeploymentError).details).to.contain(
        '/dev/sda still carries a partition table or filesystem signature',
      );
      expect((error as DeploymentError).details).to.contain(
        'Clean the node (erasing the disk metadata) and deploy again',
      );
      expect(read().ignitionSha256).to.equal(ignitionDigest('{"a":1}'));
    });

    it('does not probe for a rerun of the same install', async () => {
      await store.begin(plan());

      expect(
        await store.begin(plan(), async () => {
          throw new Error('probed');
        }),
      ).to.equal('rerun');
    });
  });

  describe('verifyDiskIdentity', () => {
    it('passes for the same disk', () => expect(() => verifyDiskIdentity(disk, { ...disk })).not.to.throw());

    const changes: [string, Partial<DiskIdentity>][] = [
      ['size', { size: 1 }],
      ['serial', { serial: 'OTHER' }],
      ['wwn', { wwn: null }],
      ['path', { path: '/dev/sdc' }],
    ];
    for (const [what, change] of changes) {
      it(`fails when the ${what} changed`, () => {
        expect(() => verifyDiskIdentity(disk, { ...disk, ...change })).to.throw(
          DeploymentError,
          'The target disk changed before installing',
        );
      });
    }
  });
});
