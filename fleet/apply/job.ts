/**
 * What every step of one node's reprovision is given: the seams of the run
 * and the node's job (its config, the sha256 to reach, its deadline).
 */
import type { Clock } from '../../common/clock.js';
import type { Runner } from '../../common/exec/runner.js';
import { ProcessError } from '../../common/exec/process-error.js';
import type { DesiredConfig } from '../desired.js';
import type { FleetNode, RemoteCommand } from '../fleet-file.js';
import type { NodeAttempt } from '../schedule.js';
import type { IronicApi } from './ironic-client.js';

/** The seams and settings shared by all nodes of a run. */
export interface ApplyEnv {
  readonly runner: Runner;
  readonly clock: Clock;
  readonly remote: RemoteCommand;
  /** Undefined when no endpoint is known (validation refused every node that needs it). */
  readonly ironic: IronicApi | undefined;
  readonly pollIntervalMs: number;
  readonly confirmTimeoutMs: number;
}

/** One node's reprovision. */
export interface NodeJob {
  readonly node: FleetNode;
  /** The node's desired config now (text and sha256). */
  readonly config: DesiredConfig;
  /** Milliseconds since the epoch after which the node is failed. */
  readonly deadline: number;
  readonly attempt: NodeAttempt;
}

/** A node failed; the message says what happened and what to check. */
export class NodeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeFailure';
  }
}

/** True when ssh itself failed (exit 255: no connection, authentication, host key), not the remote command. */
export function isSshFailure(error: unknown): boolean {
  return error instanceof ProcessError && error.exitCode === 255;
}

/** What a failed command said: the end of its stderr (else its message), on one line. */
export function commandMessage(error: unknown): string {
  if (error instanceof ProcessError) {
    const lines = error.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('Run "'));
    if (lines.length > 0) return lines.slice(-4).join(' / ').slice(-600);
    return error.exitCode === null ? 'did not finish (timed out or killed)' : `exited with code ${error.exitCode}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Wait one poll interval, never past the deadline; false once the deadline has passed. */
export async function pollPause(env: ApplyEnv, deadline: number): Promise<boolean> {
  const left = deadline - env.clock.now();
  if (left <= 0) return false;
  await env.clock.sleep(Math.min(env.pollIntervalMs, left));
  return true;
}

/** Seconds from now to `deadline`, at least 1 (a command's time limit). */
export function secondsLeft(env: ApplyEnv, deadline: number): number {
  return Math.max(1, Math.ceil((deadline - env.clock.now()) / 1000));
}
