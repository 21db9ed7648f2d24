import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import { main } from '../../cli/index.js';
import type { CliIO } from '../../common/cli/types.js';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { createHintsCommand } from '../../agent/hints-cli.js';
import { lsblkArgv } from '../../agent/hardware/generic/lsblk.js';
import type { FsReader } from '../../common/fs/fs-reader.js';
import { NodeFs } from '../../common/fs/node-fs.js';
import { GiB, lsblkRow } from '../helpers/block-device.js';
import { FakeRunner } from '../helpers/fake-runner.js';

interface Captured {
  io: CliIO;
  out: () => string;
  err: () => string;
}

function capture(cwd = process.cwd()): Captured {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return { io: { stdin: Readable.from([]), stdout, stderr, env: {}, cwd }, out: () => out, err: () => err };
}

const row = lsblkRow;

describe('agent/hints-cli', () => {
  describe('with a scripted lsblk', () => {
    const lsblk = JSON.stringify({
      blockdevices: [
        row('sda', 500107862016, { model: 'Samsung SSD', serial: 'S1', tran: 'sata' }),
        row('sdb', 64 * GiB, { model: 'QEMU HARDDISK', serial: 'Q2', rota: true }),
        row('sdc', 8 * GiB, { serial: 'RO', ro: true }),
        row('nvme0n1', 1000204886016, { model: 'WDC', serial: 'N3', tran: 'nvme' }),
      ],
    });
    const run = async (
      argv: string[],
      cwd?: string,
      fs?: FsReader,
    ): Promise<{ code: number; out: string; err: string; runner: FakeRunner }> => {
      const runner = new FakeRunner().expect(
        { match: lsblkArgv(), stdout: lsblk, repeat: true },
        { match: (a) => a[0] === 'blkid', exitCode: 2, repeat: true },
      );
      const paths = { sys: '/nonexistent-hints/sys', dev: '/nonexistent-hints/dev', run: '/nonexistent-hints/run' };
      const command = createHintsCommand({ runner, paths, fs: fs ?? new NodeFs() });
      const c = capture(cwd);
      const code = await command.run(argv, c.io);
      return { code, out: c.out(), err: c.err(), runner };
    };

    it('prints the chosen disk, why, and every candidate', async () => {
      const { code, out } = await run(['--hints', '{"rotational": true}']);

      expect(code).to.equal(0);
      expect(out).to.match(/^Chosen disk: \/dev\/sdb\n/);
      expect(out).to.include(
        'Why: it is the first of 1 device(s) matching the root device hints {"rotational":true} (from --hints): rotational true satisfies "true"',
      );
      expect(out).to.include('  * /dev/sdb (64 GiB');
      expect(out).to.include(
        '    /dev/sda (465.76 GiB, model "Samsung SSD", serial "S1", wwn none, vendor none, rotational false, hctl none, by_path none, tran "sata") — rotational false does not satisfy "true"',
      );
      expect(out).to.include('Not considered:\n    /dev/sdc: read-only');
      expect(out).to.match(/Nothing was written\.\n$/);
    });

    describe('a disk with a mounted filesystem (sda3 on /run/media/iso)', () => {
      /** Nothing but the mount of sda3 and its sysfs entry. */
      const mountedSda: FsReader = {
        readFile: async (path) => {
          if (path === '/proc/self/mountinfo') return '90 22 8:3 / /run/media/iso ro - iso9660 /dev/sda3 ro';
          throw new Error(`ENOENT ${path}`);
        },
        readdir: async (path) => {
          throw new Error(`ENOENT ${path}`);
        },
        readlink: async (path) => {
          if (path === '/nonexistent-hints/sys/dev/block/8:3')
            return '../../devices/pci0000:00/ata1/host0/block/sda/sda3';
          throw new Error(`ENOENT ${path}`);
        },
        exists: async (path) => path === '/nonexistent-hints/sys/dev/block/8:3/partition',
      };

      it('is never chosen, and the text lists it with the reason and that the hints match it', async () => {
        const { code, out } = await run(['--hints', '{"size": ">= 400"}'], undefined, mountedSda);

        expect(code).to.equal(0);
        expect(out).to.match(/^Chosen disk: \/dev\/nvme0n1\n/);
        expect(out).to.include(
          'Not considered:\n    /dev/sda: has a mounted filesystem (/dev/sda3 on /run/media/iso) — matches the hints, but is never chosen\n    /dev/sdc: read-only',
        );
      });

      it('hints naming it fail with the reason; the failure lists only the real candidates', async () => {
        const text = await run(['--hints', '{"name": "/dev/sda"}'], undefined, mountedSda);
        const json = await run(['--hints', '{"name": "/dev/sda"}', '--json'], undefined, mountedSda);

        const report = JSON.parse(json.out) as {
          candidates: Array<{ device: { name: string } }>;
          excluded: unknown[];
          error: { details: string };
        };
        expect(text.code).to.equal(1);
        expect(text.err).to.include(
          'These hints match /dev/sda, but /dev/sda is excluded: it has a mounted filesystem (/dev/sda3 on /run/media/iso).',
        );
        expect(text.err).not.to.match(/Candidates:\n {4}\/dev\/sda /);
        expect(json.code).to.equal(1);
        expect(report.candidates.map((c) => c.device.name)).to.deep.equal(['/dev/sdb', '/dev/nvme0n1']);
        expect(report.excluded).to.deep.equal([
          {
            name: '/dev/sda',
            reason: 'has a mounted filesystem (/dev/sda3 on /run/media/iso)',
            rule: 'mounted',
            matches_hints: true,
          },
          { name: '/dev/sdc', reason: 'read-only' },
        ]);
      });
    });

    it('runs only lsblk and blkid', async () => {
      const { runner } = await run(['--hints', '{"size": 64}']);

      expect([...new Set(runner.calls.map((c) => c.argv[0]))]).to.deep.equal(['lsblk', 'blkid']);
    });

    it("uses the node file's hints and skip list; --hints overrides the hints", async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hints-node-'));
      try {
        await writeFile(
          join(dir, 'node.json'),
          JSON.stringify({
            node: {
              uuid: 'u',
              instance_info: { root_device: { size: '>= 400' } },
              properties: { skip_block_devices: [{ serial: 'S1' }] },
            },
          }),
        );

        const fromNode = await run(['--node', 'node.json', '--json'], dir);
        const overridden = await run(['--node', 'node.json', '--hints', '{"rotational": true}', '--json'], dir);

        expect(JSON.parse(fromNode.out)).to.deep.include({ source: 'instance_info.root_device', method: 'hints' });
        const chosen = JSON.parse(fromNode.out) as { chosen: { name: string }; skipped: unknown };
        expect(chosen.chosen.name).to.equal('/dev/nvme0n1');
        expect(chosen.skipped).to.deep.equal([{ name: '/dev/sda', entry: { serial: 'S1' } }]);
        expect((JSON.parse(overridden.out) as { chosen: { name: string } }).chosen.name).to.equal('/dev/sdb');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('notes that Ironic itself rejects the "tran" hint', async () => {
      const { code, out } = await run(['--hints', '{"tran": "nvme"}']);

      expect(code).to.equal(0);
      expect(out).to.include('Note: Ironic\'s own validation rejects the hint "tran"');
    });

    it("--json failure report: chosen null, every candidate compared, the error in IPA's shape", async () => {
      const { code, out } = await run(['--hints', '{"size": 100}', '--json']);

      const report = JSON.parse(out) as Record<string, unknown> & {
        candidates: Array<Record<string, unknown>>;
        error: Record<string, unknown>;
      };
      expect(code).to.equal(1);
      expect(report).to.deep.include({
        chosen: null,
        method: 'hints',
        source: '--hints',
        hints: { size: 100 },
        strict: false,
      });
      expect(report.candidates.map((c) => [c['matches'], c['failed_hint']])).to.deep.equal([
        [false, 'size'],
        [false, 'size'],
        [false, 'size'],
      ]);
      expect(report.error).to.deep.include({
        type: 'DeviceNotFound',
        code: 404,
        message: 'Error finding the disk or partition device to deploy the image onto',
      });
    });

    it('--device-allowlist takes comma-separated globs, as the agent does', async () => {
      const { code, out } = await run([
        '--device-allowlist',
        '/dev/sda, /dev/sdb',
        '--device-allowlist',
        '/dev/sdc',
        '--json',
      ]);

      const report = JSON.parse(out) as {
        allowlist: string[];
        chosen: { name: string };
        candidates: Array<{ device: { name: string } }>;
      };
      expect(code).to.equal(0);
      expect(report.allowlist).to.deep.equal(['/dev/sda', '/dev/sdb', '/dev/sdc']);
      expect(report.candidates.map((c) => c.device.name)).to.deep.equal(['/dev/sda', '/dev/sdb']);
      expect(report.chosen.name).to.equal('/dev/sdb');
    });

    describe('usage errors exit 2 (through main(), before any device is listed)', () => {
      const table: Array<[string, string[], RegExp]> = [
        [
          '--hints that is not JSON',
          ['--hints', '{size: 8}'],
          /--hints is not valid JSON .*example: --hints '\{"size": ">= 100"\}'/,
        ],
        ['an unknown option', ['--bogus'], /unknown option --bogus/],
        ['an allowlist pattern outside /dev', ['--device-allowlist', 'sda'], /"sda" must be a glob of \/dev\/ paths/],
        ['an allowlist of nothing but commas', ['--device-allowlist', ' , '], /The device allowlist is empty/],
        [
          'a missing node file',
          ['--node', '/nonexistent-hints/node.json'],
          /cannot read --node \/nonexistent-hints\/node\.json: ENOENT/,
        ],
      ];
      for (const [what, argv, message] of table) {
        it(what, async () => {
          const c = capture();

          const code = await main(['hints', ...argv], c.io);

          expect(code).to.equal(2);
          expect(c.err()).to.match(message);
        });
      }
    });

    it('--help prints usage and exits 0', async () => {
      const { code, out } = await run(['--help']);

      expect(code).to.equal(0);
      expect(out).to.include('Usage: ironic-coreos-agent hints [options]');
    });
  });

  describe('against real loop devices (5, 8 and 12 GiB) through main()', function () {
    this.timeout(60_000);
    const runner = new ExecaRunner();
    const loops: Record<number, string> = {};
    const files: string[] = [];
    let dir = '';
    let allowlist: string[] = [];

    before(async function () {
      if (process.getuid?.() !== 0) this.skip();
      dir = await mkdtemp(join(tmpdir(), 'hints-loops-'));
      for (const gib of [5, 8, 12]) {
        const file = join(dir, `disk-${gib}g.img`);
        const handle = await open(file, 'w');
        await handle.truncate(gib * GiB);
        await handle.close();
        files.push(file);
        loops[gib] = (await runner.run(['losetup', '-f', '--show', file])).stdout.trim();
      }
      allowlist = Object.values(loops).flatMap((l) => ['--device-allowlist', l]);
    });

    after(async () => {
      for (const loop of Object.values(loops)) await runner.run(['losetup', '-d', loop]).catch(() => undefined);
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    const hints = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      const c = capture();
      const code = await main(['hints', ...allowlist, ...argv], c.io);
      return { code, out: c.out(), err: c.err() };
    };

    it('{size: 8} picks the 8 GiB disk', async () => {
      const { code, out } = await hints('--hints', '{"size": 8}');

      expect(code).to.equal(0);
      expect(out).to.match(new RegExp(`^Chosen disk: ${loops[8]}\\n`));
    });

    it('{size: ">= 10"} picks the 12 GiB disk', async () => {
      const { code, out } = await hints('--hints', '{"size": ">= 10"}');

      expect(code).to.equal(0);
      expect(out).to.match(new RegExp(`^Chosen disk: ${loops[12]}\\n`));
    });

    it('{name: <loop>} picks that disk', async () => {
      const { code, out } = await hints('--hints', JSON.stringify({ name: loops[12] }));

      expect(code).to.equal(0);
      expect(out).to.match(new RegExp(`^Chosen disk: ${loops[12]}\\n`));
    });

    it('no hints picks the smallest disk of at least 4 GiB (5 GiB)', async () => {
      const { code, out } = await hints();

      expect(code).to.equal(0);
      expect(out).to.match(new RegExp(`^Chosen disk: ${loops[5]}\\n`));
      expect(out).to.include('no root device hints were given');
    });

    it('{size: 100} is a clear error listing the three candidates', async () => {
      const { code, out, err } = await hints('--hints', '{"size": 100}');

      expect(code).to.equal(1);
      expect(out).to.equal('');
      expect(err).to.include('No disk would be chosen.');
      expect(err).to.include('None of the 3 candidate device(s) matches');
      for (const gib of [5, 8, 12]) expect(err).to.include(`${loops[gib]} (${gib} GiB, model none`);
      for (const gib of [5, 8, 12])
        expect(err).to.include(`size ${gib} GiB (${gib * GiB} bytes) does not satisfy "== 100"`);
    });

    it('{"foo": 1} is an error naming the valid hints', async () => {
      const { code, err } = await hints('--hints', '{"foo": 1}');

      expect(code).to.equal(1);
      expect(err).to.include(
        'because they failed to validate: The hints "foo" are invalid. Valid hints are: "size, model, wwn, serial, vendor, wwn_with_extension, wwn_vendor_extension, name, rotational, hctl, by_path, tran"',
      );
    });

    it('--json reports the choice and every candidate', async () => {
      const { code, out } = await hints('--hints', '{"size": ">= 8"}', '--json');

      const report = JSON.parse(out) as {
        chosen: { name: string; size: number };
        candidates: Array<{ device: { name: string }; matches: boolean }>;
        error: unknown;
      };
      expect(code).to.equal(0);
      expect(report.error).to.equal(null);
      expect(Object.values(loops)).to.include(report.chosen.name);
      expect(report.chosen.size).to.be.at.least(8 * GiB);
      const verdicts = Object.fromEntries(report.candidates.map((c) => [c.device.name, c.matches]));
      expect(verdicts).to.deep.equal({
        [loops[5] as string]: false,
        [loops[8] as string]: true,
        [loops[12] as string]: true,
      });
    });

    it('--strict with two matches exits 1 naming both', async () => {
      const { code, err } = await hints('--hints', '{"size": ">= 8"}', '--strict');

      expect(code).to.equal(1);
      expect(err).to.include('match 2 devices, and strict root device hints allow only one');
    });

    it('--json failure exits 1 with the error', async () => {
      const { code, out } = await hints('--hints', '{"size": 100}', '--json');

      expect(code).to.equal(1);
      expect(JSON.parse(out)).to.deep.include({ chosen: null });
      expect((JSON.parse(out) as { error: { type: string } }).error.type).to.equal('DeviceNotFound');
    });

    it('wrote nothing to any disk', async () => {
      for (const file of files) expect((await stat(file)).blocks).to.equal(0);
    });
  });
});
