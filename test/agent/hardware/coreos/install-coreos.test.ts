import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DeploymentError, ProtectedDeviceError } from '../../../../common/errors.js';
import { NodeFs } from '../../../../common/fs/node-fs.js';
import { createCoreOSManager } from '../../../../agent/hardware/coreos/index.js';
import { installCoreos, type CoreOSDeps } from '../../../../agent/hardware/coreos/install-coreos.js';
import type { DiskIdentity } from '../../../../agent/hardware/coreos/stamp.js';
import { toStepDefinition } from '../../../../agent/hardware/steps.js';
import { SupportLevel, type BlockDevice, type Node, type StepContext } from '../../../../agent/hardware/types.js';
import type { MemoryTransport } from '../../../../agent/logger.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeRunner, type Scripted } from '../../../helpers/fake-runner.js';
import { bootStateStore } from '../../../helpers/boot-state.js';
import { createTestLogger } from '../../../helpers/logger.js';

const SECRET_HASH = '$6$rounds=4096$s3cr3tSalt$AbCdEf';
const USER_IGNITION = {
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'core', passwordHash: SECRET_HASH }] },
};
const DEVICE: BlockDevice = {
  name: '/dev/sda',
  model: 'QEMU HARDDISK',
  size: 21474836480,
  rotational: true,
  wwn: null,
  serial: 'QM00001',
  vendor: 'ATA',
  wwn_with_extension: null,
  wwn_vendor_extension: null,
  hctl: '0:0:0:0',
  by_path: null,
  logical_sectors: 512,
  physical_sectors: 512,
  tran: 'sata',
};
const IDENTITY: DiskIdentity = { path: '/dev/sda', size: 21474836480, serial: 'QM00001', wwn: null };
const WIPEFS_GPT = JSON.stringify({ signatures: [{ device: 'sda', offset: '0x200', type: 'gpt' }] });

describe('hardware/coreos/install-coreos', () => {
  let dir: string;
  let root: string;
  let runner: FakeRunner;
  let memory: MemoryTransport;
  let deps: CoreOSDeps;
  let progress: Record<string, unknown>[];
  let resolved: number;
  let identities: DiskIdentity[];
  let guarded: string[];
  let raidCalls: string[];

  const head = (): string[] => ['chroot', root, 'coreos-installer', 'install', '--preserve-on-error'];
  const node = (configdrive: unknown, extra: Partial<Node> = {}): Node => ({
    uuid: 'c712b7a5',
    name: 'node-1',
    instance_info: { configdrive },
    ...extra,
  });
  const context = (n: Node, args: Record<string, unknown> = {}): StepContext => ({
    node: n,
    ports: [],
    args,
    kind: 'deploy',
    progress: (p) => progress.push(p),
  });
  const ignFile = (): string => join(root, 'tmp/ironic.ign');
  const stampFile = (): string => join(dir, 'state/install-stamp.json');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coreos-step-'));
    root = join(dir, 'root');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'usr/bin/coreos-installer'), '#!/bin/sh\nexit 99\n');
    chmodSync(join(root, 'usr/bin/coreos-installer'), 0o755);
    runner = new FakeRunner();
    const test = createTestLogger();
    memory = test.memory;
    progress = [];
    resolved = 0;
    identities = [];
    guarded = [];
    raidCalls = [];
    deps = {
      runner,
      logger: test.logger,
      config: {
        rootMount: root,
        coreosCopyNetwork: false,
        coreosIpOptions: null,
        coreosAllowUnsignedImage: true,
      },
      stateStore: bootStateStore(join(dir, 'state')),
      guard: async (_node, device) => {
        guarded.push(device);
      },
      resolveRootDevice: async () => {
        resolved += 1;
        return DEVICE;
      },
      bootMode: async () => 'bios',
      diskIdentity: async () => identities.shift() ?? IDENTITY,
      fs: new NodeFs(),
      clock: new FakeClock({ auto: true }),
      softwareRaid: {
        plan: async (disk) => {
          raidCalls.push(`plan ${disk}`);
          return { disk, devices: [disk], arrays: [] };
        },
        remove: async (plan) => {
          raidCalls.push(`remove ${plan.disk} ignition=${existsSync(ignFile())}`);
        },
      },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('installs with the Ignition file written 0600, then removes it', async () => {
    const seen: { mode: number; text: string }[] = [];
    runner.expect({
      match: [
        ...head(),
        '--ignition-file',
        '/tmp/ironic.ign',
        '--append-karg',
        'console=ttyS0,115200n8',
        '--append-karg',
        'rd.neednet=1',
        '--offline',
        '/dev/sda',
      ],
      lines: [
        'Installing Fedora CoreOS 40 x86_64 (512-byte sectors)',
        'Read disk 10.0 MiB/20.0 MiB (50%)',
        'Install complete.',
      ],
      effect: () => {
        seen.push({ mode: statSync(ignFile()).mode & 0o777, text: readFileSync(ignFile(), 'utf8') });
      },
    });
    const configdrive = {
      user_data: USER_IGNITION,
      meta_data: { 'local-hostname': 'worker-0', coreos_append_karg: ['console=ttyS0,115200n8', 'rd.neednet=1'] },
    };

    const result = await installCoreos(context(node(configdrive)), deps);

    expect(result).to.equal(null);
    expect(guarded).to.deep.equal(['/dev/sda']);
    expect(seen).to.have.length(1);
    expect(seen[0]?.mode).to.equal(0o600);
    expect(JSON.parse(seen[0]?.text ?? '')).to.deep.equal({
      ...USER_IGNITION,
      storage: {
        files: [{ path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,worker-0' } }],
      },
    });
    expect(existsSync(ignFile())).to.equal(false);
    expect(JSON.parse(readFileSync(stampFile(), 'utf8'))).to.include({ state: 'complete', nodeUuid: 'c712b7a5' });
    expect(progress.map((p) => p['phase'])).to.deep.equal(['source', 'write', 'complete']);
    expect(progress[1]).to.deep.equal({
      step: 'install_coreos',
      phase: 'write',
      line: 'Read disk 10.0 MiB/20.0 MiB (50%)',
      percent: 50,
    });
  });

  it('never logs Ignition contents', async () => {
    runner.expect({ match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'] });

    await installCoreos(context(node({ user_data: JSON.stringify(USER_IGNITION) })), deps);

    const logged = memory.text();
    expect(logged).to.contain('Running coreos-installer');
    expect(logged).not.to.contain('s3cr3tSalt');
    expect(logged).not.to.contain('passwordHash');
  });

  it('removes the Ignition file when the installer keeps failing', async () => {
    runner.expect({
      match: (argv) => argv[0] === 'chroot',
      exitCode: 1,
      lines: ['Error: install failed'],
      repeat: true,
    });

    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'coreos-installer failed with code 1 (attempt 3 of 3): install failed',
    );
    expect(runner.calls).to.have.length(3);
    expect(existsSync(ignFile())).to.equal(false);
    expect(JSON.parse(readFileSync(stampFile(), 'utf8'))).to.include({ state: 'started' });
  });

  it('runs the shared-storage guard on the chosen disk and writes nothing when it refuses', async () => {
    deps.guard = async (_node, device) => {
      guarded.push(device);
      throw new ProtectedDeviceError(
        `${device} (partition 1 of its primary GPT at byte 1048576, read from the disk itself)`,
        'VMware VMFS Partition (GPT)',
      );
    };

    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(ProtectedDeviceError);
    expect((error as ProtectedDeviceError).details).to.include(
      'Protected VMware VMFS Partition (GPT) located on device /dev/sda (partition 1',
    );
    expect(guarded).to.deep.equal(['/dev/sda']);
    expect(runner.calls).to.deep.equal([]);
    expect(existsSync(ignFile())).to.equal(false);
    expect(existsSync(stampFile())).to.equal(false);
  });

  it('fails before touching anything when coreos-installer is not in the host root', async () => {
    rmSync(join(root, 'usr/bin/coreos-installer'));

    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeploymentError);
    expect((error as DeploymentError).details).to.match(new RegExp(`^coreos-installer not found in ${root}: `));
    expect(runner.calls).to.deep.equal([]);
    expect(existsSync(stampFile())).to.equal(false);
  });

  it("follows absolute symlinks inside the host root, not the agent's root", async () => {
    rmSync(join(root, 'usr/bin/coreos-installer'));
    mkdirSync(join(root, 'usr/lib/coreos'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/coreos/installer'), '#!/bin/sh\n');
    chmodSync(join(root, 'usr/lib/coreos/installer'), 0o755);
    symlinkSync('/usr/lib/coreos/installer', join(root, 'usr/bin/coreos-installer'));
    runner.expect({ match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'] });

    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);

    rmSync(join(root, 'usr/lib/coreos/installer'));
    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);
    expect((error as DeploymentError).details).to.contain('coreos-installer not found in');
  });

  it('refuses an invalid Ignition config before resolving the disk', async () => {
    const bad = { ignition: { version: '3.2.0' }, storage: { files: [{ path: 'etc/motd' }] } };

    const error = await installCoreos(context(node({ user_data: bad })), deps).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'The Ignition config in user_data is invalid: $.storage.files.0.path: path not absolute; nothing was written to disk',
    );
    expect(resolved).to.equal(0);
    expect(runner.calls).to.deep.equal([]);
  });

  for (const [name, configdrive, message] of [
    [
      'a pre-rendered configdrive',
      'H4sIAAAAAAAAA+3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAKAAA',
      'Cannot use a pre-rendered configdrive',
    ],
    ['user_data that is not JSON', { user_data: '{"ignition":' }, 'user_data is not valid JSON'],
    ['an Ignition 2.2.0 config', { user_data: { ignition: { version: '2.2.0' } } }, 'is not supported'],
    ['an undeclared step argument', { user_data: USER_IGNITION }, 'does not accept argument(s) bogus'],
  ] as const) {
    it(`refuses ${name} before resolving the disk`, async () => {
      const args = name.includes('argument') ? { bogus: 1 } : {};

      const error = await installCoreos(context(node(configdrive), args), deps).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.contain(message);
      expect(resolved).to.equal(0);
    });
  }

  it('does not install when the disk identity changed after stamping', async () => {
    identities = [IDENTITY, { ...IDENTITY, serial: 'OTHER' }];

    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.contain('The target disk changed before installing');
    expect(runner.calls).to.deep.equal([]);
    expect(existsSync(ignFile())).to.equal(false);
  });

  it('plans the RAID removal after the guard, removes it only after the identity re-check, right before the installer', async () => {
    runner.expect({
      match: (argv) => argv[0] === 'chroot',
      effect: () => {
        raidCalls.push('installer');
      },
      lines: ['Install complete.'],
    });

    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);

    expect(guarded).to.deep.equal(['/dev/sda']);
    expect(raidCalls).to.deep.equal(['plan /dev/sda', 'remove /dev/sda ignition=true', 'installer']);
  });

  it('stamps and writes nothing when the RAID plan refuses (an array on the disk is in use)', async () => {
    deps.softwareRaid = {
      plan: async () => {
        throw new DeploymentError(
          'Cannot install on /dev/sda: software RAID array /dev/md127 (members /dev/sda1) is in use',
        );
      },
      remove: async () => {
        raidCalls.push('remove');
      },
    };

    const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.contain('/dev/md127');
    expect(raidCalls).to.deep.equal([]);
    expect(runner.calls).to.deep.equal([]);
    expect(existsSync(stampFile())).to.equal(false);
    expect(existsSync(ignFile())).to.equal(false);
  });

  it('does not touch RAID when the disk identity changed after stamping', async () => {
    identities = [IDENTITY, { ...IDENTITY, serial: 'OTHER' }];

    await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

    expect(raidCalls).to.deep.equal(['plan /dev/sda']);
  });

  it('refuses a second install with a different config, allows the same one again', async () => {
    runner.expect({ match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'], repeat: true });
    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);
    runner.expect({ match: ['wipefs', '--no-act', '--json', '/dev/sda'], stdout: WIPEFS_GPT });

    const other = { ignition: { version: '3.4.0' } };
    const error = await installCoreos(context(node({ user_data: other })), deps).catch((e: unknown) => e);
    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);

    expect((error as DeploymentError).details).to.contain(
      'An install of a different Ignition config was already completed on /dev/sda',
    );
    expect(runner.calls.map((c) => c.argv[0])).to.deep.equal(['chroot', 'wipefs', 'chroot']);
  });

  for (const [what, changed] of [
    ['size', { size: 1000204886016 }],
    ['serial', { serial: 'OTHER' }],
  ] as const) {
    it(`does not stamp or install when the disk read by path has another ${what} than the selected device`, async () => {
      identities = [{ ...IDENTITY, ...changed }];

      const error = await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.contain(
        'The target disk changed before installing: the root device hints selected /dev/sda',
      );
      expect(runner.calls).to.deep.equal([]);
      expect(existsSync(stampFile())).to.equal(false);
      expect(existsSync(ignFile())).to.equal(false);
    });
  }

  it('refuses a user config that becomes invalid once /etc/hostname is added, before resolving the disk', async () => {
    const linked = { ignition: { version: '3.4.0' }, storage: { links: [{ path: '/etc', target: '/var/etc' }] } };

    const error = await installCoreos(
      context(node({ user_data: linked, meta_data: { 'local-hostname': 'worker-0' } })),
      deps,
    ).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'The Ignition config in user_data is invalid once the agent adds /etc/hostname: $.storage.files.0: file path includes link in config; nothing was written to disk',
    );
    expect(resolved).to.equal(0);
    expect(runner.calls).to.deep.equal([]);
  });

  it('masks a presigned image URL in the logged argv, progress and the error', async () => {
    const url = 'https://swift.example/v1/AUTH_a/c/fcos.raw.xz?temp_url_sig=5ecre7&temp_url_expires=1700000000';
    runner.expect({
      match: (argv) => argv.includes(url),
      exitCode: 1,
      lines: [`Downloading image from ${url}`, `Error: fetching ${url}: 401`],
      repeat: true,
    });

    const error = await installCoreos(
      context(
        node(
          { user_data: USER_IGNITION },
          { instance_info: { configdrive: { user_data: USER_IGNITION }, image_source: url } },
        ),
      ),
      deps,
    ).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal(
      'coreos-installer failed with code 1 (attempt 3 of 3): fetching https://swift.example/v1/AUTH_a/c/fcos.raw.xz?*** 401',
    );
    const running = memory.entries.find((e) => e['message'] === 'Running coreos-installer');
    expect(running?.['argv']).to.include('https://swift.example/v1/AUTH_a/c/fcos.raw.xz?***');
    expect(memory.text()).not.to.contain('5ecre7');
    expect(JSON.stringify(progress)).not.to.contain('5ecre7');
  });

  describe('a different config after a failed install in the same agent boot', () => {
    const fixed = { ignition: { version: '3.4.0' } };

    beforeEach(async () => {
      runner.expect(
        ...[1, 2, 3].map(() => ({
          match: (argv: readonly string[]) => argv[0] === 'chroot',
          exitCode: 1,
          lines: ['Error: install failed'],
        })),
      );
      await installCoreos(context(node({ user_data: USER_IGNITION })), deps).catch(() => null);
      expect(JSON.parse(readFileSync(stampFile(), 'utf8'))).to.include({ state: 'started' });
    });

    it('installs once cleaning wiped the disk (wipefs finds no signature), replacing the stale stamp', async () => {
      runner.expect(
        { match: ['wipefs', '--no-act', '--json', '/dev/sda'], stdout: '{"signatures": []}' },
        { match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'] },
      );

      await installCoreos(context(node({ user_data: fixed })), deps);

      expect(JSON.parse(readFileSync(stampFile(), 'utf8'))).to.include({ state: 'complete', attempts: 1 });
      expect(
        memory.entries.filter((e) => e['message'] === 'Install stamp recorded').map((e) => e['kind']),
      ).to.deep.equal(['new', 'replaced']);
      expect(runner.pending()).to.deep.equal([]);
    });

    it('still refuses while the disk carries a partition table (e.g. an interrupted install)', async () => {
      runner.expect({ match: ['wipefs', '--no-act', '--json', '/dev/sda'], stdout: WIPEFS_GPT });
      const calls = runner.calls.length;

      const error = await installCoreos(context(node({ user_data: fixed })), deps).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.contain(
        '/dev/sda still carries a partition table or filesystem signature',
      );
      expect(runner.calls.slice(calls).map((c) => c.argv[0])).to.deep.equal(['wipefs']);
      expect(existsSync(ignFile())).to.equal(false);
    });
  });

  it('installs from image_source without Ignition when there is no hostname either', async () => {
    runner.expect({
      match: [
        ...head(),
        '--image-url',
        'https://images/fcos.raw.xz',
        '--insecure',
        '--console',
        'ttyS0,115200n8',
        '/dev/sda',
      ],
      lines: ['Install complete.'],
    });

    await installCoreos(
      context(node({}, { name: null, instance_info: { image_source: 'https://images/fcos.raw.xz' } }), {
        console: 'ttyS0,115200n8',
      }),
      deps,
    );

    expect(runner.pending()).to.deep.equal([]);
    expect(JSON.parse(readFileSync(stampFile(), 'utf8'))).to.include({ ignitionSha256: null });
  });

  it('reads the disk identity with lsblk by default', async () => {
    const lsblk: Scripted = {
      match: ['lsblk', '--json', '--bytes', '--nodeps', '--output', 'SIZE,SERIAL,WWN', '/dev/sda'],
      stdout: JSON.stringify({ blockdevices: [{ size: 21474836480, serial: 'QM00001', wwn: null }] }),
    };
    runner.expect(lsblk, lsblk, { match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'] });
    delete deps.diskIdentity;

    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);

    expect((JSON.parse(readFileSync(stampFile(), 'utf8')) as { disk: unknown }).disk).to.deep.equal(IDENTITY);
  });

  it('creates the UEFI boot entry after installing in UEFI mode', async () => {
    runner.expect(
      { match: (argv) => argv[0] === 'chroot', lines: ['Install complete.'] },
      {
        match: ['lsblk', '--json', '--paths', '--output', 'NAME,TYPE,PARTLABEL,PARTTYPE', '/dev/sda'],
        stdout: JSON.stringify({
          blockdevices: [
            {
              name: '/dev/sda',
              type: 'disk',
              children: [
                {
                  name: '/dev/sda2',
                  type: 'part',
                  partlabel: 'EFI-SYSTEM',
                  parttype: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
                },
              ],
            },
          ],
        }),
      },
      { match: ['efibootmgr'], stdout: 'BootOrder: 0000\nBoot0000* UiApp\n' },
      {
        match: [
          'efibootmgr',
          '-c',
          '-d',
          '/dev/sda',
          '-p',
          '2',
          '-w',
          '-L',
          'Fedora CoreOS',
          '-l',
          '\\EFI\\fedora\\shimx64.efi',
        ],
      },
    );
    deps.bootMode = async () => 'uefi';
    deps.config = { ...deps.config, uefiLoaderPath: '\\EFI\\fedora\\shimx64.efi' };

    await installCoreos(context(node({ user_data: USER_IGNITION })), deps);

    expect(runner.pending()).to.deep.equal([]);
  });

  it('is offered by CoreOSInstallHardwareManager as a deploy step with every argument declared', async () => {
    const manager = createCoreOSManager(deps);
    const step = manager.steps[0];

    expect([manager.name, manager.className, manager.version]).to.deep.equal([
      'CoreOSInstallHardwareManager',
      'CoreOSInstallHardwareManager',
      '1',
    ]);
    expect(await manager.evaluateSupport()).to.equal(SupportLevel.SERVICE_PROVIDER);
    expect(manager.steps).to.have.length(1);
    const definition = step === undefined ? null : toStepDefinition(step, 'deploy');
    expect(definition).to.deep.include({
      step: 'install_coreos',
      priority: 0,
      interface: 'deploy',
      reboot_requested: false,
    });
    expect(Object.keys(definition?.argsinfo ?? {})).to.deep.equal([
      'console',
      'platform',
      'save_partlabel',
      'save_partindex',
      'delete_karg',
    ]);
    for (const info of Object.values(definition?.argsinfo ?? {})) {
      expect(info.required).to.equal(false);
      expect(info.description.length).to.be.greaterThan(20);
    }
    expect(toStepDefinition(step!, 'clean')).to.equal(null);
  });
});
