/**
 * `apply --force` over another config's unfinished reprovision (before its
 * switch began): remove what it prepared so the new one starts clean. Its
 * deployment (not the default) is undeployed, its fresh /var and scripts
 * removed, and /boot/ignition/config.ign removed when it holds that config.
 */
import { join } from 'node:path';
import type { ReprovisionEnv } from '../context.js';
import { configSha256 } from '../../ignition/hash.js';
import { bootScriptName } from '../scripts/boot-script.js';
import { switchFiles } from '../scripts/switch-script.js';
import { applyId } from '../state/progress.js';
import type { Stamp } from '../state/stamp.js';
import { readDeployments } from '../sysroot/deployments.js';
import type { Ostree } from '../sysroot/ostree.js';
import type { Target } from '../target.js';

/** Undo an unfinished reprovision's preparations. @throws ReprovisionError when ostree fails */
export async function abandon(env: ReprovisionEnv, target: Target, ostree: Ostree, stamp: Stamp): Promise<void> {
  const { layout } = target;
  env.progress(`abandoning the unfinished reprovision of config sha256 ${stamp.sha256} (--force)`);
  const deployments = await readDeployments(env.fs, layout);
  const made = deployments.filter((d) => !stamp.before.includes(d.id) && d.index !== 0);
  for (const deployment of made.reverse()) await ostree.undeploy(deployment.index);
  const id = applyId(stamp.sha256);
  const files = switchFiles(id);
  for (const name of [files.newVar, `${id}.ignition`]) await env.fs.removeTree(join(layout.stateDir, name));
  // the switch script stays: an armed switch unit may still name it, and it exits on the cancelled marker
  for (const name of [bootScriptName(id), `${id}.ign`]) await env.fs.remove(join(layout.stateDir, name));
  const config = join(layout.ignitionDir, 'config.ign');
  const text = await env.fs.readFile(config).catch(() => null);
  if (text !== null && configSha256(text) === stamp.sha256) await env.fs.removeTree(layout.ignitionDir);
}
