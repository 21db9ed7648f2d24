/**
 * `reprovision apply`: the steps, each recorded in the stamp when done, so a
 * rerun with the same config skips what is finished and completes the rest.
 *
 * Nothing changes before the config is validated, its resources fetched and
 * hashed, and the node checked (checks.ts). Then: started (state
 * directory, a copy of the config), backed-up, deployed (the new deployment,
 * not the default), prepared (the config in place for it), and the switch
 * (now for a sysroot that is not running; at shutdown on a booted node).
 */
import { join } from 'node:path';
import { checkBeforeChange, type ReprovisionRequest } from './checks.js';
import type { LoadedConfig } from './config/load.js';
import type { ReprovisionEnv } from './context.js';
import { abandon } from './steps/abandon.js';
import { backup } from './steps/backup.js';
import { deployOrAdopt } from './steps/deploy.js';
import { prepare } from './steps/prepare.js';
import { armSwitch, switchNow } from './steps/switch.js';
import { applyId } from './state/progress.js';
import { reached, writeStamp, type Phase, type Stamp } from './state/stamp.js';
import { carriedKargs } from './sysroot/kargs.js';
import { deploymentDir } from './sysroot/deployments.js';
import { inspectTarget, type Target } from './target.js';

/** What `apply` was asked. */
export interface ApplyOptions extends ReprovisionRequest {
  /** Reboot right away (booted nodes). */
  readonly now: boolean;
}

/** What `apply` did. */
export interface ApplyResult {
  readonly sha256: string;
  readonly deployment: string;
  readonly phase: Phase;
  readonly booted: boolean;
}

/** Run (or finish) a reprovision. @throws ReprovisionError */
export async function applyReprovision(env: ReprovisionEnv, options: ApplyOptions): Promise<ApplyResult> {
  const checked = await checkBeforeChange(env, options);
  const { keep, config: loaded, ostree, ignition } = checked;
  let target = checked.target;
  const decision = checked.resume;
  if (decision.kind === 'abandon') {
    await abandon(env, target, ostree, decision.stamp);
    target = await inspectTarget(env.fs, options.root, env.proc.cmdline);
  }
  let stamp: Stamp;
  if (decision.kind === 'resume') {
    stamp = decision.stamp;
    env.progress(`finishing the interrupted reprovision of config sha256 ${stamp.sha256} (phase ${stamp.phase})`);
  } else {
    env.checkpoint('apply:checked');
    stamp = await start(env, target, loaded, { ...options, keep });
  }
  const id = applyId(stamp.sha256);
  stamp = await advance(env, target, stamp, 'backed-up', async () => {
    if (stamp.backup !== null) {
      const etc = join(
        deploymentDir(target.layout.physical, { stateroot: stamp.stateroot, id: stamp.original }),
        'etc',
      );
      await backup(env, { etc, var: target.layout.varDir }, stamp.backup, env.progress);
    }
  });
  stamp = await advance(env, target, stamp, 'deployed', async () => {
    env.progress('creating the new deployment (fresh /etc, the same commit and kernel arguments)');
    const original = target.deployments.find((d) => d.id === stamp.original) ?? target.current;
    const deployment = await deployOrAdopt(env.fs, ostree, {
      paths: target.layout,
      current: original,
      kargs: stamp.kargs,
      before: stamp.before,
    });
    return { deployment };
  });
  stamp = await advance(env, target, stamp, 'prepared', () =>
    prepare(env, target, stamp, { id, text: loaded.text, ignition }),
  );
  if (target.booted) {
    stamp = await advance(env, target, stamp, 'switching', () => armSwitch(env, target, id, options.now));
  } else if (!reached(stamp.phase, 'switched')) {
    env.progress('switching: rotating /var and making the new deployment the default');
    await switchNow(env, target, id);
    stamp = await advance(env, target, stamp, 'switched', async () => {});
  }
  return { sha256: stamp.sha256, deployment: stamp.deployment!, phase: stamp.phase, booted: target.booted };
}

/** The first step: the state directory, the config's copy, the stamp. */
async function start(
  env: ReprovisionEnv,
  target: Target,
  loaded: LoadedConfig,
  options: ApplyOptions & { keep: string[] },
): Promise<Stamp> {
  const { layout } = target;
  const now = new Date(env.clock.now()).toISOString();
  await env.fs.mkdirp(layout.stateDir, 0o700);
  await env.fs.writeFileAtomic(join(layout.stateDir, `${applyId(loaded.sha256)}.ign`), loaded.text, 0o600);
  const id = applyId(loaded.sha256);
  const stamp: Stamp = {
    format: 1,
    sha256: loaded.sha256,
    mode: options.mode,
    phase: 'started',
    startedAt: now,
    updatedAt: now,
    original: target.current.id,
    stateroot: layout.stateroot,
    before: target.deployments.map((d) => d.id),
    keep: options.keep,
    backup: options.backup === null ? null : join(options.backup ?? join(layout.stateDir, 'backups'), id),
    kargs: carriedKargs(target.current.entry.options),
    live: target.booted,
  };
  await writeStamp(env.fs, layout.stateDir, stamp);
  env.progress(`reprovisioning to config sha256 ${loaded.sha256} (${options.mode} mode)`);
  env.checkpoint('apply:started');
  return stamp;
}

/** Do `work` unless the stamp has reached `phase`, then record the phase (and what `work` returned). */
async function advance(
  env: ReprovisionEnv,
  target: Target,
  stamp: Stamp,
  phase: Phase,
  work: () => Promise<Partial<Stamp> | void>,
): Promise<Stamp> {
  if (reached(stamp.phase, phase)) return stamp;
  const changes = (await work()) ?? {};
  const next: Stamp = { ...stamp, ...changes, phase, updatedAt: new Date(env.clock.now()).toISOString() };
  await writeStamp(env.fs, target.layout.stateDir, next);
  env.checkpoint(`apply:${phase}`);
  return next;
}
