/**
 * The `hints` command must choose exactly as the install step does: same
 * machine, same node, same disk (or the same error). The install step's disk is
 * what install_coreos resolves: dispatch('getOsInstallDevice', node) over the
 * generic manager (agent/hardware/index.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import { DeviceNotFound } from '../../../../common/errors.js';
import { HardwareDispatcher } from '../../../../agent/hardware/dispatch.js';
import { createGenericManager } from '../../../../agent/hardware/generic/index.js';
import { createHintsCommand } from '../../../../agent/hints-cli.js';
import { lsblkArgv } from '../../../../agent/hardware/generic/lsblk.js';
import type { Node } from '../../../../agent/hardware/types.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { GiB, lsblkRow } from '../../../helpers/block-device.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';

const row = lsblkRow;
const LSBLK = JSON.stringify({
  blockdevices: [
    row('sda', 500107862016, { model: 'Samsung SSD', serial: 'S1', tran: 'sata' }),
    row('sdb', 64 * GiB, { model: 'QEMU HARDDISK', serial: 'Q2', rota: true }),
    row('nvme0n1', 1000204886016, { model: 'WDC', serial: 'N3', tran: 'nvme' }),
  ],
});
/** Device numbers of the disks' partitions, for mountinfo and /sys/dev/block. */
const PARTITIONS: Record<string, { number: string; link: string }> = {
  sda: { number: '8:3', link: '../../devices/pci0000:00/ata1/host0/block/sda/sda3' },
  sdb: { number: '8:17', link: '../../devices/pci0000:00/usb2/host6/block/sdb/sdb1' },
  nvme0n1: { number: '259:2', link: '../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1/nvme0n1p2' },
};

/** The machine: sysfs and /dev are empty (blkid fills in nothing), only the mounts differ. */
function machine(mounted: readonly string[]): { fs: FsReader; runner: () => FakeRunner } {
  const mountinfo = mounted
    .map((disk, i) => `${90 + i} 22 ${PARTITIONS[disk]?.number ?? ''} / /run/media/m${i} ro - iso9660 /dev/x ro`)
    .join('\n');
  const links = Object.fromEntries(Object.values(PARTITIONS).map((p) => [`/sys/dev/block/${p.number}`, p.link]));
  const fs: FsReader = {
    readFile: async (path) => {
      if (path === '/proc/self/mountinfo') return mountinfo;
      throw new Error(`ENOENT ${path}`);
    },
    readdir: async (path) => {
      throw new Error(`ENOENT ${path}`);
    },
    readlink: async (path) => {
      const target = links[path];
      if (target === undefined) throw new Error(`ENOENT ${path}`);
      return target;
    },
    exists: async (path) =>
      path.startsWith('/dev/') || (path.endsWith('/partition') && path.slice(0, -'/partition'.length) in links),
  };
  const runner = (): FakeRunner =>
    new FakeRunner().expect(
      { match: lsblkArgv(), stdout: LSBLK, repeat: true },
      { match: (a) => a[0] === 'blkid', exitCode: 2, repeat: true },
    );
  return { fs, runner };
}

/** The install step's answer: the device name, or the DeviceNotFound details. */
async function installStep(node: Node, mounted: readonly string[]): Promise<string> {
  const { fs, runner } = machine(mounted);
  const { logger } = createTestLogger();
  const generic = createGenericManager({
    runner: runner(),
    fs,
    clock: new FakeClock(),
    logger,
    guard: async () => {
      throw new Error('choosing a disk never runs the write guard');
    },
    config: { deviceAllowlist: ['/dev/*'], bootif: null, strictRootDeviceHints: false, networkInterface: null },
  });
  const dispatcher = await HardwareDispatcher.create([generic], logger);
  try {
    return (await dispatcher.dispatch('getOsInstallDevice', node)).name;
  } catch (error) {
    if (!(error instanceof DeviceNotFound)) throw error;
    return error.details;
  }
}

/** The `hints --node FILE --json` answer, in the same form. */
async function hintsCommand(node: Node, mounted: readonly string[], dir: string): Promise<string> {
  const machineFs = machine(mounted);
  const nodeFile = join(dir, 'node.json');
  const fs: FsReader = {
    ...machineFs.fs,
    readFile: async (path) => (path === nodeFile ? JSON.stringify(node) : machineFs.fs.readFile(path)),
  };
  const runner = machineFs.runner;
  let out = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await createHintsCommand({ runner: runner(), fs }).run(['--node', 'node.json', '--json'], {
    stdin: Readable.from([]),
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd: dir,
  });
  const report = JSON.parse(out) as { chosen: { name: string } | null; error: { details: string } | null };
  expect(code).to.equal(report.chosen === null ? 1 : 0);
  return report.chosen?.name ?? report.error?.details ?? '';
}

const node = (rootDevice: Record<string, unknown> | null, properties: Record<string, unknown> = {}): Node => ({
  uuid: '5c1e0a52-8d4c-4e0b-9a57-1f2a3b4c5d6e',
  instance_info: rootDevice === null ? {} : { root_device: rootDevice },
  properties,
});

describe('agent/hints-cli chooses as the install step does', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hints-agree-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const table: Array<[string, Node, string[], string | RegExp]> = [
    ['no hints, nothing mounted: the smallest disk', node(null), [], '/dev/sdb'],
    ['no hints, the smallest disk mounted: the next one', node(null), ['sdb'], '/dev/sda'],
    [
      'hints matching a mounted disk first in lsblk order: the next match',
      node({ size: '>= 400' }),
      ['sda'],
      '/dev/nvme0n1',
    ],
    [
      'hints naming the mounted disk: the same error naming it and why',
      node({ name: '/dev/sda' }),
      ['sda'],
      /These hints match \/dev\/sda, but \/dev\/sda is excluded: it has a mounted filesystem \(\/dev\/sda3 on \/run\/media\/m0\)/,
    ],
    [
      'every disk mounted: the same error saying so',
      node(null),
      ['sda', 'sdb', 'nvme0n1'],
      /every disk is excluded because it has a mounted filesystem/,
    ],
    [
      'skip list and a mounted disk together',
      node({ size: '>= 60' }, { skip_block_devices: [{ serial: 'S1' }] }),
      ['sdb'],
      '/dev/nvme0n1',
    ],
  ];
  for (const [what, n, mounted, expected] of table) {
    it(what, async () => {
      const fromInstall = await installStep(n, mounted);
      const fromHints = await hintsCommand(n, mounted, dir);

      expect(fromHints).to.equal(fromInstall);
      if (typeof expected === 'string') expect(fromInstall).to.equal(expected);
      else expect(fromInstall).to.match(expected);
    });
  }
});
