/**
 * scripts/lib/setup.sh, the steps scripts/demo and scripts/test share: which
 * Node runs the project, fetching one from the npm registry when the
 * machine's is too old (Debian 12 ships 18), and running npm as the
 * checkout's owner under sudo. The fetch test needs the npm registry.
 */
import { expect } from 'chai';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SETUP = join(ROOT, 'scripts', 'lib', 'setup.sh');
const runner = new ExecaRunner();

/** Run `script` in bash after sourcing setup.sh, with `env` added. */
function withSetup(
  script: string,
  env: Record<string, string> = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runner
    .run(['bash', '-euo', 'pipefail', '-c', `. ${SETUP}\n${script}`], {
      env,
      okExitCodes: [0, 1, 2],
      timeoutMs: 240_000,
    })
    .then((r) => ({ exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }));
}

describe('scripts/lib/setup.sh', function () {
  this.timeout(300_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'setup-sh-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the Node versions package.json does (^20.19.0 || >=22.0.0) and no other', async () => {
    const versions = [
      'v18.20.4',
      'v20.18.3',
      'v20.19.0',
      'v20.20.2',
      'v21.7.3',
      'v22.0.0',
      'v22.23.3',
      'v24.1.0',
      '',
      'garbage',
    ];
    const script = versions.map((v) => `ica_node_ok '${v}' && echo yes || echo no`).join('\n');

    const result = await withSetup(script);
    const engines = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;

    expect(engines).to.equal('^20.19.0 || >=22.0.0');
    expect(result.stdout.trim().split('\n')).to.deep.equal([
      'no',
      'no',
      'yes',
      'yes',
      'no',
      'yes',
      'yes',
      'yes',
      'no',
      'no',
    ]);
  });

  it('keeps a new enough node that is on PATH', async () => {
    const result = await withSetup('ica_ensure_node; command -v node', { ICA_TOOLS: join(dir, 'tools') });

    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^Using node v\d+\.\d+\.\d+ from /);
    expect(result.stdout.trim().split('\n').pop()).not.to.contain(dir);
  });

  it("fetches the image's Node from the npm registry when the node on PATH is Debian 12's 18", async () => {
    const fakeBin = join(dir, 'bin');
    await mkdir(fakeBin);
    // Debian 12's node: reports 18, and runs npm (the real one underneath).
    await writeFile(
      join(fakeBin, 'node'),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo v18.20.4; else exec ${process.execPath} "$@"; fi\n`,
    );
    await chmod(join(fakeBin, 'node'), 0o755);
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    const pinned = /^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1];

    const result = await withSetup('ica_ensure_node; node --version; npm --version; command -v node', {
      ICA_TOOLS: join(dir, 'tools'),
      PATH: `${fakeBin}:${process.env['PATH'] ?? ''}`,
    });

    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('node v18.20.4 is older than 20.19: fetching Node');
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(-3)).to.deep.equal([
      `v${pinned ?? '?'}`,
      /^ARG NPM_VERSION=(\S+)$/m.exec(dockerfile)?.[1],
      join(dir, 'tools', 'node', 'bin', 'node'),
    ]);
  });

  it("runs commands as the checkout's owner when root, with a usable HOME", async function () {
    if (process.getuid?.() !== 0) this.skip();
    const checkout = join(dir, 'checkout');
    await mkdir(checkout);
    await chown(checkout, 65534, 65534);
    await chown(dir, 65534, 65534);

    const result = await withSetup('ica_as_owner sh -c \'echo "$(id -u):$(id -g) $HOME"; touch "$HOME/written"\'', {
      ICA_ROOT: checkout,
    });

    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout.trim()).to.equal(`65534:65534 ${join(checkout, '.tools', 'home')}`);
  });

  it('refuses to run without root, saying how', async () => {
    const result = await withSetup('id() { echo 1000; }; ica_require_root scripts/demo');

    expect(result.exitCode).to.equal(1);
    expect(result.stderr.trim()).to.equal(
      'scripts/demo installs Debian packages and needs root: run sudo scripts/demo',
    );
  });
});

describe('the two commands', () => {
  it(".ci/run runs scripts/test, the README's test command", async () => {
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');

    expect(ci).to.match(/^exec bash "\$\(dirname "\$0"\)\/\.\.\/scripts\/test"$/m);
    expect(readme).to.contain('sudo scripts/test').and.contain('sudo scripts/demo');
  });

  // scripts/test also builds (or finds cached) the trixie and forky Ironic roots the e2e matrix runs against
  for (const [script, before, last] of [
    ['test', ['bash .ci/build-ironic-roots'], 'npm test'],
    ['demo', [], 'npm run demo -- "$@"'],
  ] as const) {
    it(`scripts/${script}: Debian packages, a supported Node, npm ci as the owner, then ${last}`, async () => {
      const text = await readFile(join(ROOT, 'scripts', script), 'utf8');
      const steps = text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));

      expect(steps).to.deep.equal([
        '. scripts/lib/setup.sh',
        `ica_require_root scripts/${script}`,
        'bash .ci/install-debian-deps',
        'ica_ensure_node',
        'ica_as_owner npm ci --no-audit --no-fund',
        ...before,
        last,
      ]);
    });
  }
});
