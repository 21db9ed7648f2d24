/**
 * `npm pack` from a checkout without dist/ (prepack builds), installed from
 * the tarball into a temporary prefix, runs. The package ships the bundle
 * (dist/bundle/, scripts/bundle.mjs) and not tsc's output. Needs the npm
 * registry (or npm's cache) for the production dependencies.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { copyCheckout } from '../helpers/checkout-copy.js';

describe('npm pack', function () {
  this.timeout(300_000);
  const runner = new ExecaRunner();
  let dir: string;
  let tarball: string;
  let packed: string[];
  let bin: string;
  let installed: string;
  let version: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npm-pack-'));
    const src = await copyCheckout(join(dir, 'src'));
    version = (JSON.parse(await readFile(join(src, 'package.json'), 'utf8')) as { version: string }).version;
    const pack = await runner.run(['npm', 'pack', '--json', '--pack-destination', dir], {
      cwd: src,
      timeoutMs: 240_000,
    });
    const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(dir, result?.filename ?? '');
    packed = (result?.files ?? []).map((f) => f.path);
    const prefix = join(dir, 'prefix');
    await runner.run(
      ['npm', 'install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
      { cwd: dir, timeoutMs: 240_000 },
    );
    bin = join(prefix, 'bin', 'ironic-coreos-agent');
    installed = join(prefix, 'lib', 'node_modules', 'ironic-coreos-agent');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the bundle with its source maps (prepack builds), the LICENSE, and no sources or tsc output', () => {
    expect(packed).to.include.members([
      'LICENSE',
      'README.md',
      'package.json',
      'bin/ironic-coreos-agent',
      'dist/bundle/cli.mjs',
      'dist/bundle/cli.mjs.map',
      'dist/bundle/healthcheck.mjs',
    ]);
    expect(
      packed.filter((p) => p.endsWith('.ts') || (p.startsWith('dist/') && !p.startsWith('dist/bundle/'))),
    ).to.deep.equal([]);
    expect(packed.filter((p) => p.endsWith('.mjs')).every((p) => packed.includes(`${p}.map`))).to.equal(true);
  });

  it('installs from the tarball and runs --help, --version and hints --help', async () => {
    const help = await runner.run([bin, '--help']);
    const versionOut = await runner.run([bin, '--version']);
    const hints = await runner.run([bin, 'hints', '--help']);

    expect(help.stdout).to.match(/^Usage: ironic-coreos-agent <command>/);
    expect(help.stdout).to.contain('hints').and.contain('ignition');
    expect(versionOut.stdout.trim()).to.equal(version);
    expect(hints.stdout).to.match(/^Usage: ironic-coreos-agent hints/);
  });

  it('runs --version and agent --help from the bundle alone, without its node_modules', async () => {
    // agent --help loads the agent's whole module graph (express and X.509 stay lazy), so every
    // dependency it imports must be inside the bundle.
    await rm(join(installed, 'node_modules'), { recursive: true, force: true });

    const versionOut = await runner.run([bin, '--version']);
    const agentHelp = await runner.run([bin, 'agent', '--help']);

    expect(await readdir(installed)).not.to.include('node_modules');
    expect(versionOut.stdout.trim()).to.equal(version);
    expect(agentHelp.stdout).to.match(/^Usage: ironic-coreos-agent agent/);
  });
});
