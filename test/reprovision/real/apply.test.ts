/**
 * `reprovision apply` and `rollback` against a real ostree sysroot (built with
 * Debian's ostree 2022.7, driven with forky's ostree 2026, which has
 * set-default), both modes; staged mode runs Debian's real Ignition 2.14.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRACUT_IGNITION } from '../../../reprovision/find-ignition.js';
import type { CoreosSysroot } from '../../../testbed/ostree-sysroot.js';
import {
  defaultDeployment,
  freshSysroot,
  linkTarget,
  runCli,
  varListing,
  ostreeOrSkip,
} from '../../helpers/reprovision-real.js';

const WORK = '/var/tmp/ica-reprovision-tests';
const STATE = '.ironic-coreos-agent/reprovision';

/** A firstboot config: one file. */
const FIRSTBOOT = JSON.stringify({
  ignition: { version: '3.4.0' },
  storage: { files: [{ path: '/etc/hello', contents: { source: 'data:,hi' }, mode: 420 }] },
});

/** A staged config: a file in /etc and in /var, a unit enabled, a new user with a key. */
const STAGED = JSON.stringify({
  ignition: { version: '3.4.0-experimental' },
  passwd: { users: [{ name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test@example'] }] },
  storage: {
    files: [
      { path: '/etc/staged', contents: { source: 'data:,staged%0A' }, mode: 420 },
      { path: '/var/lib/app/data', contents: { source: 'data:,var%0A' }, mode: 384 },
    ],
  },
  systemd: {
    units: [
      {
        name: 'hello.service',
        enabled: true,
        contents: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
      },
    ],
  },
});

describe('reprovision on a real ostree sysroot', function () {
  this.timeout(10 * 60_000);
  let ostree = '';
  let sysroot: CoreosSysroot | undefined;

  before(async function () {
    ostree = await ostreeOrSkip(this, WORK);
  });
  afterEach(async () => {
    await sysroot?.cleanup();
    sysroot = undefined;
  });

  function configFile(name: string, text: string): string {
    const path = join(WORK, name);
    writeFileSync(path, text);
    return path;
  }

  it('firstboot: a new default deployment with a fresh /etc, the same kargs, the config for Ignition, /var rotated', async () => {
    sysroot = await freshSysroot();
    const s = sysroot.sysroot;
    const before = await varListing(s);
    const run = await runCli([
      'reprovision',
      'apply',
      '--sysroot',
      s,
      '--ostree',
      ostree,
      '--keep',
      'lib/keep-me',
      configFile('fb.ign', FIRSTBOOT),
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const now = defaultDeployment(s);
    expect(now.id).to.not.equal(sysroot.deployment);
    expect(now.complete).to.equal(true);
    expect(now.options.replace(/ ostree=\S+/, '')).to.equal(sysroot.blsOptions.replace(/ ostree=\S+/, ''));
    const etc = join(s, 'ostree/deploy/fedora-coreos/deploy', now.id, 'etc');
    expect(readdirSync(etc)).to.not.include('stale-local-change');
    expect(readFileSync(join(etc, 'passwd'), 'utf8')).to.include('core:x:1000');
    expect(
      linkTarget(join(etc, 'systemd/system/multi-user.target.wants/ironic-coreos-agent-reprovision-boot.service')),
    ).to.equal('/etc/systemd/system/ironic-coreos-agent-reprovision-boot.service');
    expect(readFileSync(join(s, 'boot/ignition/config.ign'), 'utf8')).to.equal(FIRSTBOOT);
    expect(statSync(join(s, 'boot/ignition/config.ign')).mode & 0o777).to.equal(0o600);
    expect(statSync(join(s, 'boot/ignition')).mode & 0o777).to.equal(0o700);
    expect(statSync(join(s, 'boot/ignition.firstboot')).isFile()).to.equal(true);
    expect(readdirSync(sysroot.varDir).sort()).to.deep.equal(['.ironic-coreos-agent', 'lib']);
    expect(readdirSync(join(sysroot.varDir, 'lib'))).to.deep.equal(['keep-me']);
    const status = await runCli(['reprovision', 'status', '--sysroot', s, '--json']);
    const document = JSON.parse(status.stdout) as { reprovision: { phase: string; deployment: string } };
    expect(document.reprovision).to.include({ phase: 'switched', deployment: now.id });

    const back = await runCli(['reprovision', 'rollback', '--sysroot', s, '--ostree', ostree]);
    expect(back.code, back.stderr).to.equal(0);
    expect(defaultDeployment(s).id).to.equal(sysroot.deployment);
    expect(await varListing(s)).to.deep.equal(before);
    expect(readdirSync(join(s, 'boot')).filter((n) => n.startsWith('ignition'))).to.deep.equal([]);
  });

  it('keeps modes, owners and xattrs in the backup', async () => {
    sysroot = await freshSysroot();
    const run = await runCli([
      'reprovision',
      'apply',
      '--sysroot',
      sysroot.sysroot,
      '--ostree',
      ostree,
      configFile('fb.ign', FIRSTBOOT),
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const backups = join(sysroot.varDir, STATE, 'backups');
    const [dir] = readdirSync(backups);
    const listing = execFileSync(
      'tar',
      ['--list', '--verbose', '--numeric-owner', '--xattrs', '--file', join(backups, dir!, 'var.tar')],
      {
        encoding: 'utf8',
      },
    );
    expect(listing, listing).to.match(/-rw-------\s+1000\/1000 .* \.\/home\/core\/\.ssh\/authorized_keys/);
    expect(listing).to.not.include('.ironic-coreos-agent');
    expect(readdirSync(join(backups, dir!))).to.deep.equal(['etc.tar', 'var.tar']);
  });

  it('staged: Ignition 2.14 applies files, units and keys into the new deployment and a fresh /var', async () => {
    sysroot = await freshSysroot({ selinux: true });
    const s = sysroot.sysroot;
    const args = [
      '--sysroot',
      s,
      '--ostree',
      ostree,
      '--mode',
      'staged',
      '--ignition',
      DRACUT_IGNITION,
      '--keep',
      'lib/keep-me',
    ];
    // Ignition relabels what it wrote with setfiles and the node's SELinux policy, which
    // this machine has neither of: a shim stands in and records the paths it was given.
    const shim = join(WORK, 'shim');
    mkdirSync(shim, { recursive: true });
    writeFileSync(join(shim, 'setfiles'), `#!/bin/sh\ncat > ${join(WORK, 'relabeled')}\n`, { mode: 0o755 });
    const env = { PATH: `${shim}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
    const run = await runCli(['reprovision', 'apply', ...args, configFile('staged.ign', STAGED)], { env });
    expect(run.code, run.stderr).to.equal(0);
    const now = defaultDeployment(s);
    expect(now.id).to.not.equal(sysroot.deployment);
    const etc = join(s, 'ostree/deploy/fedora-coreos/deploy', now.id, 'etc');
    expect(readFileSync(join(etc, 'staged'), 'utf8')).to.equal('staged\n');
    expect(readFileSync(join(etc, 'systemd/system/hello.service'), 'utf8')).to.include('ExecStart=/bin/true');
    expect(readFileSync(join(sysroot.varDir, 'lib/app/data'), 'utf8')).to.equal('var\n');
    expect(readFileSync(join(sysroot.varDir, 'lib/keep-me/data'), 'utf8')).to.not.equal('');
    expect(readdirSync(join(s, 'boot')).filter((n) => n.startsWith('ignition'))).to.deep.equal([]);
    expect(readFileSync(join(etc, 'passwd'), 'utf8')).to.match(/^ops:x:/m);
    expect(readFileSync(join(sysroot.varDir, 'home/ops/.ssh/authorized_keys.d/ignition'), 'utf8')).to.include(
      'test@example',
    );
    expect(readdirSync(join(sysroot.varDir, 'log'))).to.deep.equal([]);
    expect(readFileSync(join(WORK, 'relabeled'), 'utf8')).to.include('/etc/staged');
  });
});
