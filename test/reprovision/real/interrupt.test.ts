/**
 * Power cuts: `apply` SIGKILLed after each of its steps and each step of the
 * switch (ICA_REPROVISION_STOP), on a real ostree sysroot. At every stop the
 * default boot entry is one complete deployment; another config is refused,
 * naming both hashes; the same config completes; rollback brings back the
 * original deployment and /var.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreosSysroot } from '../../../testbed/ostree-sysroot.js';
import { configSha256 } from '../../../ignition/hash.js';
import { defaultDeployment, freshSysroot, runCli, varListing, ostreeOrSkip } from '../../helpers/reprovision-real.js';

const WORK = '/var/tmp/ica-reprovision-interrupt';

function config(text: string): string {
  return JSON.stringify({
    ignition: { version: '3.4.0' },
    storage: { files: [{ path: '/etc/motd', contents: { source: `data:,${text}` }, mode: 420 }] },
  });
}

const FIRST = config('first');
const SECOND = config('second');

/** Steps after which the process is killed; those from `switch:` on are past the point where another config is refused with --force offered. */
const STOPS = [
  'apply:started',
  'apply:backed-up',
  'apply:deployed',
  'apply:prepared',
  'switch:started',
  'switch:moved',
  'switch:kept',
  'switch:default',
  'switch:firstboot',
  'apply:switched',
];

describe('reprovision interrupted at every step (real ostree sysroot)', function () {
  this.timeout(20 * 60_000);
  let ostree = '';
  let sysroot: CoreosSysroot | undefined;
  const files: Record<string, string> = {};

  before(async function () {
    ostree = await ostreeOrSkip(this, WORK);
    mkdirSync(WORK, { recursive: true });
    for (const [name, text] of Object.entries({ first: FIRST, second: SECOND })) {
      files[name] = join(WORK, `${name}.ign`);
      writeFileSync(files[name], text);
    }
  });
  afterEach(async () => {
    await sysroot?.cleanup();
    sysroot = undefined;
  });

  function apply(s: string, file: string, env: Record<string, string> = {}, extra: string[] = []) {
    return runCli(
      ['reprovision', 'apply', '--sysroot', s, '--ostree', ostree, '--keep', 'lib/keep-me', ...extra, file],
      { env },
    );
  }

  for (const stop of STOPS) {
    it(`killed after ${stop}: bootable, another config refused, the same one completes, rollback restores`, async () => {
      sysroot = await freshSysroot();
      const s = sysroot.sysroot;
      const original = await varListing(s);
      const killed = await apply(s, files['first']!, { ICA_REPROVISION_STOP: stop });
      if (stop.startsWith('apply:')) expect(killed.signal, killed.stderr).to.equal('SIGKILL');
      // the switch script is killed, not apply: apply reports it (a power cut kills both, with the same result on disk)
      else expect(killed.stderr).to.include('was killed by SIGKILL');
      const atStop = defaultDeployment(s);
      expect(atStop.complete, `default ${atStop.id} after ${stop}`).to.equal(true);

      const other = await apply(s, files['second']!);
      expect(other.code).to.equal(1);
      expect(other.stderr).to.include(configSha256(FIRST)).and.include(configSha256(SECOND));
      if (stop.startsWith('apply:') && stop !== 'apply:switched') expect(other.stderr).to.include('--force');
      if (stop === 'apply:switched') expect(other.code).to.equal(1);

      const again = await apply(s, files['first']!);
      if (stop === 'apply:switched') {
        // the stamp says switched: a rerun of the same config has nothing left to do
        expect(again.code, again.stderr).to.equal(0);
      } else {
        expect(again.code, again.stderr).to.equal(0);
      }
      const after = defaultDeployment(s);
      expect(after.id).to.not.equal(sysroot.deployment);
      expect(after.complete).to.equal(true);

      const back = await runCli(['reprovision', 'rollback', '--sysroot', s, '--ostree', ostree]);
      expect(back.code, back.stderr).to.equal(0);
      expect(defaultDeployment(s).id).to.equal(sysroot.deployment);
      expect(await varListing(s)).to.deep.equal(original);
    });
  }

  it('--force abandons an unfinished reprovision of another config and applies this one', async () => {
    sysroot = await freshSysroot();
    const s = sysroot.sysroot;
    const killed = await apply(s, files['first']!, { ICA_REPROVISION_STOP: 'apply:prepared' });
    expect(killed.signal).to.equal('SIGKILL');
    const forced = await apply(s, files['second']!, {}, ['--force']);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stderr).to.include('abandoning the unfinished reprovision');
    const status = JSON.parse((await runCli(['reprovision', 'status', '--sysroot', s, '--json'])).stdout) as {
      deployments: unknown[];
      reprovision: { sha256: string; phase: string };
    };
    expect(status.reprovision).to.include({ sha256: configSha256(SECOND), phase: 'switched' });
    expect(status.deployments).to.have.length(2);
  });
});
