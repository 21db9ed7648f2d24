/**
 * Shared pieces of the fleet apply unit tests: a recording NodeAttempt, an
 * ApplyEnv over fakes, the argv of the remote commands and a node's status
 * document as `reprovision status --json` prints it.
 */
import { createHash } from 'node:crypto';
import type { ApplyEnv, NodeJob } from '../../fleet/apply/job.js';
import type { FleetNode } from '../../fleet/fleet-file.js';
import type { NodeAttempt } from '../../fleet/schedule.js';
import type { NodeState } from '../../fleet/state.js';
import { FakeClock } from './fake-clock.js';
import type { FakeIronicApi } from './fake-ironic-api.js';
import { FakeRunner } from './fake-runner.js';

/** A valid desired config and its sha256. */
export const CONFIG_TEXT = '{"ignition": {"version": "3.4.0"}}\n';
export const CONFIG_SHA = createHash('sha256').update(CONFIG_TEXT).digest('hex');
export const OLD_SHA = 'e'.repeat(64);

/** A NodeAttempt that records what the node's reprovision told the scheduler. */
export interface RecordingAttempt extends NodeAttempt {
  readonly log: string[];
  readonly records: Partial<NodeState>[];
}

/** A recording attempt; `previous` makes it a resume. */
export function recordingAttempt(previous?: NodeState): RecordingAttempt {
  const log: string[] = [];
  const records: Partial<NodeState>[] = [];
  return {
    resume: previous !== undefined,
    previous,
    log,
    records,
    setPhase: async (phase, method) => void log.push(`${phase} ${method}`),
    record: async (fields) => void records.push(fields),
    note: (phase, message) => void log.push(`${phase}: ${message}`),
  };
}

/** An earlier run's state of a node. */
export function previousState(fields: Partial<NodeState>): NodeState {
  return {
    desiredSha256: CONFIG_SHA,
    phase: 'applying',
    method: null,
    attempts: 1,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    lastError: null,
    ...fields,
  };
}

/** A worker reachable over SSH (and by Ironic when `ironic` is given). */
export function sshNode(name: string, fields: Partial<FleetNode> = {}): FleetNode {
  return {
    name,
    role: 'worker',
    config: `/c/${name}.ign`,
    method: 'auto',
    ssh: { address: `${name}.example`, user: 'core', port: 22 },
    ...fields,
  };
}

/** The env of a run over a FakeRunner, an auto-advancing FakeClock and `ironic`. */
export function fakeEnv(
  ironic?: FakeIronicApi,
  runner = new FakeRunner(),
): ApplyEnv & { runner: FakeRunner; clock: FakeClock } {
  return {
    runner,
    clock: new FakeClock({ auto: true }),
    remote: { command: ['sudo', 'ironic-coreos-agent'] },
    ironic,
    pollIntervalMs: 10_000,
    confirmTimeoutMs: 30_000,
  };
}

/** A job for `node` with 10 minutes left. */
export function job(env: ApplyEnv, node: FleetNode, attempt: RecordingAttempt): NodeJob {
  return { node, config: { text: CONFIG_TEXT, sha256: CONFIG_SHA }, deadline: env.clock.now() + 600_000, attempt };
}

/** The ssh argv of `reprovision <words>` on `name.example` as core, port 22. */
export function remoteArgv(name: string, words: string[]): string[] {
  return [
    'ssh',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'ConnectTimeout=10',
    '-p',
    '22',
    `core@${name}.example`,
    'sudo',
    'ironic-coreos-agent',
    'reprovision',
    ...words,
  ];
}

/** `reprovision status --json` of a node whose marker says `reported` in effect (null: none). */
export function statusOf(reported: string | null, phase = 'complete'): string {
  return JSON.stringify({
    booted: true,
    reprovision: { sha256: reported ?? OLD_SHA, phase },
    success: reported === null ? null : { sha256: reported },
    in_effect: reported !== null,
  });
}
