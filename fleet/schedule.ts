/**
 * The order in which `fleet apply` touches nodes. Workers go first, at most
 * `concurrency` at once, and one worker's failure never stops the others.
 * Control-plane nodes are skipped unless asked for; then they come after the
 * workers, strictly one at a time, with the health command before the first
 * and after each: the workers are the canaries (a fleet-wide mistake in a
 * config or a method shows on them while every control-plane node is still
 * untouched), and a control-plane node is only taken down while the cluster
 * is healthy. Any control-plane failure or failed health check stops all
 * further control-plane work. (Lokomotive kept controllers out of
 * reprovisioning for etcd's sake, kinvolk/lokomotive#1502 and #446.)
 */
import type { FleetNode } from './fleet-file.js';
import { runPool } from './pool.js';
import type { ProgressEvent } from './progress.js';
import { resumeAction, type FleetState, type FleetStateStore, type NodeState, type UsedMethod } from './state.js';

/** What a run does with a node. */
export type PlanAction = 'start' | 'resume' | 'skip-done' | 'skip-control-plane';

/** One node of the plan. */
export interface PlanEntry {
  readonly node: FleetNode;
  readonly desiredSha256: string;
  readonly action: PlanAction;
}

/** A node with the sha256 of its desired config. */
export interface DesiredNode {
  readonly node: FleetNode;
  readonly desiredSha256: string;
}

/** What the run is told to do. */
export interface ScheduleOptions {
  readonly concurrency: number;
  readonly includeControlPlane: boolean;
  readonly dryRun: boolean;
}

/** What the scheduler hands the reprovisioner with a node. */
export interface NodeAttempt {
  /** True when an attempt of an earlier run is in flight: follow it, never start another. */
  readonly resume: boolean;
  readonly previous: NodeState | undefined;
  /** Record the phase reached (`waiting` once the node has been told). */
  setPhase(phase: 'applying' | 'waiting', method: UsedMethod): Promise<void>;
  /** Record what the Ironic path needs to resume and report (written at once). */
  record(fields: Pick<NodeState, 'ironicBefore' | 'ironicRedeploy' | 'ironicView'>): Promise<void>;
  /** Say something about the node (a fallback, a confirmation) on the progress stream. */
  note(phase: 'fallback' | 'confirmed' | 'unconfirmed', message: string, method?: UsedMethod): void;
}

/** The seams of a run. */
export interface ScheduleDeps {
  readonly store: FleetStateStore;
  /**
   * Bring the node to its desired config; resolves once the node itself
   * reports the desired sha256, rejects on failure or on the node's timeout.
   */
  reprovisionNode(entry: PlanEntry, attempt: NodeAttempt): Promise<void>;
  /** The health gate; rejects when the cluster is not healthy. */
  healthCheck(): Promise<void>;
  emit(event: ProgressEvent): void;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** How a run ended, by node name. */
export interface ScheduleResult {
  readonly done: string[];
  readonly failed: string[];
  readonly skipped: string[];
  readonly notStarted: string[];
  /** True when a control-plane failure or the health gate stopped the control-plane work. */
  readonly stopped: boolean;
}

/** Plan a run (pure): workers first in file order, then control-plane nodes in file order. */
export function planFleet(nodes: readonly DesiredNode[], state: FleetState, includeControlPlane: boolean): PlanEntry[] {
  const entry = ({ node, desiredSha256 }: DesiredNode): PlanEntry => {
    const action = resumeAction(state.nodes[node.name], desiredSha256);
    if (action === 'skip') return { node, desiredSha256, action: 'skip-done' };
    if (node.role === 'control-plane' && !includeControlPlane)
      return { node, desiredSha256, action: 'skip-control-plane' };
    return { node, desiredSha256, action };
  };
  const workers = nodes.filter((n) => n.node.role === 'worker').map(entry);
  const controlPlane = nodes.filter((n) => n.node.role === 'control-plane').map(entry);
  return [...workers, ...controlPlane];
}

/** Why a node is skipped, for progress and the dry run. */
export function skipReason(action: PlanAction): string | undefined {
  if (action === 'skip-done') return 'already reports its desired config';
  if (action === 'skip-control-plane') return 'control plane (--include-control-plane to include it)';
  return undefined;
}

/** Run `plan`: see the module comment for the order and what stops what. */
export async function runSchedule(
  plan: readonly PlanEntry[],
  deps: ScheduleDeps,
  options: ScheduleOptions,
): Promise<ScheduleResult> {
  const result: ScheduleResult = { done: [], failed: [], skipped: [], notStarted: [], stopped: false };
  for (const entry of plan) {
    const reason = skipReason(entry.action);
    if (reason !== undefined) {
      result.skipped.push(entry.node.name);
      deps.emit({ node: entry.node.name, phase: 'skipped', message: reason });
    } else if (options.dryRun) {
      deps.emit({ node: entry.node.name, phase: 'planned', message: plannedMessage(entry) });
    }
  }
  if (options.dryRun) return result;
  const active = plan.filter((e) => skipReason(e.action) === undefined);
  const workers = active.filter((e) => e.node.role === 'worker');
  await runPool(workers, Math.max(1, options.concurrency), async (entry) => {
    const ok = await runNode(entry, deps);
    (ok ? result.done : result.failed).push(entry.node.name);
  });
  const stopped = await runControlPlane(
    active.filter((e) => e.node.role === 'control-plane'),
    deps,
    result,
  );
  return { ...result, stopped };
}

function plannedMessage(entry: PlanEntry): string {
  const what = entry.action === 'resume' ? 'follow the reprovision in flight' : 'reprovision';
  return `${what} to config sha256 ${entry.desiredSha256} (${entry.node.role}, method ${entry.node.method})`;
}

/** One at a time, each behind the health gate; returns true when something stopped the rest. */
async function runControlPlane(
  entries: readonly PlanEntry[],
  deps: ScheduleDeps,
  result: ScheduleResult,
): Promise<boolean> {
  if (entries.length === 0) return false;
  let stopped = !(await healthy(deps));
  for (const entry of entries) {
    if (stopped) {
      result.notStarted.push(entry.node.name);
      deps.emit({ node: entry.node.name, phase: 'not-started', message: 'control-plane work was stopped' });
      continue;
    }
    const ok = await runNode(entry, deps);
    (ok ? result.done : result.failed).push(entry.node.name);
    stopped = !ok || !(await healthy(deps));
  }
  return stopped;
}

async function healthy(deps: ScheduleDeps): Promise<boolean> {
  deps.emit({ node: null, phase: 'health' });
  try {
    await deps.healthCheck();
    deps.emit({ node: null, phase: 'healthy' });
    return true;
  } catch (error) {
    deps.emit({ node: null, phase: 'unhealthy', message: messageOf(error) });
    return false;
  }
}

/** Reprovision (or follow) one node, recording every phase; never throws. Resolves to success. */
async function runNode(entry: PlanEntry, deps: ScheduleDeps): Promise<boolean> {
  const name = entry.node.name;
  const previous = deps.store.get(name);
  const resume = entry.action === 'resume';
  let state: NodeState = resume
    ? previous!
    : {
        desiredSha256: entry.desiredSha256,
        phase: 'applying',
        method: null,
        attempts: (previous?.attempts ?? 0) + 1,
        startedAt: new Date(deps.now()).toISOString(),
        finishedAt: null,
        lastError: null,
        ...(previous?.ironicView === undefined ? {} : { ironicView: previous.ironicView }),
      };
  const record = async (next: Partial<NodeState>): Promise<void> => {
    state = { ...state, ...next };
    await deps.store.set(name, state);
  };
  try {
    if (!resume) await record({});
    deps.emit({ node: name, phase: resume ? 'resuming' : 'applying' });
    await deps.reprovisionNode(entry, {
      resume,
      previous,
      setPhase: async (phase, method) => {
        await record({ phase, method });
        deps.emit({ node: name, phase, method });
      },
      record: (fields) => record(fields),
      note: (phase, message, method) =>
        deps.emit({ node: name, phase, message, ...(method === undefined ? {} : { method }) }),
    });
    await record({ phase: 'done', finishedAt: new Date(deps.now()).toISOString() });
    deps.emit({ node: name, phase: 'done', ...(state.method === null ? {} : { method: state.method }) });
    return true;
  } catch (error) {
    const message = messageOf(error);
    await record({ phase: 'failed', finishedAt: new Date(deps.now()).toISOString(), lastError: message }).catch(
      () => undefined,
    );
    deps.emit({ node: name, phase: 'failed', message });
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
