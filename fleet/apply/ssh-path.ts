/**
 * Reprovisioning a node in place over SSH: `reprovision plan -` (read-only
 * checks on the node) with the config on stdin, `reprovision apply --now -`,
 * then the node's own report (`reprovision status --json`) polled until it
 * says the desired sha256 is in effect. Connection failures while the node
 * reboots are expected and tolerated until the node's deadline.
 */
import { parseStatus, remoteReprovision, sshArgv, statusArgv } from '../ssh.js';
import type { SshTarget } from '../fleet-file.js';
import {
  commandMessage,
  isSshFailure,
  NodeFailure,
  pollPause,
  secondsLeft,
  type ApplyEnv,
  type NodeJob,
} from './job.js';

/** The time limit of one status read (ssh's connect timeout is 10 s of it). */
export const STATUS_TIMEOUT_MS = 60_000;

/** SSH cannot be used for this node and nothing destructive happened: `unreachable` when ssh could not connect. */
export class SshUnusable extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
    this.name = 'SshUnusable';
  }
}

/** The remote argv words of plan and apply (pure): the config comes on stdin (`-`). */
export function reprovisionWords(step: 'plan' | 'apply'): string[] {
  return step === 'plan' ? ['plan', '-'] : ['apply', '--now', '-'];
}

function target(job: NodeJob): SshTarget {
  if (job.node.ssh === undefined) throw new NodeFailure(`${job.node.name} has no ssh address`);
  return job.node.ssh;
}

/**
 * The read-only part: true when the node already reports the desired config
 * (nothing to do), false when `plan` accepted it.
 * @throws SshUnusable when the node cannot be reached or refuses the config (nothing was changed)
 */
export async function checkOverSsh(env: ApplyEnv, job: NodeJob): Promise<boolean> {
  const ssh = target(job);
  try {
    const { stdout } = await env.runner.run(statusArgv(ssh, env.remote), { timeoutMs: STATUS_TIMEOUT_MS });
    if (parseStatus(stdout).reported === job.config.sha256) return true;
  } catch (error) {
    if (isSshFailure(error)) throw new SshUnusable(unreachableMessage(ssh, error), true);
    // Anything else (an old agent without status, a damaged answer): plan says what the node thinks.
  }
  try {
    await env.runner.run(sshArgv(ssh, remoteReprovision(env.remote, reprovisionWords('plan'))), {
      input: job.config.text,
      timeoutMs: Math.min(600, secondsLeft(env, job.deadline)) * 1000,
    });
    return false;
  } catch (error) {
    if (isSshFailure(error)) throw new SshUnusable(unreachableMessage(ssh, error), true);
    throw new SshUnusable(`reprovision plan on the node refused: ${commandMessage(error)}`, false);
  }
}

function unreachableMessage(ssh: SshTarget, error: unknown): string {
  return `cannot reach ${ssh.user}@${ssh.address}:${ssh.port} over SSH (${commandMessage(error)})`;
}

/**
 * `reprovision apply --now -`, then wait for the node's report. The phase is
 * `applying` before and `waiting` once apply returned; a connection the
 * reboot cut (ssh exit 255) counts as returned.
 * @throws NodeFailure with the node's own message, or when it never reports the config
 */
export async function applyOverSsh(env: ApplyEnv, job: NodeJob): Promise<void> {
  const ssh = target(job);
  await job.attempt.setPhase('applying', 'ssh');
  try {
    await env.runner.run(sshArgv(ssh, remoteReprovision(env.remote, reprovisionWords('apply'))), {
      input: job.config.text,
      timeoutMs: secondsLeft(env, job.deadline) * 1000,
    });
  } catch (error) {
    if (!isSshFailure(error)) {
      throw new NodeFailure(
        `reprovision apply on the node failed: ${commandMessage(error)}; run "reprovision status" on the node, and apply again (same config) or "reprovision rollback"`,
      );
    }
  }
  await job.attempt.setPhase('waiting', 'ssh');
  await waitForReport(env, job, job.config.sha256);
}

/**
 * Poll the node's report until it says `sha256` is in effect.
 * @throws NodeFailure at the deadline ("never came back"), with the last thing seen
 */
export async function waitForReport(env: ApplyEnv, job: NodeJob, sha256: string): Promise<void> {
  const ssh = target(job);
  let last = 'no answer yet';
  for (;;) {
    try {
      const { stdout } = await env.runner.run(statusArgv(ssh, env.remote), { timeoutMs: STATUS_TIMEOUT_MS });
      const report = parseStatus(stdout);
      if (report.reported === sha256) return;
      last =
        report.reported === null
          ? `it reports no config in effect (reprovision phase ${report.phase ?? 'none'})`
          : `it reports config sha256 ${report.reported}`;
    } catch (error) {
      last = isSshFailure(error) ? 'SSH did not connect' : `status failed: ${commandMessage(error)}`;
    }
    if (!(await pollPause(env, job.deadline))) break;
  }
  throw new NodeFailure(
    `never came back with config sha256 ${sha256} in time (last: ${last}); check the node's console and network, then "reprovision status" on it`,
  );
}
