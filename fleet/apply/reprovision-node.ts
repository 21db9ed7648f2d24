/**
 * One node's reprovision, the `reprovisionNode` seam of the scheduler: pick
 * the method, fall back from SSH to Ironic only while nothing destructive has
 * happened, and follow (never restart) an attempt a killed run left in flight.
 */
import type { DesiredConfig } from '../desired.js';
import type { NodeAttempt, PlanEntry } from '../schedule.js';
import { rebuildWithIronic, resumeIronic } from './ironic-path.js';
import { NodeFailure, type ApplyEnv, type NodeJob } from './job.js';
import { applyOverSsh, checkOverSsh, SshUnusable, waitForReport } from './ssh-path.js';

/** The scheduler's `reprovisionNode`. */
export type Reprovision = (entry: PlanEntry, attempt: NodeAttempt) => Promise<void>;

/**
 * Build the seam over `env`.
 * @param configs - every node's desired config (validated up front)
 * @param defaultTimeoutSeconds - for nodes without `timeoutSeconds`
 */
export function createReprovision(
  env: ApplyEnv,
  configs: ReadonlyMap<string, DesiredConfig>,
  defaultTimeoutSeconds: number,
): Reprovision {
  return async (entry, attempt) => {
    const config = configs.get(entry.node.name);
    if (config === undefined) throw new NodeFailure(`no desired config was loaded for ${entry.node.name}`);
    const seconds = entry.node.timeoutSeconds ?? defaultTimeoutSeconds;
    const job: NodeJob = { node: entry.node, config, deadline: env.clock.now() + seconds * 1000, attempt };
    await (attempt.resume ? resume(env, job) : start(env, job));
  };
}

/** A fresh attempt: SSH when the node has an address (unless method ironic), else Ironic. */
async function start(env: ApplyEnv, job: NodeJob): Promise<void> {
  const { node } = job;
  if (node.method === 'ironic' || node.ssh === undefined) {
    await rebuildWithIronic(env, job);
    return;
  }
  let inEffect: boolean;
  try {
    inEffect = await checkOverSsh(env, job);
  } catch (error) {
    if (!(error instanceof SshUnusable)) throw error;
    if (node.method === 'auto' && node.ironic !== undefined) {
      job.attempt.note('fallback', `${error.message}; nothing was changed, falling back to Ironic`, 'ironic');
      await rebuildWithIronic(env, job);
      return;
    }
    throw new NodeFailure(`${error.message}; nothing was changed on the node`);
  }
  if (inEffect) {
    job.attempt.note('confirmed', `the node already reports config sha256 ${job.config.sha256}`, 'ssh');
    return;
  }
  await applyOverSsh(env, job);
}

/**
 * An attempt of an earlier run. SSH `waiting`: only poll. SSH `applying`:
 * run `reprovision apply` again with the same config (the node's own stamp
 * makes it resume, never a second reprovision). Ironic: see resumeIronic.
 * Nothing chosen yet (method null): nothing destructive happened, start over.
 */
async function resume(env: ApplyEnv, job: NodeJob): Promise<void> {
  const previous = job.attempt.previous;
  if (previous === undefined || previous.method === null) {
    await start(env, job);
    return;
  }
  if (previous.method === 'ironic') {
    await resumeIronic(env, job);
    return;
  }
  if (previous.phase === 'waiting') {
    await waitForReport(env, job, previous.desiredSha256);
    return;
  }
  if (previous.desiredSha256 !== job.config.sha256) {
    throw new NodeFailure(
      `an earlier run was applying config sha256 ${previous.desiredSha256} and the fleet file now asks for ${job.config.sha256}; finish or roll back the node's reprovision by hand ("reprovision status", then apply that config again or "reprovision rollback"), then run apply again`,
    );
  }
  await applyOverSsh(env, job);
}
