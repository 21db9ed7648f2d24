/**
 * Issue 3 acceptance, root device hints: the built `ironic-coreos-agent hints`
 * runs INSIDE a confined test node whose only disks are sparse loop disks of
 * 5, 8 and 12 GiB, and reads them with the real lsblk, sysfs and blkid.
 * Issue 11/14: on a second node, a disk with a mounted filesystem is excluded
 * with its reason, as the install step excludes it.
 */
import { requireTestbed } from './support.js';
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { AGENT_BIN } from '../../testbed/agent.js';
import type { LoopDisk } from '../../testbed/loop-disks.js';
import { TestNode, type ExecResult } from '../../testbed/node.js';
import { partitionWithFilesystems } from './disks.js';

const GiB = 2 ** 30;
const VALID_HINTS =
  '"size, model, wwn, serial, vendor, wwn_with_extension, wwn_vendor_extension, name, rotational, hctl, by_path, tran"';

/** The parts of `hints --json` the tests read. */
interface HintsReport {
  chosen: { name: string; size: number } | null;
  method: string;
  source: string | null;
  normalized_hints?: Record<string, unknown> | null;
  allowlist: string[];
  candidates: Array<{ device: { name: string; size: number }; matches: boolean | null; failed_hint: string | null }>;
  excluded: Array<{ name: string; reason: string; rule?: string; matches_hints?: boolean | null }>;
  error: { type: string; details: string } | null;
}

describe('e2e: root device hints on a confined node (bin/ironic-coreos-agent hints)', function () {
  this.timeout(120_000);
  let node: TestNode;
  let dir: string;
  /** The node's disks by size in GiB. */
  const disk: Record<5 | 8 | 12, LoopDisk> = {} as Record<5 | 8 | 12, LoopDisk>;

  before(async function () {
    requireTestbed(this);
    dir = mkdtempSync(join(tmpdir(), 'insph-'));
    node = await TestNode.create({ tag: 'insph', ...testbedAddresses('insph', 0, process.pid), disksGiB: [5, 8, 12] });
    const [d5, d8, d12] = node.disks;
    Object.assign(disk, { 5: d5, 8: d8, 12: d12 });
  });

  after(async () => {
    await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Run `hints` in the confinement with one --device-allowlist value per entry. */
  function hints(allowlist: readonly string[], ...args: string[]): Promise<ExecResult> {
    return node.exec(
      [process.execPath, AGENT_BIN, 'hints', ...allowlist.flatMap((glob) => ['--device-allowlist', glob]), ...args],
      { timeoutMs: 60_000 },
    );
  }

  function report(result: ExecResult): HintsReport {
    return JSON.parse(result.stdout) as HintsReport;
  }

  /** Both ways of naming the disks: the agent's comma-separated list of the node's disks, and a broad glob. */
  const allowlists: Array<[string, () => string[]]> = [
    ["the node's disks, comma-separated as the agent takes them", () => [node.disks.map((d) => d.device).join(',')]],
    ['the broad /dev/loop* (inside the confinement only the test disks exist)', () => ['/dev/loop*']],
  ];

  for (const [what, allowlist] of allowlists) {
    describe(`allowlist: ${what}`, () => {
      it('{size: 8} picks the 8 GiB disk', async () => {
        const result = await hints(allowlist(), '--hints', '{"size": 8}');

        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${disk[8].device}\\n`));
        expect(result.stdout).to.include(`size 8 GiB (${8 * GiB} bytes) satisfies "== 8"`);
      });

      it('{size: ">= 10"} picks the 12 GiB disk', async () => {
        const result = await hints(allowlist(), '--hints', '{"size": ">= 10"}');

        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${disk[12].device}\\n`));
      });

      it('{name: "/dev/<loop>"} picks that disk', async () => {
        const result = await hints(allowlist(), '--hints', JSON.stringify({ name: disk[8].device }));

        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${disk[8].device}\\n`));
      });

      it('no hints picks the 5 GiB disk (the smallest of at least 4 GiB)', async () => {
        const result = await hints(allowlist());

        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${disk[5].device}\\n`));
        expect(result.stdout).to.include(
          'no root device hints were given, so the smallest disk of at least 4 GiB was chosen',
        );
      });

      it('{size: 100} exits 1 with a clear error listing the three candidates', async () => {
        const result = await hints(allowlist(), '--hints', '{"size": 100}');

        expect(result.exitCode).to.equal(1);
        expect(result.stdout).to.equal('');
        expect(result.stderr).to.match(/^No disk would be chosen\.\n/);
        expect(result.stderr).to.include('None of the 3 candidate device(s) matches');
        for (const gib of [5, 8, 12] as const) {
          expect(result.stderr).to.include(`${disk[gib].device} (${gib} GiB, model none`);
          expect(result.stderr).to.include(`size ${gib} GiB (${gib * GiB} bytes) does not satisfy "== 100"`);
        }
        expect(result.stderr).to.include('Correct the root device hints');
      });

      it('{"foo": 1} exits 1 with an error naming the valid hints', async () => {
        const result = await hints(allowlist(), '--hints', '{"foo": 1}');

        expect(result.exitCode).to.equal(1);
        expect(result.stderr).to.include(
          `because they failed to validate: The hints "foo" are invalid. Valid hints are: ${VALID_HINTS}`,
        );
      });
    });
  }

  it("--json: the choice, the normalised hints and a verdict for exactly the node's disks", async () => {
    const result = await hints(['/dev/loop*'], '--hints', '{"size": ">= 7"}', '--json');

    const parsed = report(result);
    expect(result.exitCode).to.equal(0);
    expect(parsed).to.deep.include({
      method: 'hints',
      source: '--hints',
      normalized_hints: { size: '>= 7' },
      allowlist: ['/dev/loop*'],
      error: null,
    });
    expect(parsed.chosen).to.deep.include({ name: disk[8].device, size: 8 * GiB });
    expect(parsed.candidates.map((c) => [c.device.name, c.device.size, c.matches])).to.deep.equal([
      [disk[5].device, 5 * GiB, false],
      [disk[8].device, 8 * GiB, true],
      [disk[12].device, 12 * GiB, true],
    ]);
    expect(result.stderr).to.include(
      `WARN Several block devices match the root device hints; using the first in lsblk order {"devices":["${disk[8].device}","${disk[12].device}"]}`,
    );
  });

  it("--json failure: chosen null, every candidate failing on size, the error in IPA's shape", async () => {
    const result = await hints(['/dev/loop*'], '--hints', '{"size": 100}', '--json');

    const parsed = report(result);
    expect(result.exitCode).to.equal(1);
    expect(parsed.chosen).to.equal(null);
    expect(parsed.candidates.map((c) => [c.device.name, c.matches, c.failed_hint])).to.deep.equal([
      [disk[5].device, false, 'size'],
      [disk[8].device, false, 'size'],
      [disk[12].device, false, 'size'],
    ]);
    expect(parsed.error?.type).to.equal('DeviceNotFound');
  });

  it('/dev/* sees only the three test disks, and leaves them out as IPA does (loop devices are not disks)', async () => {
    const result = await hints(['/dev/*'], '--json');

    const parsed = report(result);
    expect(result.exitCode).to.equal(1);
    expect(parsed.candidates).to.deep.equal([]);
    expect(parsed.excluded).to.deep.equal(
      node.disks.map((d) => ({ name: d.device, reason: 'type loop is not a disk' })),
    );
  });

  describe('--node FILE (a node as `baremetal node show -f json` prints it)', () => {
    function nodeFile(name: string, node: Record<string, unknown>): string {
      const path = join(dir, name);
      writeFileSync(
        path,
        JSON.stringify({ uuid: '0d9fdd6c-5a1c-4ef9-9f3c-6d1d2a0c1e11', name: 'insph-node', ...node }),
      );
      chmodSync(path, 0o600);
      return path;
    }

    it('instance_info.root_device wins over properties.root_device', async () => {
      const file = nodeFile('both.json', {
        instance_info: { root_device: { size: '>= 10' } },
        properties: { root_device: { size: 8 } },
      });

      const result = await hints(['/dev/loop*'], '--node', file);

      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${disk[12].device}\\n`));
      expect(result.stdout).to.include('(from instance_info.root_device)');
    });

    it('properties.root_device is used when instance_info has none; --json names the source', async () => {
      const file = nodeFile('properties.json', { instance_info: {}, properties: { root_device: { size: 8 } } });

      const parsed = report(await hints(['/dev/loop*'], '--node', file, '--json'));

      expect(parsed.chosen?.name).to.equal(disk[8].device);
      expect(parsed.source).to.equal('properties.root_device');
    });

    it('properties.skip_block_devices hides a disk from the default choice', async () => {
      const file = nodeFile('skip.json', {
        instance_info: {},
        properties: { skip_block_devices: [{ name: disk[5].device }] },
      });

      const parsed = report(await hints(['/dev/loop*'], '--node', file, '--json'));

      expect(parsed.method).to.equal('guess');
      expect(parsed.chosen?.name).to.equal(disk[8].device);
      expect(parsed.candidates.map((c) => c.device.name)).to.deep.equal([disk[8].device, disk[12].device]);
    });

    it('hints in instance_info that match nothing exit 1 naming the source', async () => {
      const file = nodeFile('nomatch.json', { instance_info: { root_device: { size: '< 4' } }, properties: {} });

      const result = await hints(['/dev/loop*'], '--node', file);

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include('using these hints {"size":"< 4"} (from instance_info.root_device)');
    });
  });

  describe('a disk with a mounted filesystem (a second node: its 5 GiB disk gets a GPT, ext4 and vfat)', () => {
    let other: TestNode;
    let mounted: LoopDisk;
    let free: LoopDisk;
    let mountDir: string;
    const partition = (): string => `${mounted.device}p1`;

    before(async () => {
      other = await TestNode.create({ tag: 'inspm', ...testbedAddresses('inspm', 0, process.pid), disksGiB: [5, 8] });
      [mounted, free] = other.disks as [LoopDisk, LoopDisk];
      await partitionWithFilesystems(mounted.device);
      mountDir = join(dir, 'iso');
      mkdirSync(mountDir);
    });

    after(async () => {
      await other?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
    });

    /** Run `hints` in the second node, with the ext4 partition mounted read-only in the confinement's own mount namespace. */
    function hintsWithMount(allowlist: readonly string[], ...args: string[]): Promise<ExecResult> {
      const argv = [
        process.execPath,
        AGENT_BIN,
        'hints',
        ...allowlist.flatMap((glob) => ['--device-allowlist', glob]),
        ...args,
      ];
      return other.exec(
        ['/bin/sh', '-c', 'mount -o ro "$1" "$2" && shift 2 && exec "$@"', 'sh', partition(), mountDir, ...argv],
        { timeoutMs: 60_000 },
      );
    }

    const reason = (): string => `has a mounted filesystem (${partition()} on ${mountDir})`;

    it('unmounted, the disk is a candidate like any other (the control)', async () => {
      const result = await other.exec(
        [
          process.execPath,
          AGENT_BIN,
          'hints',
          '--device-allowlist',
          '/dev/loop*',
          '--hints',
          JSON.stringify({ name: mounted.device }),
        ],
        { timeoutMs: 60_000 },
      );

      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${mounted.device}\\n`));
    });

    it('no hints: the guess skips it, and the text lists it with the mount', async () => {
      const result = await hintsWithMount(['/dev/loop*']);

      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout).to.match(new RegExp(`^Chosen disk: ${free.device}\\n`));
      expect(result.stdout).to.include(`Not considered:\n    ${mounted.device}: ${reason()}\n`);
    });

    it('hints naming it exit 1 saying why it is excluded and what to do', async () => {
      const result = await hintsWithMount(['/dev/loop*'], '--hints', JSON.stringify({ name: mounted.device }));

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(
        `These hints match ${mounted.device}, but ${mounted.device} is excluded: it ${reason()}.`,
      );
      expect(result.stderr).to.include('None of the 1 candidate device(s) matches');
      expect(result.stderr).to.include('A disk with a mounted filesystem is never installed onto or cleaned');
    });

    it('--json: it is in "excluded" with its rule and that the hints match it; the other disk is chosen', async () => {
      const result = await hintsWithMount(['/dev/loop*'], '--hints', '{"size": ">= 4"}', '--json');

      const parsed = report(result);
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(parsed.chosen?.name).to.equal(free.device);
      expect(parsed.candidates.map((c) => c.device.name)).to.deep.equal([free.device]);
      expect(parsed.excluded).to.deep.equal([
        { name: mounted.device, reason: reason(), rule: 'mounted', matches_hints: true },
      ]);
    });

    it('when it is the only disk, the error says every disk is mounted, not something about size', async () => {
      const result = await hintsWithMount([mounted.device]);

      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(
        `root device hints were not provided and every disk is excluded because it has a mounted filesystem: ${mounted.device} (${partition()} on ${mountDir}).`,
      );
      expect(result.stderr).not.to.include('smaller than');
    });
  });

  // A suite of its own so that it runs last (mocha runs a suite's tests before its child suites).
  describe('afterwards', () => {
    it('nothing was written to any disk: the sparse images still have no block allocated', async () => {
      const runner = new ExecaRunner();
      for (const d of node.disks) await runner.run(['blockdev', '--flushbufs', d.device]);

      const allocated = node.disks.map((d) => [d.device, statSync(d.image).blocks]);

      expect(allocated).to.deep.equal(node.disks.map((d) => [d.device, 0]));
    });
  });
});
