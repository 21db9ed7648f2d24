import { expect } from 'chai';
import { execFile } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { switchFiles, switchScript, type SwitchPlan } from '../../../reprovision/scripts/switch-script.js';
import { STATE_SUBDIR } from '../../../reprovision/sysroot/layout.js';

const run = promisify(execFile);
const A = `${'a'.repeat(64)}.0`;
const B = `${'b'.repeat(64)}.1`;

/**
 * A sysroot-shaped tree: two loader entries (A default), the boot links, a
 * /var with files, and an `ostree` stub that records its arguments (Debian 12's
 * ostree has no set-default; the real one runs in test/reprovision/apply-real.test.ts).
 */
async function fixture(): Promise<{ dir: string; varDir: string; boot: string; calls: string; plan: SwitchPlan }> {
  const dir = await mkdtemp(join(tmpdir(), 'ica-switch-'));
  const boot = join(dir, 'boot');
  const varDir = join(dir, 'ostree/deploy/fedora-coreos/var');
  const links = join(dir, 'ostree/boot.1/fedora-coreos/e');
  await mkdir(join(boot, 'loader/entries'), { recursive: true });
  await mkdir(links, { recursive: true });
  await writeFile(
    join(boot, 'loader/entries/ostree-2-fedora-coreos.conf'),
    `version 2\noptions rw ostree=/ostree/boot.1/fedora-coreos/e/0\n`,
  );
  await writeFile(
    join(boot, 'loader/entries/ostree-1-fedora-coreos.conf'),
    `version 1\noptions rw ostree=/ostree/boot.1/fedora-coreos/e/1\n`,
  );
  await symlink(`../../../deploy/fedora-coreos/deploy/${A}`, join(links, '0'));
  await symlink(`../../../deploy/fedora-coreos/deploy/${B}`, join(links, '1'));
  for (const [path, text] of [
    ['lib/containers/x', 'c'],
    ['log/journal/j', 'j'],
    ['home/core/.ssh/authorized_keys', 'k'],
    ['lib/keep-me/data', 'kept'],
    ['.hidden', 'h'],
    ['..odd', 'o'],
  ]) {
    await mkdir(join(varDir, path, '..'), { recursive: true });
    await writeFile(join(varDir, path), text);
  }
  await chmod(join(varDir, 'lib'), 0o750);
  await symlink('../run', join(varDir, 'run'));
  const state = join(varDir, STATE_SUBDIR);
  await mkdir(join(state, 'apply-1.new-var/lib/new'), { recursive: true });
  await writeFile(join(state, 'apply-1.new-var/lib/new/file'), 'from ignition');
  await writeFile(join(state, 'stamp.json'), '{}');
  const calls = join(dir, 'ostree-calls');
  const stub = join(dir, 'ostree-stub');
  await writeFile(stub, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${calls}\n`);
  await chmod(stub, 0o755);
  const plan: SwitchPlan = {
    id: 'apply-1',
    deployment: B,
    keep: ['lib/keep-me'],
    firstboot: 'set',
    ostree: [stub],
    ostreeSysroot: dir,
  };
  return { dir, varDir, boot, calls, plan };
}

async function runSwitch(
  f: { dir: string; varDir: string; boot: string; plan: SwitchPlan },
  env: Record<string, string> = {},
) {
  const script = join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script);
  await writeFile(script, switchScript(f.plan), { mode: 0o700 });
  return run('sh', [script, f.varDir, f.boot, f.dir], { env: { ...process.env, ...env } });
}

describe('reprovision/scripts/switch-script (run by sh on a tree)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('rotates /var, moves the new one in, keeps kept paths, sets the default and the firstboot flag', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    await runSwitch(f);
    const state = join(f.varDir, STATE_SUBDIR);
    expect((await readdir(f.varDir)).sort()).to.deep.equal(['.ironic-coreos-agent', 'lib']);
    expect((await readdir(join(f.varDir, 'lib'))).sort()).to.deep.equal(['keep-me', 'new']);
    expect(await readFile(join(f.varDir, 'lib/keep-me/data'), 'utf8')).to.equal('kept');
    expect(await readFile(join(f.varDir, 'lib/new/file'), 'utf8')).to.equal('from ignition');
    const old = join(state, 'apply-1.old-var');
    expect((await readdir(old)).sort()).to.deep.equal(['..odd', '.hidden', 'home', 'lib', 'log', 'run']);
    expect(await readlink(join(old, 'run'))).to.equal('../run');
    expect(await readFile(join(old, 'home/core/.ssh/authorized_keys'), 'utf8')).to.equal('k');
    expect(await readFile(f.calls, 'utf8')).to.equal(`admin set-default --sysroot=${f.dir} 1\n`);
    expect((await lstat(join(f.boot, 'ignition.firstboot'))).isFile()).to.equal(true);
    expect((await lstat(join(state, 'apply-1.switched'))).isFile()).to.equal(true);
  });

  it('gives a kept path the parents it had (mode) when the new /var lacks them', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    await rm(join(f.varDir, STATE_SUBDIR, 'apply-1.new-var'), { recursive: true });
    await runSwitch(f);
    expect((await stat(join(f.varDir, 'lib'))).mode & 0o777).to.equal(0o750);
  });

  it('does nothing the second time, and calls no set-default when the target is already the default', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    await runSwitch({ ...f, plan: { ...f.plan, deployment: A, firstboot: 'leave' } });
    const listing = (await readdir(f.varDir)).sort();
    await runSwitch({ ...f, plan: { ...f.plan, deployment: A, firstboot: 'leave' } });
    expect((await readdir(f.varDir)).sort()).to.deep.equal(listing);
    await readFile(f.calls).then(
      () => expect.fail('ostree was called'),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ENOENT'),
    );
  });

  for (const step of ['started', 'moved', 'new-var', 'kept', 'default', 'firstboot']) {
    it(`finishes the same way after a SIGKILL after "${step}"`, async () => {
      const f = await fixture();
      dirs.push(f.dir);
      const killed = await runSwitch(f, { ICA_REPROVISION_STOP: `switch:${step}` }).then(
        () => null,
        (error: { signal?: string }) => error.signal,
      );
      expect(killed).to.equal('SIGKILL');
      expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.not.include('apply-1.switched');
      await runSwitch(f);
      expect((await readdir(f.varDir)).sort()).to.deep.equal(['.ironic-coreos-agent', 'lib']);
      expect((await readdir(join(f.varDir, 'lib'))).sort()).to.deep.equal(['keep-me', 'new']);
      expect((await readdir(join(f.varDir, STATE_SUBDIR, 'apply-1.old-var'))).sort()).to.deep.equal([
        '..odd',
        '.hidden',
        'home',
        'lib',
        'log',
        'run',
      ]);
      expect((await lstat(join(f.boot, 'ignition.firstboot'))).isFile()).to.equal(true);
    });
  }

  it('clears the firstboot flag and /boot/ignition for a rollback', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    await mkdir(join(f.boot, 'ignition'));
    await writeFile(join(f.boot, 'ignition/config.ign'), '{}');
    await writeFile(join(f.boot, 'ignition.firstboot'), '');
    await runSwitch({ ...f, plan: { ...f.plan, firstboot: 'clear' } });
    expect(await readdir(f.boot)).to.deep.equal(['loader']);
  });

  it('fails, changing no default, when the deployment is not in the loader entries', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    const error = await runSwitch({ ...f, plan: { ...f.plan, deployment: 'c.9' } }).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).to.include('deployment c.9 is not in the loader entries');
  });
});
