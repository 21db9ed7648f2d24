/**
 * A sysroot-shaped tree for the reprovision scripts' tests: two loader entries
 * (A the default), their boot links, a /var with files, a prepared new /var,
 * and an `ostree` stub that records its arguments (Debian 12's ostree has no
 * set-default; the real one runs in the apply tests against a real sysroot).
 */
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchPlan } from '../../reprovision/scripts/switch-script.js';
import { STATE_SUBDIR } from '../../reprovision/sysroot/layout.js';

/** The default deployment of the fixture. */
export const A = `${'a'.repeat(64)}.0`;
/** The other deployment, the switch's target. */
export const B = `${'b'.repeat(64)}.1`;

/** The tree and a plan that switches it to B. */
export interface SwitchFixture {
  dir: string;
  varDir: string;
  boot: string;
  /** The file the ostree stub appends its arguments to. */
  calls: string;
  plan: SwitchPlan;
}

/** Build a fresh fixture in a temp dir. */
export async function switchFixture(): Promise<SwitchFixture> {
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
  ] as const) {
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
