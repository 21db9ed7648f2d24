import { expect } from 'chai';
import {
  BlockDeviceEraseError,
  IncompatibleHardwareMethodError,
  InvalidCommandParamsError,
  ProtectedDeviceError,
} from '../../../../../common/errors.js';
import { eraseBlockDevice, eraseDevices } from '../../../../../agent/hardware/generic/erase/secure-erase.js';
import type { BlockDevice, Node } from '../../../../../agent/hardware/types.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, disk, fakeDeps, fakeFs, fixture, node, notRaid } from './support.js';

const NVME = '/dev/nvme0n1';
const ID_CTRL: Scripted = {
  match: ['nvme', 'id-ctrl', NVME, '-o', 'json'],
  stdout: fixture('nvme-id-ctrl-crypto.json'),
};
const NVME_FORMAT_FAILS: Scripted = {
  match: ['nvme', 'format', NVME, '-s', '2', '-f'],
  exitCode: 1,
  stderr: 'NVMe status: ACCESS_DENIED',
};
const SMARTCTL: Scripted = {
  match: (a) => a[0] === 'smartctl',
  stdout: 'ATA Security is:  Disabled, NOT FROZEN [SEC1]\n',
};

function shred(device: string, exitCode = 0): Scripted {
  return {
    match: (a) => a[0] === 'shred' && a.at(-1) === device,
    exitCode,
    stderr: exitCode === 0 ? '' : `shred: ${device}: error writing at offset 0: Input/output error`,
  };
}

async function attempt(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('erase/secure-erase', () => {
  describe('eraseBlockDevice', () => {
    it('skips the virtual-media device without running anything', async () => {
      const runner = new FakeRunner();

      expect(
        await eraseBlockDevice(
          fakeDeps(runner, createTestLogger().logger, fakeFs({ virtualMedia: '../../sdb' })),
          node(),
          disk('/dev/sdb'),
        ),
      ).to.equal(null);
      expect(runner.calls).to.deep.equal([]);
    });

    it('skips a RAID member', async () => {
      const runner = new FakeRunner().expect(notRaid('/dev/sdb', 'linux_raid_member'));

      expect(await eraseBlockDevice(fakeDeps(runner, createTestLogger().logger), node(), disk('/dev/sdb'))).to.equal(
        null,
      );
      expect(runner.calls).to.have.length(1);
    });

    it('refuses a read-only device unless the conductor allows skipping it', async () => {
      const runner = new FakeRunner().expect({ ...notRaid('/dev/sdb'), repeat: true });
      const deps = fakeDeps(runner, createTestLogger().logger, fakeFs({ readOnly: ['sdb'] }));

      const error = await attempt(eraseBlockDevice(deps, node(), disk('/dev/sdb')));
      const skipped = await eraseBlockDevice(deps, node({ agent_erase_skip_read_only: true }), disk('/dev/sdb'));

      expect(error).to.be.instanceOf(BlockDeviceEraseError);
      expect((error as BlockDeviceEraseError).details).to.equal(
        'Failed to invoke erase of device /dev/sdb as the device is flagged read-only, and the conductor has not signaled this is a permitted case.',
      );
      expect(skipped).to.equal(null);
      expect(argvs(runner).every((a) => a[0] === 'lsblk')).to.equal(true);
    });

    it('rejects a malformed flag before running anything', async () => {
      const runner = new FakeRunner();

      const error = await attempt(
        eraseBlockDevice(
          fakeDeps(runner, createTestLogger().logger),
          node({ agent_erase_devices_iterations: 'lots' }),
          disk('/dev/sdb'),
        ),
      );

      expect(error).to.be.instanceOf(InvalidCommandParamsError);
      expect(runner.calls).to.deep.equal([]);
    });

    const paths: {
      title: string;
      device: string;
      info: Record<string, unknown>;
      script: Scripted[];
      expectShred: boolean;
      error?: RegExp;
    }[] = [
      {
        title: 'NVMe secure erase succeeds: no shred',
        device: NVME,
        info: {},
        script: [ID_CTRL, { match: ['nvme', 'format', NVME, '-s', '2', '-f'] }],
        expectShred: false,
      },
      {
        title: 'NVMe secure erase disabled: shred',
        device: NVME,
        info: { agent_enable_nvme_secure_erase: false },
        script: [shred(NVME)],
        expectShred: true,
      },
      {
        title: 'NVMe erase fails without permission to continue: no shred',
        device: NVME,
        info: {},
        script: [ID_CTRL, NVME_FORMAT_FAILS],
        expectShred: false,
        error:
          /^Failed to invoke secure erase, fallback to shred is not enabled: Error erasing block device: Failed to nvme format device \/dev\/nvme0n1/,
      },
      {
        title: 'NVMe erase fails with agent_continue_if_secure_erase_failed: shred',
        device: NVME,
        info: { agent_continue_if_secure_erase_failed: true },
        script: [ID_CTRL, NVME_FORMAT_FAILS, shred(NVME)],
        expectShred: true,
      },
      {
        title: 'NVMe erase fails with the deprecated agent_continue_if_ata_erase_failed: shred',
        device: NVME,
        info: { agent_continue_if_ata_erase_failed: true },
        script: [ID_CTRL, NVME_FORMAT_FAILS, shred(NVME)],
        expectShred: true,
      },
      {
        title: 'ATA secure erase succeeds: no shred',
        device: '/dev/sda',
        info: {},
        script: [
          { match: ['hdparm', '-I', '/dev/sda'], stdout: fixture('hdparm-i-ssd.txt'), repeat: true },
          SMARTCTL,
          { match: (a) => a[1] === '--user-master', repeat: true },
        ],
        expectShred: false,
      },
      {
        title: 'ATA security unsupported: shred even without permission to continue',
        device: '/dev/sda',
        info: {},
        script: [
          { match: ['hdparm', '-I', '/dev/sda'], stdout: fixture('hdparm-i-qemu-no-security.txt') },
          SMARTCTL,
          shred('/dev/sda'),
        ],
        expectShred: true,
      },
      {
        title: 'ATA secure erase disabled: shred',
        device: '/dev/sda',
        info: { agent_enable_ata_secure_erase: false },
        script: [shred('/dev/sda')],
        expectShred: true,
      },
      {
        title: 'ATA drive frozen without permission to continue: no shred',
        device: '/dev/sda',
        info: {},
        script: [{ match: ['hdparm', '-I', '/dev/sda'], stdout: fixture('hdparm-i-hdd-frozen.txt') }, SMARTCTL],
        expectShred: false,
        error: /fallback to shred is not enabled: .*Block device \/dev\/sda is frozen and cannot be erased/,
      },
      {
        title: 'ATA drive frozen with permission to continue: shred',
        device: '/dev/sda',
        info: { agent_continue_if_secure_erase_failed: true },
        script: [
          { match: ['hdparm', '-I', '/dev/sda'], stdout: fixture('hdparm-i-hdd-frozen.txt') },
          SMARTCTL,
          shred('/dev/sda'),
        ],
        expectShred: true,
      },
      {
        title: 'shred fails: unsupported',
        device: '/dev/sda',
        info: { agent_enable_ata_secure_erase: false },
        script: [shred('/dev/sda', 1)],
        expectShred: true,
        error: /^Unable to erase block device \/dev\/sda: device is unsupported\.$/,
      },
    ];
    for (const row of paths) {
      it(row.title, async () => {
        const runner = new FakeRunner().expect(notRaid(row.device), ...row.script);
        const deps = fakeDeps(runner, createTestLogger().logger);

        const error = await attempt(eraseBlockDevice(deps, node(row.info), disk(row.device)));

        expect(argvs(runner).some((a) => a[0] === 'shred')).to.equal(row.expectShred);
        if (row.error === undefined) {
          expect(error).to.equal(null);
        } else {
          expect(error).to.be.instanceOf(IncompatibleHardwareMethodError);
          expect((error as IncompatibleHardwareMethodError).details).to.match(row.error);
        }
        expect(runner.pending().filter((s) => s.repeat !== true)).to.deep.equal([]);
      });
    }

    const shredArgs: { info: Record<string, unknown>; argv: string[] }[] = [
      { info: {}, argv: ['shred', '--force', '--zero', '--verbose', '--iterations', '1', '/dev/sda'] },
      {
        info: { agent_erase_devices_iterations: 3 },
        argv: ['shred', '--force', '--zero', '--verbose', '--iterations', '3', '/dev/sda'],
      },
      {
        info: { agent_erase_devices_zeroize: false, agent_erase_devices_iterations: 2 },
        argv: ['shred', '--force', '--verbose', '--iterations', '2', '/dev/sda'],
      },
      {
        info: { agent_erase_devices_iterations: 0 },
        argv: ['shred', '--force', '--zero', '--verbose', '--iterations', '0', '/dev/sda'],
      },
    ];
    for (const row of shredArgs) {
      it(`runs shred as ${row.argv.slice(1, -1).join(' ')} for ${JSON.stringify(row.info)}`, async () => {
        const runner = new FakeRunner().expect(notRaid('/dev/sda'), shred('/dev/sda'));

        await eraseBlockDevice(
          fakeDeps(runner, createTestLogger().logger),
          node({ agent_enable_ata_secure_erase: false, ...row.info }),
          disk('/dev/sda'),
        );

        expect(argvs(runner).at(-1)).to.deep.equal(row.argv);
      });
    }
  });

  describe('eraseDevices', () => {
    /** An eraseOne whose calls stay pending until released, to observe concurrency without timers. */
    function gatedEraseOne(): {
      started: string[];
      maxInFlight: () => number;
      release: (name: string, error?: Error) => void;
      fn: (n: Node, d: BlockDevice) => Promise<unknown>;
    } {
      const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
      const started: string[] = [];
      let inFlight = 0;
      let max = 0;
      return {
        started,
        maxInFlight: () => max,
        release: (name, error) => {
          const gate = waiting.get(name);
          if (gate === undefined) throw new Error(`${name} has not started`);
          if (error === undefined) gate.resolve(`erased ${name}`);
          else gate.reject(error);
        },
        fn: (_node, device) =>
          new Promise((resolve, reject) => {
            started.push(device.name);
            inFlight += 1;
            max = Math.max(max, inFlight);
            const done = (): void => {
              inFlight -= 1;
            };
            waiting.set(device.name, {
              resolve: (v) => {
                done();
                resolve(v);
              },
              reject: (e) => {
                done();
                reject(e);
              },
            });
          }),
      };
    }

    const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

    it('returns {device: null} per disk with the generic erase', async () => {
      const runner = new FakeRunner().expect(
        notRaid('/dev/sda'),
        shred('/dev/sda'),
        notRaid('/dev/sdb'),
        shred('/dev/sdb'),
      );
      const guarded: string[] = [];

      const result = await eraseDevices({
        ...fakeDeps(runner, createTestLogger().logger),
        node: node({ agent_enable_ata_secure_erase: false }),
        devices: [disk('/dev/sda'), disk('/dev/sdb')],
        guard: async (_n, d) => {
          guarded.push(d);
        },
      });

      expect(result).to.deep.equal({ '/dev/sda': null, '/dev/sdb': null });
      expect(guarded).to.deep.equal(['/dev/sda', '/dev/sdb']);
    });

    it('formats an all-namespace NVMe controller only when every namespace is in the device list', async () => {
      const allNs = (ns: string): Scripted => ({
        match: ['nvme', 'id-ctrl', ns, '-o', 'json'],
        stdout: fixture('nvme-id-ctrl-all-namespaces.json'),
      });
      const fs = fakeFs({ namespaces: { nvme0n1: ['nvme0n1', 'nvme0n2'], nvme0n2: ['nvme0n1', 'nvme0n2'] } });
      const both = new FakeRunner().expect(
        notRaid(NVME),
        allNs(NVME),
        { match: ['nvme', 'format', NVME, '-s', '2', '-f'] },
        notRaid('/dev/nvme0n2'),
        allNs('/dev/nvme0n2'),
        { match: ['nvme', 'format', '/dev/nvme0n2', '-s', '2', '-f'] },
      );
      const one = new FakeRunner().expect(notRaid(NVME), allNs(NVME), shred(NVME));
      const info = { agent_continue_if_secure_erase_failed: true };

      await eraseDevices({
        ...fakeDeps(both, createTestLogger().logger, fs),
        node: node(info),
        devices: [disk(NVME), disk('/dev/nvme0n2')],
        guard: async () => undefined,
      });
      await eraseDevices({
        ...fakeDeps(one, createTestLogger().logger, fs),
        node: node(info),
        devices: [disk(NVME)],
        guard: async () => undefined,
      });

      expect(
        argvs(both)
          .filter((a) => a[1] === 'format')
          .map((a) => a[2]),
      ).to.deep.equal([NVME, '/dev/nvme0n2']);
      expect(argvs(one).map((a) => a[0])).to.deep.equal(['lsblk', 'nvme', 'shred']);
    });

    it('returns {} without checking anything when there are no disks', async () => {
      const result = await eraseDevices({
        ...fakeDeps(new FakeRunner(), createTestLogger().logger),
        node: node(),
        devices: [],
        guard: async () => {
          throw new Error('not expected');
        },
      });

      expect(result).to.deep.equal({});
    });

    it('erases nothing when any disk is protected', async () => {
      const gate = gatedEraseOne();

      const error = await attempt(
        eraseDevices({
          ...fakeDeps(new FakeRunner(), createTestLogger().logger),
          node: node(),
          devices: [disk('/dev/sda'), disk('/dev/sdb')],
          eraseOne: gate.fn,
          guard: async (_n, d) => {
            if (d === '/dev/sdb') throw new ProtectedDeviceError(d, 'IBM GPFS Partition');
          },
        }),
      );

      expect(error).to.be.instanceOf(ProtectedDeviceError);
      expect(gate.started).to.deep.equal([]);
    });

    it('runs disk_erasure_concurrency disks at a time', async () => {
      const gate = gatedEraseOne();
      const devices = ['/dev/sda', '/dev/sdb', '/dev/sdc'].map((n) => disk(n));

      const pending = eraseDevices({
        ...fakeDeps(new FakeRunner(), createTestLogger().logger),
        node: node({ disk_erasure_concurrency: 2 }),
        devices,
        eraseOne: gate.fn,
        guard: async () => undefined,
      });
      await settle();
      expect(gate.started).to.deep.equal(['/dev/sda', '/dev/sdb']);
      gate.release('/dev/sdb');
      await settle();
      expect(gate.started).to.deep.equal(['/dev/sda', '/dev/sdb', '/dev/sdc']);
      gate.release('/dev/sda');
      gate.release('/dev/sdc');

      expect(await pending).to.deep.equal({
        '/dev/sda': 'erased /dev/sda',
        '/dev/sdb': 'erased /dev/sdb',
        '/dev/sdc': 'erased /dev/sdc',
      });
      expect(gate.maxInFlight()).to.equal(2);
    });

    it('erases one disk at a time by default', async () => {
      const gate = gatedEraseOne();

      const pending = eraseDevices({
        ...fakeDeps(new FakeRunner(), createTestLogger().logger),
        node: node(),
        devices: [disk('/dev/sda'), disk('/dev/sdb')],
        eraseOne: gate.fn,
        guard: async () => undefined,
      });
      await settle();
      expect(gate.started).to.deep.equal(['/dev/sda']);
      gate.release('/dev/sda');
      await settle();
      gate.release('/dev/sdb');
      await pending;

      expect(gate.maxInFlight()).to.equal(1);
    });

    it('lets every erase finish, then raises the first failure in device order', async () => {
      const gate = gatedEraseOne();
      const { logger, memory } = createTestLogger();

      const pending = attempt(
        eraseDevices({
          ...fakeDeps(new FakeRunner(), logger),
          node: node({ disk_erasure_concurrency: 3 }),
          devices: ['/dev/sda', '/dev/sdb', '/dev/sdc'].map((n) => disk(n)),
          eraseOne: gate.fn,
          guard: async () => undefined,
        }),
      );
      await settle();
      gate.release('/dev/sdc', new BlockDeviceEraseError('third'));
      gate.release('/dev/sdb', new IncompatibleHardwareMethodError('second'));
      gate.release('/dev/sda');
      const error = await pending;

      expect(error).to.be.instanceOf(IncompatibleHardwareMethodError);
      expect(gate.started).to.have.length(3);
      expect(memory.text()).to.include('"device":"/dev/sdb"').and.include('"device":"/dev/sdc"');
    });

    it('validates flags before the safety checks', async () => {
      const guarded: string[] = [];

      const error = await attempt(
        eraseDevices({
          ...fakeDeps(new FakeRunner(), createTestLogger().logger),
          node: node({ disk_erasure_concurrency: 0 }),
          devices: [disk('/dev/sda')],
          guard: async (_n, d) => {
            guarded.push(d);
          },
        }),
      );

      expect(error).to.be.instanceOf(InvalidCommandParamsError);
      expect(guarded).to.deep.equal([]);
    });
  });
});
