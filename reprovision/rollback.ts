/**
 * `reprovision rollback`: back to the deployment the node ran before, with
 * the /var it had (from the backup, or from the old /var the switch moved
 * aside while it is still there), and no pending first boot. A reprovision
 * whose switch never began is simply cancelled: its deployment undeployed,
 * its prepared files removed, /var untouched. Like apply, a rollback is an
 * operation with its own switch script, so it is interruptible and rerunnable.
 */
import { join } from 'node:path';
import { ostreeInvocation, type ReprovisionEnv } from './context.js';
import { ReprovisionError } from './errors.js';
import { abandon } from './steps/abandon.js';
import { restoreVar } from './steps/backup.js';
import { switchPlanFor, writeSwitchScript } from './steps/prepare.js';
import { armSwitch, switchNow } from './steps/switch.js';
import { switchFiles } from './scripts/switch-script.js';
import { applyId, effectivePhase, rollbackId } from './state/progress.js';
import { readStamp, writeStamp, type Stamp } from './state/stamp.js';
import { Ostree } from './sysroot/ostree.js';
import { inspectTarget, preflight, type Target } from './target.js';

/** What `rollback` was asked. */
export interface RollbackOptions {
  readonly root: string;
  /** Reboot right away (booted nodes). */
  readonly now: boolean;
}

/** What `rollback` did. */
export interface RollbackResult {
  readonly deployment: string;
  /** `cancelled` (the switch had not begun), `switched` (done now) or `armed` (at the next shutdown). */
  readonly outcome: 'cancelled' | 'switched' | 'armed';
}

/** Roll the last reprovision back. @throws ReprovisionError */
export async function rollbackReprovision(env: ReprovisionEnv, options: RollbackOptions): Promise<RollbackResult> {
  const target = await inspectTarget(env.fs, options.root, env.proc.cmdline);
  const stamp = await readStamp(env.fs, target.layout.stateDir);
  if (stamp === null) {
    throw new ReprovisionError(
      `no reprovision is recorded in ${target.layout.stateDir}`,
      'There is nothing to roll back',
    );
  }
  const phase = await effectivePhase(env.fs, target.layout.stateDir, stamp);
  if (phase === 'rolled-back') {
    throw new ReprovisionError(
      `the reprovision to config sha256 ${stamp.sha256} is already rolled back`,
      'Nothing to do',
    );
  }
  await preflight(env.fs, target, env.proc.mountinfo);
  const ostree = new Ostree(env.runner, ostreeInvocation(target, env.ostreeProgram));
  await ostree.requireSetDefault();
  const files = switchFiles(applyId(stamp.sha256));
  if (!(await env.fs.exists(join(target.layout.stateDir, files.started)))) {
    await env.fs.writeFileAtomic(join(target.layout.stateDir, files.cancelled), '', 0o600);
    await abandon(env, target, ostree, stamp);
    await mark(env, target, stamp);
    env.progress(`cancelled the reprovision to config sha256 ${stamp.sha256}: its switch had not begun`);
    return { deployment: stamp.original, outcome: 'cancelled' };
  }
  if (!target.deployments.some((d) => d.id === stamp.original)) {
    throw new ReprovisionError(
      `the deployment the node ran before, ${stamp.original}, is gone`,
      'It was removed (ostree admin cleanup or an update); reprovision again with the old config instead',
    );
  }
  const id = rollbackId(stamp.sha256);
  await prepareVar(env, target, stamp, id);
  await writeSwitchScript(
    env,
    target,
    switchPlanFor(env, target, { id, deployment: stamp.original, keep: [], firstboot: 'clear' }),
  );
  if (target.booted) {
    await armSwitch(env, target, id, options.now);
    return { deployment: stamp.original, outcome: 'armed' };
  }
  await switchNow(env, target, id);
  await mark(env, target, stamp);
  env.progress(`rolled back to ${stamp.original}`);
  return { deployment: stamp.original, outcome: 'switched' };
}

/** The /var to go back to, in the rollback's new-var directory (unless its switch already began). */
async function prepareVar(env: ReprovisionEnv, target: Target, stamp: Stamp, id: string): Promise<void> {
  const state = target.layout.stateDir;
  const rollback = switchFiles(id);
  if (await env.fs.exists(join(state, rollback.started))) return;
  const dest = join(state, rollback.newVar);
  if (stamp.backup !== null) {
    env.progress(`restoring /var from ${stamp.backup}`);
    await restoreVar(env, stamp.backup, dest);
    return;
  }
  const old = join(state, switchFiles(applyId(stamp.sha256)).oldVar);
  if (await env.fs.exists(old)) {
    env.progress('taking back the /var the reprovision moved aside');
    await env.fs.removeTree(dest);
    await env.fs.rename(old, dest);
    return;
  }
  if (!(await env.fs.exists(dest))) {
    throw new ReprovisionError(
      'there is no backup (--no-backup) and the /var the reprovision moved aside is gone',
      'Restore /var from your own backup, then roll back the deployment with `ostree admin set-default`',
    );
  }
}

/** Record the end of the rollback in the stamp. */
async function mark(env: ReprovisionEnv, target: Target, stamp: Stamp): Promise<void> {
  await writeStamp(env.fs, target.layout.stateDir, {
    ...stamp,
    phase: 'rolled-back',
    updatedAt: new Date(env.clock.now()).toISOString(),
  });
}
