/**
 * Bad input changes nothing: for each, `plan` and `apply` fail with a clear
 * message and the sysroot's fingerprint (deployments, BLS entries, /etc and
 * /var trees, /boot/ignition*) is the same before and after.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreosSysroot } from '../../../testbed/ostree-sysroot.js';
import { sysrootFingerprint, fingerprintDiff } from '../../../testbed/sysroot-fingerprint.js';
import { freshSysroot, runCli, ostreeOrSkip } from '../../helpers/reprovision-real.js';

const WORK = '/var/tmp/ica-reprovision-bad';
const GOOD = JSON.stringify({
  ignition: { version: '3.4.0' },
  storage: { files: [{ path: '/etc/x', contents: { source: 'data:,x' } }] },
});

interface Case {
  name: string;
  config: string;
  args?: string[];
  /** Mount something for the case; returns the undo. */
  setup?: (sysroot: CoreosSysroot) => () => void;
  message: RegExp;
}

const CASES: Case[] = [
  {
    name: 'an invalid Ignition config',
    config: JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: 'relative' }] } }),
    message: /is not a valid Ignition config:\n\s+\$\.storage\.files\.0\.path/,
  },
  {
    name: 'an Ignition 2.x config',
    config: JSON.stringify({ ignition: { version: '2.2.0' } }),
    message: /unsupported config version 2\.2\.0[\s\S]*only runs Ignition spec 3 configs/,
  },
  {
    name: 'a remote resource that cannot be fetched',
    config: JSON.stringify({
      ignition: { version: '3.4.0' },
      storage: { files: [{ path: '/etc/x', contents: { source: 'http://127.0.0.1:9/x' } }] },
    }),
    message: /\$\.storage\.files\.0\.contents: http:\/\/127\.0\.0\.1:9\/x cannot be fetched/,
  },
  {
    name: 'text that is not JSON',
    config: 'variant: fcos\nversion: 1.5.0\n',
    message: /is not JSON[\s\S]*Butane/,
  },
  {
    name: 'a read-only /boot',
    config: GOOD,
    setup: (s) => {
      const boot = join(s.sysroot, 'boot');
      execFileSync('mount', ['--bind', boot, boot]);
      execFileSync('mount', ['-o', 'remount,bind,ro', boot]);
      return () => execFileSync('umount', [boot]);
    },
    message: /boot is not writable \(EROFS\)[\s\S]*mount -o remount,rw/,
  },
  {
    name: 'a filesystem mounted below /var',
    config: GOOD,
    setup: (s) => {
      const point = join(s.varDir, 'lib/containers');
      execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', point]);
      return () => execFileSync('umount', [point]);
    },
    message: /filesystems are mounted below \/var: .*lib\/containers/,
  },
  {
    name: 'staged mode without an Ignition binary',
    config: GOOD,
    args: ['--mode', 'staged', '--ignition', '/nonexistent/ignition'],
    message: /staged mode needs Ignition's binary/,
  },
];

describe('reprovision refuses bad input and changes nothing (real ostree sysroot)', function () {
  this.timeout(10 * 60_000);
  let ostree = '';
  let sysroot: CoreosSysroot | undefined;

  before(async function () {
    ostree = await ostreeOrSkip(this, WORK);
    mkdirSync(WORK, { recursive: true });
    sysroot = await freshSysroot();
  });
  after(async () => sysroot?.cleanup());

  for (const c of CASES) {
    for (const command of ['plan', 'apply']) {
      it(`${command}: ${c.name}`, async () => {
        const s = sysroot!;
        const file = join(WORK, 'config.ign');
        writeFileSync(file, c.config);
        const undo = c.setup?.(s);
        try {
          const before = await sysrootFingerprint(s.sysroot);
          const run = await runCli([
            'reprovision',
            command,
            '--sysroot',
            s.sysroot,
            '--ostree',
            ostree,
            ...(c.args ?? []),
            file,
          ]);
          const after = await sysrootFingerprint(s.sysroot);
          expect(run.code, run.stderr).to.equal(1);
          expect(run.stderr).to.match(c.message);
          expect(run.stderr).to.include('what to do:');
          expect(fingerprintDiff(before, after)).to.deep.equal([]);
        } finally {
          undo?.();
        }
      });
    }
  }

  it('a root that is not an ostree system', async () => {
    const dir = mkdtempSync(join(WORK, 'plain-'));
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(WORK, 'config.ign'), GOOD);
    try {
      const run = await runCli([
        'reprovision',
        'apply',
        '--sysroot',
        dir,
        '--ostree',
        ostree,
        join(WORK, 'config.ign'),
      ]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/is not an ostree system/);
      expect(readdirSync(dir)).to.deep.equal(['etc']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plan reads the config from stdin and changes nothing', async () => {
    const s = sysroot!;
    const before = await sysrootFingerprint(s.sysroot);
    const run = await runCli(['reprovision', 'plan', '--sysroot', s.sysroot, '--ostree', ostree, '-'], { input: GOOD });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^config: stdin, Ignition spec 3\.4\.0, sha256 [0-9a-f]{64}$/m);
    expect(run.stdout).to.include('switch: right away (the sysroot is not running)');
    expect(fingerprintDiff(before, await sysrootFingerprint(s.sysroot))).to.deep.equal([]);
  });
});
