/**
 * The README's container path, run as written: the "container-build" block
 * (a Debian base from debootstrap, then the image, with container/
 * containers.conf for this kind of machine) leaves exactly the two images it
 * names and no dangling build stage; the "live-iso-hints" block then runs
 * `hints` from that image, with IMAGE replaced by the built tag.
 *
 * Needs root, podman, runc, debootstrap, the Debian mirror and the npm
 * registry; slow (debootstrap and the build take a few minutes).
 * SKIP_CONTAINER_TESTS=1 skips it.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { CONTAINERS_CONF_FILE, podmanUnavailableReason } from '../../testbed/podman.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IMAGE = 'localhost/ironic-coreos-agent:latest';
const BASE = 'localhost/debian:bookworm-minbase';

/** The fenced block after the README line `<!-- literal: NAME ... -->`. */
export async function literalBlock(name: string): Promise<string> {
  const text = await readFile(join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- literal: ${name}\\b[^>]*-->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (match?.[1] === undefined) throw new Error(`README.md has no literal block "${name}"`);
  return match[1];
}

describe("e2e: the README's container path, as written", function () {
  this.timeout(40 * 60_000);
  const runner = new ExecaRunner();
  const env = { CONTAINERS_CONF: CONTAINERS_CONF_FILE };
  let existed: string[] = [];
  let images = async (): Promise<string[]> => [];
  let madeUdevDir = false;

  before(async function () {
    const reason =
      process.env['SKIP_CONTAINER_TESTS'] === '1'
        ? 'SKIP_CONTAINER_TESTS=1'
        : process.getuid?.() !== 0
          ? 'needs root'
          : ((await podmanUnavailableReason()) ??
            (existsSync('/usr/sbin/debootstrap') ? null : 'debootstrap is not installed'));
    if (reason !== null) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    images = async () =>
      (
        await runner.run(['podman', 'images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'], {
          env,
        })
      ).stdout
        .split('\n')
        .filter((l) => l !== '');
    existed = (await images()).map((l) => l.split(' ')[1] ?? '').filter((ref) => ref === IMAGE || ref === BASE);
  });

  after(async () => {
    if (madeUdevDir) rmdirSync('/run/udev');
    for (const ref of [IMAGE, BASE].filter((r) => !existed.includes(r))) {
      await runner.run(['podman', 'rmi', '--force', ref], { env, okExitCodes: [0, 1, 125] });
    }
  });

  it('builds the base and the image, leaving exactly those two and no dangling build stage', async () => {
    const before = new Set(await images());

    const result = await runner.run(['bash', '-euo', 'pipefail', '-c', await literalBlock('container-build')], {
      cwd: ROOT,
      timeoutMs: 35 * 60_000,
      okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    });

    expect(result.exitCode, result.stderr.split('\n').slice(-30).join('\n')).to.equal(0);
    const added = (await images()).filter((line) => !before.has(line)).map((line) => line.split(' ')[1]);
    expect(added.sort()).to.deep.equal([BASE, IMAGE].sort());
  });

  it('runs hints on the machine from that image, as the live-ISO block says', async () => {
    const block = (await literalBlock('live-iso-hints')).replace(/^sudo /, '').replaceAll('IMAGE', IMAGE);
    // A live ISO has udev's /run/udev; this machine may not.
    if (!existsSync('/run/udev')) {
      mkdirSync('/run/udev');
      madeUdevDir = true;
    }

    const result = await runner.run(['bash', '-euo', 'pipefail', '-c', block], {
      env,
      okExitCodes: [0, 1],
      timeoutMs: 120_000,
    });
    const version = await runner.run(['podman', 'run', '--rm', IMAGE, '--version'], { env });

    const report = `${result.stdout}${result.stderr}`;
    expect(report).to.match(/Nothing was written\./);
    // The disk holding this machine's root (the live ISO's media, there) is never offered.
    expect(report).to.match(
      /Not considered:\n(?: {4}.*\n)* {4}\/dev\/\S+: has a mounted filesystem \([^)]*on \/mnt\/coreos[,)]/,
    );
    expect(version.stdout.trim()).to.equal(
      (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });
});
