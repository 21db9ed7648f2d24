/**
 * `fleet status`: for each node the desired config's sha256, the sha256 the
 * node itself reports (its success marker, read over SSH), the method apply
 * would use, and what the state file recorded. Where the node gives no marker
 * (no SSH address, no marker in effect, or unreachable after apply last used
 * Ironic), Ironic's view stands in, named as such (`reported_by: ironic`): the
 * sha256 of the config Ironic last completed a rebuild with, as apply recorded
 * it (Ironic's API masks the configdrive, so Ironic itself cannot be asked).
 * Otherwise nothing is guessed (`reported_by: none`, or `ssh` with null).
 */
import type { Runner } from '../common/exec/runner.js';
import { loadDesired, type ReadSource } from './desired.js';
import type { Fleet, FleetNode } from './fleet-file.js';
import { runPool } from './pool.js';
import { parseStatus, statusArgv, DEFAULT_CONNECT_TIMEOUT_SECONDS } from './ssh.js';
import type { FleetState, NodePhase } from './state.js';

/** Nodes asked for their status at once. */
export const STATUS_CONCURRENCY = 16;

/** The status of one node (snake_case: this is the `--json` wire). */
export interface NodeStatus {
  readonly name: string;
  readonly role: string;
  /** The method apply would use first: SSH when an address is known (unless `method: ironic`), else Ironic. */
  readonly method: 'ssh' | 'ironic';
  readonly desired_sha256: string | null;
  readonly reported_sha256: string | null;
  /**
   * Where `reported_sha256` came from: `ssh` the node's own marker, `ironic`
   * the config Ironic completed a rebuild with (Ironic's view, not the node's
   * report), `none` when the node could not be asked and Ironic never rebuilt it.
   */
  readonly reported_by: 'ssh' | 'ironic' | 'none';
  /** The phase of the node's own reprovision stamp. */
  readonly node_phase: string | null;
  /** True when the node reports its desired config. */
  readonly in_sync: boolean;
  /** What the state file of apply recorded. */
  readonly phase: NodePhase | null;
  readonly last_error: string | null;
  /** Why the desired or the reported sha256 is unknown now. */
  readonly errors: readonly string[];
}

/** The `--json` document. */
export interface FleetStatusDocument {
  readonly nodes: readonly NodeStatus[];
}

/** The seams of a status read. */
export interface StatusDeps {
  readonly runner: Runner;
  readonly readSource: ReadSource;
}

/** The method apply would use first for `node`. */
export function firstMethod(node: FleetNode): 'ssh' | 'ironic' {
  return node.method !== 'ironic' && node.ssh !== undefined ? 'ssh' : 'ironic';
}

/** Read the status of every node (in fleet-file order). Never rejects for one node's problem. */
export async function readFleetStatus(deps: StatusDeps, fleet: Fleet, state: FleetState): Promise<FleetStatusDocument> {
  const statuses = new Map<string, NodeStatus>();
  await runPool(fleet.nodes, STATUS_CONCURRENCY, async (node) => {
    statuses.set(node.name, await nodeStatus(deps, fleet, node, state));
  });
  return { nodes: fleet.nodes.map((node) => statuses.get(node.name)!) };
}

async function nodeStatus(deps: StatusDeps, fleet: Fleet, node: FleetNode, state: FleetState): Promise<NodeStatus> {
  const errors: string[] = [];
  const desired = await loadDesired(node.config, deps.readSource).catch((error: unknown) => {
    errors.push(messageOf(error));
    return null;
  });
  let answered = true;
  const asked = await reportOf(deps, fleet, node).catch((error: unknown) => {
    errors.push(`status over SSH: ${messageOf(error)}`);
    answered = false;
    return { reported: null, phase: null, by: 'ssh' as const };
  });
  const recorded = state.nodes[node.name];
  const view = recorded?.ironicView;
  const useIronic =
    asked.reported === null &&
    view !== undefined &&
    (asked.by === 'none' || answered || (recorded?.method === 'ironic' && recorded.phase === 'done'));
  const report = useIronic ? { reported: view.sha256, phase: asked.phase, by: 'ironic' as const } : asked;
  return {
    name: node.name,
    role: node.role,
    method: firstMethod(node),
    desired_sha256: desired,
    reported_sha256: report.reported,
    reported_by: report.by,
    node_phase: report.phase,
    in_sync: desired !== null && report.reported === desired,
    phase: recorded?.phase ?? null,
    last_error: recorded?.lastError ?? null,
    errors,
  };
}

async function reportOf(
  deps: StatusDeps,
  fleet: Fleet,
  node: FleetNode,
): Promise<{ reported: string | null; phase: string | null; by: 'ssh' | 'ironic' | 'none' }> {
  if (node.ssh === undefined) return { reported: null, phase: null, by: 'none' };
  const { stdout } = await deps.runner.run(statusArgv(node.ssh, fleet.remote), {
    timeoutMs: (DEFAULT_CONNECT_TIMEOUT_SECONDS + 50) * 1000,
  });
  return { ...parseStatus(stdout), by: 'ssh' };
}

/** The status as text lines (pure): one per node, then its errors indented. */
export function describeFleetStatus(document: FleetStatusDocument): string[] {
  const short = (sha: string | null): string => (sha === null ? '-' : sha.slice(0, 12));
  const lines: string[] = [];
  for (const n of document.nodes) {
    const sync = n.in_sync ? 'in sync' : n.reported_by === 'none' ? 'no report (no SSH address)' : 'NOT in sync';
    const by = n.reported_by === 'ironic' ? " (Ironic's view)" : '';
    lines.push(
      `${n.name} (${n.role}, ${n.method}): desired ${short(n.desired_sha256)}, reported ${short(n.reported_sha256)}${by}: ${sync}` +
        `${n.phase === null ? '' : `; apply: ${n.phase}`}${n.last_error === null ? '' : ` (${n.last_error})`}`,
    );
    for (const error of n.errors) lines.push(`  ${error}`);
  }
  return lines;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
