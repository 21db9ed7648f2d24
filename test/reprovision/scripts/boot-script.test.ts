import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bootScript, bootScriptName, SUCCESS_FILE, type BootPlan } from '../../../reprovision/scripts/boot-script.js';
import { switchFiles, switchScript } from '../../../reprovision/scripts/switch-script.js';
import type { Mode } from '../../../reprovision/state/stamp.js';
import { STATE_SUBDIR } from '../../../reprovision/sysroot/layout.js';
import { A, B, switchFixture, type SwitchFixture } from '../../helpers/switch-fixture.js';

const run = promisify(execFile);
const SHA = 'f'.repeat(64);

/**
 * Run the boot script on the fixture as the boot unit would, with the kernel
 * command line naming `booted`, and a `systemctl` shim first in PATH that only
 * records (the script reboots after finishing an interrupted switch).
 */
async function boot(f: SwitchFixture, mode: Mode, booted: string): Promise<{ stderr: string; systemctl: string }> {
  const state = join(f.varDir, STATE_SUBDIR);
  const plan: BootPlan = { id: f.plan.id, sha256: SHA, deployment: B, mode };
  await writeFile(join(state, bootScriptName(plan.id)), bootScript(plan));
  await writeFile(join(state, switchFiles(plan.id).script), switchScript(f.plan));
  const index = booted === A ? 0 : 1;
  await writeFile(join(f.dir, 'cmdline'), `rw ostree=/ostree/boot.1/fedora-coreos/e/${index} quiet\n`);
  await writeFile(join(f.dir, 'boot_id'), 'b00710-1d\n');
  const shim = join(f.dir, 'shim');
  await mkdir(shim, { recursive: true });
  await writeFile(join(shim, 'systemctl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${join(f.dir, 'systemctl-calls')}\n`);
  await chmod(join(shim, 'systemctl'), 0o755);
  const args = [f.varDir, f.boot, f.dir, join(f.dir, 'cmdline'), join(f.dir, 'boot_id')];
  const result = await run('sh', [join(state, bootScriptName(plan.id)), ...args], {
    env: { ...process.env, PATH: `${shim}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
  });
  const systemctl = await readFile(join(f.dir, 'systemctl-calls'), 'utf8').catch(() => '');
  return { stderr: result.stderr, systemctl };
}

describe('reprovision/scripts/boot-script (run by sh on a tree)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  async function switched(): Promise<SwitchFixture> {
    const f = await switchFixture();
    dirs.push(f.dir);
    await writeFile(join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script), switchScript(f.plan));
    await run('sh', [join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script), f.varDir, f.boot, f.dir]);
    return f;
  }

  it('records the success marker on the new deployment (staged) and drops the old /var', async () => {
    const f = await switched();
    await boot(f, 'staged', B);
    const marker = JSON.parse(await readFile(join(f.varDir, STATE_SUBDIR, SUCCESS_FILE), 'utf8')) as Record<
      string,
      string
    >;
    expect(marker).to.include({ sha256: SHA, deployment: B, boot_id: 'b00710-1d', operation: 'apply-1' });
    expect(marker['recorded_at']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.not.include('apply-1.old-var');
  });

  it('waits for Ignition in firstboot mode while /boot/ignition.firstboot exists', async () => {
    const f = await switched();
    const first = await boot(f, 'firstboot', B);
    expect(first.stderr).to.include('Ignition has not completed its first boot yet');
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.not.include(SUCCESS_FILE);
    await rm(join(f.boot, 'ignition.firstboot'));
    await boot(f, 'firstboot', B);
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.include(SUCCESS_FILE);
  });

  it('records nothing on another deployment', async () => {
    const f = await switched();
    const result = await boot(f, 'staged', A);
    expect(result.stderr).to.include(`not booted into ${B}`);
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.not.include(SUCCESS_FILE);
  });

  it('finishes an interrupted switch, then asks for a reboot', async () => {
    const f = await switchFixture();
    dirs.push(f.dir);
    const script = join(f.varDir, STATE_SUBDIR, switchFiles(f.plan.id).script);
    await writeFile(script, switchScript(f.plan));
    await run('sh', [script, f.varDir, f.boot, f.dir], {
      env: { ...process.env, ICA_REPROVISION_STOP: 'switch:moved' },
    }).catch(() => undefined);
    const result = await boot(f, 'staged', A);
    expect(result.stderr).to.include('finishing an interrupted switch');
    expect(result.systemctl).to.equal('--no-block reboot\n');
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.include('apply-1.switched');
    expect(await readdir(join(f.varDir, STATE_SUBDIR))).to.not.include(SUCCESS_FILE);
  });
});
