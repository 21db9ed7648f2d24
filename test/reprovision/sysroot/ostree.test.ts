import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { Ostree, type OstreeInvocation } from '../../../reprovision/sysroot/ostree.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { realOstree } from '../../helpers/reprovision-real.js';

const HOST: OstreeInvocation = { argv: ['ostree'], sysroot: null, mapPath: (p) => p };
const HELP = ['ostree', 'admin', 'set-default', '--help'];
/** What an ostree without the verb prints for it (Debian 12's 2022.7): admin's usage, exit 0. */
const ADMIN_USAGE =
  'Usage:\n  ostree admin [OPTION…] --print-current-dir|COMMAND\n\nBuiltin "admin" Commands:\n  cleanup\n';
const SET_DEFAULT_USAGE = 'Usage:\n  ostree admin set-default [OPTION…] INDEX\n\nMake deployment INDEX the default\n';

async function verdict(ostree: Ostree): Promise<string> {
  return ostree.requireSetDefault().then(
    () => 'ok',
    (error: unknown) => (error as Error).message,
  );
}

describe('reprovision/sysroot/ostree requireSetDefault', () => {
  const cases: Array<[name: string, exitCode: number, stdout: string, expected: RegExp]> = [
    ["set-default's own usage", 0, SET_DEFAULT_USAGE, /^ok$/],
    ["admin's usage with exit 0 (an ostree without the verb)", 0, ADMIN_USAGE, /has no `admin set-default`/],
    ['exit 1', 1, '', /has no `admin set-default`/],
  ];
  for (const [name, exitCode, stdout, expected] of cases)
    it(name, async () => {
      const runner = new FakeRunner().expect({ match: HELP, exitCode, stdout });
      expect(await verdict(new Ostree(runner, HOST))).to.match(expected);
    });

  it('says ostree cannot be run when it is missing', async () => {
    const runner = new FakeRunner().expect({ match: HELP, notFound: true });
    expect(await verdict(new Ostree(runner, HOST))).to.match(/ostree cannot be run/);
  });

  describe('real ostree builds', function () {
    this.timeout(600_000);
    let dir = '';
    before(() => (dir = mkdtempSync(join(tmpdir(), 'ica-ostree-verbs-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("refuses the machine's ostree when it predates set-default (Debian 12's 2022.7)", async function () {
      const runner = new ExecaRunner();
      const version = await runner.run(['ostree', '--version'], { okExitCodes: [0] }).catch(() => null);
      const year = Number(/Version: '(\d{4})\./.exec(version?.stdout ?? '')?.[1] ?? 0);
      if (year === 0 || year >= 2024) {
        console.log(`      (skipping: the machine's ostree is ${year === 0 ? 'missing' : `from ${year}`})`);
        this.skip();
      }
      expect(await verdict(new Ostree(runner, HOST))).to.match(/has no `admin set-default`/);
    });

    it("accepts a recent ostree (Debian forky's)", async function () {
      const found = await realOstree(dir);
      if (found.path === undefined) {
        console.log(`      (skipping: ${found.reason})`);
        this.skip();
      }
      const ostree = new Ostree(new ExecaRunner(), { argv: [found.path], sysroot: null, mapPath: (p) => p });
      expect(await verdict(ostree)).to.equal('ok');
    });
  });
});
