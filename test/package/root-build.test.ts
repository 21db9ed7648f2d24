/**
 * `sudo npm test` and `sudo npm run demo` build as root. In a checkout owned
 * by someone else, that build must leave nothing the owner cannot replace:
 * the owner's next `npm run build` has to work. Needs root and setpriv.
 */
import { expect } from 'chai';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { copyCheckout } from '../helpers/checkout-copy.js';

/** The checkout's owner in this test: nobody (any uid but root would do). */
const OWNER = 65534;

describe('a build as root in a checkout owned by a user', function () {
  this.timeout(180_000);
  const runner = new ExecaRunner();
  let dir: string | undefined;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: needs root');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'root-build-'));
    const src = await copyCheckout(join(dir, 'src'));
    await runner.run(['chown', '-R', '--no-dereference', `${OWNER}:${OWNER}`, src]);
    await chown(dir, OWNER, OWNER);
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('leaves dist/ to the owner, whose own build then replaces it', async () => {
    const src = join(dir ?? '', 'src');
    await runner.run(['npm', 'run', 'build'], { cwd: src, timeoutMs: 120_000 });
    const rootOwned = await runner.run([
      'find',
      src,
      '-path',
      join(src, 'node_modules'),
      '-prune',
      '-o',
      '!',
      '-uid',
      String(OWNER),
      '-print',
    ]);

    const asOwner = await runner.run(
      ['setpriv', `--reuid=${OWNER}`, `--regid=${OWNER}`, '--clear-groups', 'npm', 'run', 'build'],
      {
        cwd: src,
        timeoutMs: 120_000,
        okExitCodes: [0, 1, 2],
        env: { HOME: dir ?? '', npm_config_cache: join(dir ?? '', 'npm-cache') },
      },
    );

    expect(rootOwned.stdout.trim()).to.equal('');
    expect(asOwner.exitCode, asOwner.stderr).to.equal(0);
  });
});
