/**
 * install_coreos end to end on this machine: the agent's step with the real
 * ExecaRunner, a test host root (overlay of /) holding the coreos-installer
 * double, a real loop disk, real lsblk/blkid/mtools for the disk identity and
 * the ESP. Only efibootmgr is scripted: firmware variables cannot be written here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import { NodeFs } from '../../../../common/fs/node-fs.js';
import { NodeDiskReader } from '../../../../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../../../../agent/hardware/generic/erase/protected.js';
import { ExecaRunner } from '../../../../common/exec/execa-runner.js';
import type { RunOptions, RunResult, Runner } from '../../../../common/exec/runner.js';
import { installCoreos, type CoreOSDeps } from '../../../../agent/hardware/coreos/install-coreos.js';
import type { BlockDevice, Node, StepContext } from '../../../../agent/hardware/types.js';
import { createHostRoot, type HostRoot } from '../../../../testbed/host-root.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../../../testbed/loop-disks.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { bootStateStore } from '../../../helpers/boot-state.js';
import { createTestLogger } from '../../../helpers/logger.js';

/** Real commands, except efibootmgr which goes to a FakeRunner. */
class HostRunner implements Runner {
  constructor(
    private readonly real: Runner,
    readonly efi: FakeRunner,
  ) {}
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return argv[0] === 'efibootmgr' ? this.efi.run(argv, options) : this.real.run(argv, options);
  }
}

const USER_IGNITION = {
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'core', passwordHash: '$6$xyz$secret' }] },
};

describe('hardware/coreos/install-coreos on a host root and a loop disk', function () {
  this.timeout(120_000);
  const real = new ExecaRunner();
  let base: string;
  let host: HostRoot;
  let disk: LoopDisk;

  before(async () => {
    const mtools = await real.run(['sh', '-c', 'command -v mcopy'], { okExitCodes: [0, 1] });
    if (mtools.exitCode !== 0)
      throw new Error('mtools is required for this test (the ESP is read with mtools): apt-get install mtools');
    base = mkdtempSync(join(tmpdir(), 'coreos-e2e-'));
    mkdirSync(join(base, 'disks'));
    host = await createHostRoot({ dir: join(base, 'hostroot') });
    host.addOsmet();
    disk = await attachLoopDisk(real, join(base, 'disks'), 0, 1);
  });
  after(async () => {
    const problems: unknown[] = [];
    await real.run(['umount', join(base, 'boot')], { okExitCodes: [0, 1, 32] }).catch((e: unknown) => problems.push(e));
    await detachLoopDisk(real, disk).catch((e: unknown) => problems.push(e));
    await host.destroy().catch((e: unknown) => problems.push(e));
    rmSync(base, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`cleanup failed: ${problems.map(String).join('; ')}`);
  });

  const setup = (efi: FakeRunner): { deps: CoreOSDeps; progress: Record<string, unknown>[]; text: () => string } => {
    const { logger, memory } = createTestLogger();
    const device: BlockDevice = {
      name: disk.device,
      model: null,
      size: 1073741824,
      rotational: false,
      wwn: null,
      serial: null,
      vendor: null,
      wwn_with_extension: null,
      wwn_vendor_extension: null,
      hctl: null,
      by_path: null,
      logical_sectors: 512,
      physical_sectors: 512,
      tran: null,
    };
    const progress: Record<string, unknown>[] = [];
    const deps: CoreOSDeps = {
      runner: new HostRunner(real, efi),
      logger,
      config: {
        rootMount: host.root,
        coreosCopyNetwork: false,
        coreosIpOptions: 'ip=dhcp6',
        coreosAllowUnsignedImage: true,
      },
      stateStore: bootStateStore(join(base, 'state')),
      guard: createSafetyCheck({ runner: real, logger, disk: new NodeDiskReader(), enabled: true }),
      resolveRootDevice: async () => device,
      bootMode: async () => 'uefi',
      fs: new NodeFs(),
      clock: new FakeClock({ auto: true }),
    };
    return { deps, progress, text: () => memory.text() };
  };
  const context = (node: Node, progress: Record<string, unknown>[]): StepContext => ({
    node,
    ports: [],
    args: {},
    kind: 'deploy',
    progress: (p) => progress.push(p),
  });
  const readBoot = async (path: string): Promise<{ text: string; mode: number }> => {
    const mnt = join(base, 'boot');
    mkdirSync(mnt, { recursive: true });
    await real.run(['mount', '-o', 'ro', `${disk.device}p3`, mnt]);
    try {
      return { text: readFileSync(join(mnt, path), 'utf8'), mode: statSync(join(mnt, path)).mode & 0o777 };
    } finally {
      await real.run(['umount', mnt]);
    }
  };

  it('installs the configdrive Ignition with the hostname, kargs and a UEFI entry from the ESP hint', async () => {
    const efi = new FakeRunner().expect(
      { match: ['efibootmgr'], stdout: 'BootCurrent: 0001\nBootOrder: 0001\nBoot0001* Fedora\tHD(2,GPT,old)\n' },
      { match: ['efibootmgr', '-b', '0001', '-B'] },
      {
        match: [
          'efibootmgr',
          '-c',
          '-d',
          disk.device,
          '-p',
          '2',
          '-w',
          '-L',
          'Fedora',
          '-l',
          '\\EFI\\fedora\\shimx64.efi',
        ],
      },
    );
    const { deps, progress, text } = setup(efi);
    const node: Node = {
      uuid: 'e2e-node',
      name: 'ignored-node-name',
      instance_info: {
        configdrive: {
          user_data: USER_IGNITION,
          meta_data: { 'local-hostname': 'worker-7', coreos_append_karg: ['rd.neednet=1'] },
        },
      },
    };

    expect(await installCoreos(context(node, progress), deps)).to.equal(null);

    const installed = await readBoot('ignition/config.ign');
    expect(installed.mode).to.equal(0o600);
    expect(JSON.parse(installed.text)).to.deep.equal({
      ...USER_IGNITION,
      storage: {
        files: [{ path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,worker-7' } }],
      },
    });
    expect((await readBoot('loader/entries/ostree-1.conf')).text).to.match(/^options .* rd\.neednet=1 ip=dhcp6$/m);
    expect(existsSync(join(host.root, 'tmp/ironic.ign'))).to.equal(false);
    expect(efi.pending()).to.deep.equal([]);
    expect(progress.filter((p) => p['phase'] === 'write').pop()).to.include({ percent: 100 });
    const stamp = JSON.parse(readFileSync(join(base, 'state/install-stamp.json'), 'utf8')) as Record<string, unknown>;
    expect(stamp).to.deep.include({
      state: 'complete',
      disk: { path: disk.device, size: 1073741824, serial: null, wwn: null },
    });
    expect(text()).not.to.contain('secret');
    const calls = host.calls();
    expect(calls[calls.length - 1]).to.equal(
      `install --preserve-on-error --ignition-file /tmp/ironic.ign --append-karg rd.neednet=1 --append-karg ip=dhcp6 --offline ${disk.device} `,
    );
  });

  it('refuses to install another config over it in the same agent boot, leaving the disk alone', async () => {
    const { deps, progress } = setup(new FakeRunner());
    const before = (await readBoot('ignition/config.ign')).text;
    const callsBefore = host.calls().length;
    const node: Node = {
      uuid: 'e2e-node',
      name: 'worker-7',
      instance_info: { configdrive: { user_data: { ignition: { version: '3.0.0' } } } },
    };

    const error = await installCoreos(context(node, progress), deps).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeploymentError);
    expect((error as DeploymentError).details).to.contain(
      'An install of a different Ignition config was already completed',
    );
    expect(host.calls()).to.have.length(callsBefore);
    expect((await readBoot('ignition/config.ign')).text).to.equal(before);
  });
});
