/**
 * Reprovisioning a node by Ironic: a `rebuild` (from `active` or `deploy
 * failed`) with the config as configdrive `user_data` and the
 * `install_coreos` deploy step, then waiting until the node went through the
 * rebuild and is `active` again. Ironic masks `instance_info.configdrive` in
 * its API ("******", openstack/ironic ironic/api/controllers/v1/node.py,
 * node_sanitize), so Ironic cannot tell which config a node was built with:
 * what is recorded as Ironic's view is the sha256 of the text this tool sent
 * in the rebuild Ironic completed. Where the node has an SSH address and
 * answers, its own report is read as well. Where Ironic's rebuild itself is
 * broken (see isRebuildLesseeBug), the node is undeployed and deployed with
 * the same configdrive and step instead, as Metal3 reprovisions a host.
 */
import { parseStatus, statusArgv } from '../ssh.js';
import { IronicRequestError, isRebuildLesseeBug, type IronicApi, type IronicNode } from './ironic-client.js';
import { isSshFailure, NodeFailure, pollPause, type ApplyEnv, type NodeJob } from './job.js';
import { STATUS_TIMEOUT_MS } from './ssh-path.js';

/** The provision states a rebuild starts from (ironic/common/states.py: the `rebuild` event). */
export const REBUILDABLE: readonly string[] = ['active', 'deploy failed'];

function api(env: ApplyEnv, job: NodeJob): { ironic: IronicApi; ident: string } {
  if (env.ironic === undefined || job.node.ironic === undefined) {
    throw new NodeFailure(`${job.node.name} needs Ironic, and no Ironic node or endpoint is known`);
  }
  return { ironic: env.ironic, ident: job.node.ironic.node };
}

/** Check a node can be rebuilt now (pure). @throws NodeFailure saying why not and what to do */
export function checkRebuildable(node: IronicNode, ident: string): void {
  if (node.maintenance) {
    throw new NodeFailure(`Ironic node ${ident} is in maintenance; take it out ("baremetal node maintenance unset")`);
  }
  if (!REBUILDABLE.includes(node.provision_state)) {
    throw new NodeFailure(
      `Ironic node ${ident} is "${node.provision_state}"; a rebuild needs "active" or "deploy failed" (deploy it first, or wait for the operation in progress)`,
    );
  }
}

/** GET the node, turning "no such node" into a clear failure. */
async function getNode(ironic: IronicApi, ident: string): Promise<IronicNode> {
  try {
    return await ironic.getNode(ident);
  } catch (error) {
    if (error instanceof IronicRequestError && error.status === 404) {
      throw new NodeFailure(`Ironic has no node ${ident}; check ironic.node in the fleet file ("baremetal node list")`);
    }
    throw error;
  }
}

/** Ask for the rebuild (recording where Ironic was before), then wait for it. @throws NodeFailure, IronicRequestError */
export async function rebuildWithIronic(env: ApplyEnv, job: NodeJob): Promise<void> {
  const { ironic, ident } = api(env, job);
  const before = await getNode(ironic, ident);
  checkRebuildable(before, ident);
  await requestRebuild(env, job, before);
}

async function requestRebuild(env: ApplyEnv, job: NodeJob, before: IronicNode): Promise<void> {
  const { ironic, ident } = api(env, job);
  await job.attempt.setPhase('applying', 'ironic');
  await job.attempt.record({ ironicBefore: before.provision_updated_at });
  let redeploy = false;
  try {
    await ironic.rebuild(ident, job.config.text);
  } catch (error) {
    if (!isRebuildLesseeBug(error)) throw error;
    job.attempt.note('fallback', `${(error as Error).message}; undeploying and deploying it instead`, 'ironic');
    redeploy = true;
    await job.attempt.record({ ironicRedeploy: true });
    await ironic.undeploy(ident);
  }
  await job.attempt.setPhase('waiting', 'ironic');
  await waitRebuilt(env, job, before.provision_updated_at, redeploy);
  await finish(env, job, job.config.sha256);
}

/**
 * Follow an attempt of an earlier run: `waiting` only waits (never a second
 * rebuild); `applying` asks for the rebuild only when Ironic shows it never
 * arrived (same provision_updated_at as recorded before the request).
 */
export async function resumeIronic(env: ApplyEnv, job: NodeJob): Promise<void> {
  const previous = job.attempt.previous;
  const sha256 = previous?.desiredSha256 ?? job.config.sha256;
  const { ironic, ident } = api(env, job);
  if (previous?.phase === 'applying') {
    const now = await getNode(ironic, ident);
    const arrived = previous.ironicBefore === undefined || now.provision_updated_at !== previous.ironicBefore;
    if (!arrived && REBUILDABLE.includes(now.provision_state)) {
      if (sha256 !== job.config.sha256) {
        throw new NodeFailure(
          `the rebuild an earlier run prepared (config sha256 ${sha256}) never reached Ironic, and the fleet file now asks for ${job.config.sha256}; run apply again to start with the new config`,
        );
      }
      checkRebuildable(now, ident);
      await requestRebuild(env, job, now);
      return;
    }
    await job.attempt.setPhase('waiting', 'ironic');
  }
  await waitRebuilt(env, job, previous?.ironicBefore, previous?.ironicRedeploy === true, sha256);
  await finish(env, job, sha256);
}

/**
 * Poll Ironic until the node went through the rebuild (provision_updated_at
 * changed from `before`, or a state other than active seen; `before`
 * undefined: already known to be under way) and is `active`. With
 * `redeploy`, a node that reached `available` after its undeploy is deployed
 * (`available` means no deploy was asked for since: a deploy leaves it at once).
 * @param sha256 - the config the attempt carries (a redeploy needs its text: the current config's)
 * @throws NodeFailure on `deploy failed` or `clean failed` (with Ironic's last_error) or at the deadline
 */
export async function waitRebuilt(
  env: ApplyEnv,
  job: NodeJob,
  before: string | null | undefined,
  redeploy = false,
  sha256 = job.config.sha256,
): Promise<void> {
  const { ironic, ident } = api(env, job);
  let moved = before === undefined;
  let last = 'no answer yet';
  for (;;) {
    try {
      const node = await getNode(ironic, ident);
      moved ||= node.provision_state !== 'active' || node.provision_updated_at !== before;
      if (moved && node.provision_state === 'active') return;
      if (moved && (node.provision_state === 'deploy failed' || node.provision_state === 'clean failed')) {
        throw new NodeFailure(
          `Ironic's ${redeploy ? 'redeploy' : 'rebuild'} failed ("${node.provision_state}"): ${node.last_error ?? 'no last_error'}; see "baremetal node show ${ident}" and the agent's logs`,
        );
      }
      if (redeploy && node.provision_state === 'available') await deployAgain(env, job, sha256);
      last = `"${node.provision_state}"`;
    } catch (error) {
      if (error instanceof NodeFailure) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    if (!(await pollPause(env, job.deadline))) break;
  }
  throw new NodeFailure(
    `never came back: Ironic's rebuild of ${ident} did not end in "active" in time (last: ${last}); check "baremetal node show ${ident}" and the node's console`,
  );
}

/** The deploy half of a redeploy; a locked node (409) is asked again at the next poll. */
async function deployAgain(env: ApplyEnv, job: NodeJob, sha256: string): Promise<void> {
  const { ironic, ident } = api(env, job);
  if (sha256 !== job.config.sha256) {
    throw new NodeFailure(
      `an earlier run undeployed ${ident} to deploy config sha256 ${sha256}, and the fleet file now asks for ${job.config.sha256}; run apply again to deploy the new config`,
    );
  }
  try {
    await ironic.deploy(ident, job.config.text);
  } catch (error) {
    if (!(error instanceof IronicRequestError && error.status === 409)) throw error;
  }
}

/** Record Ironic's view, then read the node's own report where it can be asked. */
async function finish(env: ApplyEnv, job: NodeJob, sha256: string): Promise<void> {
  await job.attempt.record({ ironicView: { sha256, at: new Date(env.clock.now()).toISOString() } });
  const ssh = job.node.ssh;
  if (ssh === undefined) return;
  const deadline = Math.min(job.deadline, env.clock.now() + env.confirmTimeoutMs);
  let last = 'no answer';
  for (;;) {
    try {
      const { stdout } = await env.runner.run(statusArgv(ssh, env.remote), { timeoutMs: STATUS_TIMEOUT_MS });
      const reported = parseStatus(stdout).reported;
      if (reported === sha256) {
        job.attempt.note('confirmed', `the node itself reports config sha256 ${sha256}`, 'ssh');
      } else {
        job.attempt.note(
          'unconfirmed',
          `the node answers over SSH but reports ${reported === null ? 'no reprovision marker' : `config sha256 ${reported}`} (an install by Ironic writes none); Ironic's view is recorded`,
          'ironic',
        );
      }
      return;
    } catch (error) {
      last = isSshFailure(error) ? 'SSH did not connect' : error instanceof Error ? error.message : String(error);
    }
    if (!(await pollPause(env, deadline))) break;
  }
  job.attempt.note('unconfirmed', `no report over SSH (${last}); Ironic's view is recorded`, 'ironic');
}
