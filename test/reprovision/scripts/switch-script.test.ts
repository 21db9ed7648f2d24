import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { lstat, mkdir, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  SWITCH_SCRIPT_COMMANDS,
  switchFiles,
  switchScript,
  type SwitchPlan,
} from '../../../reprovision/scripts/switch-script.js';
import { STATE_SUBDIR } from '../../../reprovision/sysroot/layout.js';
import { A, switchFixture as fixture } from '../../helpers/switch-fixture.js';

const run = promisify(execFile);

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

  it('holds at a step when ICA_REPROVISION_HOLD names it, announced on stderr, and finishes on a rerun', async () => {
    const f = await fixture();
    dirs.push(f.dir);
    const script = join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script);
    await writeFile(script, switchScript(f.plan), { mode: 0o700 });
    const child = spawn('sh', [script, f.varDir, f.boot, f.dir], {
      env: { ...process.env, ICA_REPROVISION_HOLD: 'switch:moved' },
      detached: true,
    });
    const marker = await new Promise<string>((resolve) => {
      let text = '';
      child.stderr.on('data', (b: Buffer) => {
        text += b.toString();
        if (text.includes('ICA-REPROVISION-HOLD')) resolve(text);
      });
    });
    expect(marker).to.match(/^ICA-REPROVISION-HOLD switch:moved$/m);
    expect(child.exitCode).to.equal(null);
    // where it holds: /var moved aside, the new /var not yet in
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.include('apply-1.moved');
    expect((await readdir(f.varDir)).sort()).to.deep.equal(['.ironic-coreos-agent']);
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await runSwitch(f);
    expect((await readdir(join(f.varDir, 'lib'))).sort()).to.deep.equal(['keep-me', 'new']);
  });

  // A power cut loses what was not synced, and the boot after it writes to the /var it finds
  // (systemd-random-seed: /var/lib/systemd/random-seed) before the switch unit finishes the job.
  for (const [step, lostMarker] of [
    ['moved', true],
    ['moved', false],
  ] as const) {
    it(`finishes after a cut at "${step}"${lostMarker ? ' that lost its marker' : ''} and a boot that wrote to /var`, async () => {
      const f = await fixture();
      dirs.push(f.dir);
      await runSwitch(f, { ICA_REPROVISION_STOP: `switch:${step}` }).catch(() => undefined);
      const state = join(f.varDir, STATE_SUBDIR);
      if (lostMarker) await rm(join(state, 'apply-1.moved'));
      await mkdir(join(f.varDir, 'lib/systemd'), { recursive: true });
      await writeFile(join(f.varDir, 'lib/systemd/random-seed'), 'boot');
      await runSwitch(f);
      expect((await readdir(join(f.varDir, 'lib'))).sort()).to.deep.equal(['keep-me', 'new']);
      expect(await readFile(join(f.varDir, 'lib/new/file'), 'utf8')).to.equal('from ignition');
      expect((await readdir(join(state, 'apply-1.old-var/lib'))).sort()).to.not.include('systemd');
      expect(await readFile(join(state, 'apply-1.after-cut/1/lib/systemd/random-seed'), 'utf8')).to.equal('boot');
      expect(await readdir(state)).to.include('apply-1.switched');
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

describe('reprovision/scripts/switch-script with only SWITCH_SCRIPT_COMMANDS on PATH', () => {
  it('needs no other program (the agent image ships exactly these)', async () => {
    const f = await fixture();
    const bin = join(f.dir, 'only-bin');
    await mkdir(bin);
    for (const command of [...SWITCH_SCRIPT_COMMANDS, 'sh']) {
      const { stdout } = await promisify(execFile)('sh', ['-c', `command -v ${command}`]);
      await symlink(stdout.trim(), join(bin, command));
    }
    const script = join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script);
    await writeFile(script, switchScript(f.plan), { mode: 0o700 });
    await promisify(execFile)(join(bin, 'sh'), [script, f.varDir, f.boot, f.dir], { env: { PATH: bin } });
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.include('apply-1.switched');
    await rm(f.dir, { recursive: true, force: true });
  });
});
