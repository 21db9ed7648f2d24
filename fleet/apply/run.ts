/**
 * One `fleet apply` run: validate everything before any node is touched,
 * plan from the state file, run the schedule with the SSH and Ironic paths
 * and the health gate, and say how it ended.
 */
import type { Clock } from '../../common/clock.js';
import type { Runner } from '../../common/exec/runner.js';
import type { Fs } from '../../common/fs/fs.js';
import type { ReadSource } from '../desired.js';
import type { Fleet } from '../fleet-file.js';
import type { ProgressEvent } from '../progress.js';
import { planFleet, runSchedule, type ScheduleResult } from '../schedule.js';
import { FleetStateStore, readState } from '../state.js';
import { healthCheck } from './health.js';
import type { IronicApi, IronicConnection } from './ironic-client.js';
import type { ApplySettings } from './options.js';
import { createReprovision } from './reprovision-node.js';
import { validateFleet } from './validate.js';

/** The seams of a run. */
export interface ApplyDeps {
  readonly fs: Fs;
  readonly runner: Runner;
  readonly clock: Clock;
  readonly readSource: ReadSource;
  /** The Ironic client for a connection (tests pass a fake). */
  readonly ironicApi: (connection: IronicConnection) => IronicApi;
}

/** The `--json` summary on stdout (snake_case: the wire). */
export interface ApplySummary {
  readonly done: readonly string[];
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  readonly not_started: readonly string[];
  /** True when a control-plane failure or the health gate stopped the control-plane work. */
  readonly stopped: boolean;
  readonly dry_run: boolean;
}

/**
 * Run apply on `fleet`.
 * @throws FleetInputError (exit 2) before any node is touched; FleetStateError for a damaged state file
 */
export async function runApply(
  deps: ApplyDeps,
  fleet: Fleet,
  statePath: string,
  settings: ApplySettings,
  emit: (event: ProgressEvent) => void,
): Promise<ApplySummary> {
  const configs = await validateFleet(fleet, settings, deps.readSource);
  const state = await readState(deps.fs, statePath);
  const desired = fleet.nodes.map((node) => ({ node, desiredSha256: configs.get(node.name)!.sha256 }));
  const plan = planFleet(desired, state, settings.includeControlPlane);
  const env = {
    runner: deps.runner,
    clock: deps.clock,
    remote: fleet.remote,
    ironic: settings.ironic === undefined ? undefined : deps.ironicApi(settings.ironic),
    pollIntervalMs: settings.pollIntervalMs,
    confirmTimeoutMs: settings.confirmTimeoutMs,
  };
  const result = await runSchedule(
    plan,
    {
      store: new FleetStateStore(deps.fs, statePath, state),
      reprovisionNode: createReprovision(env, configs, settings.timeoutSeconds),
      healthCheck: healthCheck(deps.runner, fleet.health),
      emit,
      now: () => deps.clock.now(),
    },
    { concurrency: settings.concurrency, includeControlPlane: settings.includeControlPlane, dryRun: settings.dryRun },
  );
  return summary(result, settings.dryRun);
}

function summary(result: ScheduleResult, dryRun: boolean): ApplySummary {
  return {
    done: result.done,
    failed: result.failed,
    skipped: result.skipped,
    not_started: result.notStarted,
    stopped: result.stopped,
    dry_run: dryRun,
  };
}

/** The exit code of a run: 0 when every node that was to be done is done, else 1. */
export function exitCodeOf(summary: ApplySummary): number {
  return summary.failed.length > 0 || summary.stopped || summary.not_started.length > 0 ? 1 : 0;
}

/** The text summary (pure): one line per outcome that has nodes. */
export function describeSummary(summary: ApplySummary): string[] {
  if (summary.dry_run) return [`dry run: nothing was touched; skipped: ${list(summary.skipped)}`];
  const lines = [`done: ${list(summary.done)}`, `failed: ${list(summary.failed)}`, `skipped: ${list(summary.skipped)}`];
  if (summary.stopped) lines.push(`control-plane work stopped; not started: ${list(summary.not_started)}`);
  return lines;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '-' : names.join(', ');
}
