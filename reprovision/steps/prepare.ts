/**
 * Preparing the new deployment so that switching to it is all that is left:
 * firstboot mode puts the config where Fedora CoreOS's initrd takes it
 * (/boot/ignition/config.ign, 0600 in a 0700 directory; the flag comes with
 * the switch); staged mode runs Ignition's stages now, into the new
 * deployment with a fresh /var beside the live one. Both install the switch
 * and boot scripts in the state directory and the boot unit in the new
 * deployment's /etc. Every write replaces what an interrupted run left.
 */
import { join } from 'node:path';
import type { ReprovisionEnv } from '../context.js';
import { ostreeInvocation } from '../context.js';
import { bootScript, bootScriptName } from '../scripts/boot-script.js';
import { switchFiles, switchScript, type SwitchPlan } from '../scripts/switch-script.js';
import { bootUnit } from '../scripts/units.js';
import type { Stamp } from '../state/stamp.js';
import { deploymentDir } from '../sysroot/deployments.js';
import { ignitionPlatform } from '../sysroot/kargs.js';
import type { Target } from '../target.js';
import { installUnit } from './install-unit.js';

/** The switch plan of an operation, with the ostree the script will run where it runs. */
export function switchPlanFor(
  env: Pick<ReprovisionEnv, 'ostreeProgram'>,
  target: Target,
  plan: Omit<SwitchPlan, 'ostree' | 'ostreeSysroot'>,
): SwitchPlan {
  // On a booted node the script runs at shutdown on the node itself, with its ostree.
  if (target.booted) return { ...plan, ostree: ['ostree'], ostreeSysroot: null };
  const invocation = ostreeInvocation(target, env.ostreeProgram);
  return { ...plan, ostree: invocation.argv, ostreeSysroot: invocation.sysroot };
}

/** Write an operation's switch script (0700) into the state directory. */
export async function writeSwitchScript(env: ReprovisionEnv, target: Target, plan: SwitchPlan): Promise<void> {
  await env.fs.writeFileAtomic(join(target.layout.stateDir, switchFiles(plan.id).script), switchScript(plan), 0o700);
}

/**
 * Prepare the deployment `stamp.deployment` for config `text`.
 * @throws ReprovisionError (staged: Ignition's own message as the cause)
 */
export async function prepare(
  env: ReprovisionEnv,
  target: Target,
  stamp: Stamp,
  config: { id: string; text: string; ignition: string | null },
): Promise<void> {
  const { id, text } = config;
  const { layout } = target;
  const deployment = stamp.deployment!;
  const root = deploymentDir(layout.physical, { stateroot: layout.stateroot, id: deployment });
  if (stamp.mode === 'firstboot') {
    env.progress(`writing the config to ${layout.ignitionDir}/config.ign for Ignition's first boot`);
    await env.fs.mkdirp(layout.ignitionDir, 0o700);
    await env.fs.writeFileAtomic(join(layout.ignitionDir, 'config.ign'), text, 0o600);
  } else {
    const freshVar = join(layout.stateDir, switchFiles(id).newVar);
    await env.fs.removeTree(freshVar);
    await env.fs.mkdirp(freshVar, 0o755);
    const stages = env.stagedIgnition(config.ignition!, join(layout.stateDir, `${id}.ignition`));
    const platform = ignitionPlatform(stamp.kargs);
    env.progress(`running Ignition's fetch stages (platform ${platform})`);
    await stages.fetch(text, platform);
    env.progress(`running Ignition's mount and files stages into ${root} with a fresh /var`);
    await stages.apply(root, freshVar, platform);
  }
  const firstboot = stamp.mode === 'firstboot' ? 'set' : 'leave';
  await writeSwitchScript(env, target, switchPlanFor(env, target, { id, deployment, keep: stamp.keep, firstboot }));
  await env.fs.writeFileAtomic(
    join(layout.stateDir, bootScriptName(id)),
    bootScript({ id, sha256: stamp.sha256, deployment, mode: stamp.mode }),
    0o700,
  );
  await installUnit(env.fs, join(root, 'etc'), bootUnit(id));
}
