/**
 * The fleet's state file: per node, the config it is being brought to and how
 * far that got. `apply` writes it (atomically, 0600) at every phase change, so
 * a killed and restarted run skips nodes that are done and follows, rather
 * than starts again, a reprovision that is in flight.
 */
import type { Fs } from '../common/fs/fs.js';
import { readFileIfExists } from '../common/fs/fs.js';

/** Where a node is: `applying` until the node has been told, `waiting` for its report, then `done` or `failed`. */
export type NodePhase = 'pending' | 'applying' | 'waiting' | 'done' | 'failed';

/** The two ways a node is reprovisioned. */
export type UsedMethod = 'ssh' | 'ironic';

/** What the state file records about one node. */
export interface NodeState {
  readonly desiredSha256: string;
  readonly phase: NodePhase;
  readonly method: UsedMethod | null;
  readonly attempts: number;
  /** ISO 8601 times of the last attempt. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly lastError: string | null;
  /** Ironic's `provision_updated_at` just before this attempt asked for a rebuild (null when Ironic had none). */
  readonly ironicBefore?: string | null;
  /** True when this attempt undeploys and deploys instead of rebuilding (Ironic's rebuild fails on its release). */
  readonly ironicRedeploy?: boolean;
  /**
   * Ironic's view: the config Ironic last completed a rebuild with (the sha256
   * of the text this tool sent as `configdrive.user_data`) and when. Kept across
   * attempts; Ironic's API masks the configdrive, so it cannot be read back.
   */
  readonly ironicView?: IronicView;
}

/** The sha256 of the config Ironic completed a rebuild with, and when (ISO 8601). */
export interface IronicView {
  readonly sha256: string;
  readonly at: string;
}

/** The whole state file. */
export interface FleetState {
  readonly version: 1;
  readonly nodes: Readonly<Record<string, NodeState>>;
}

/** What a run does with a node, given its recorded state. */
export type ResumeAction = 'skip' | 'resume' | 'start';

/** The state file cannot be read as one. */
export class FleetStateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FleetStateError';
  }
}

const PHASES: readonly NodePhase[] = ['pending', 'applying', 'waiting', 'done', 'failed'];
const IN_FLIGHT: readonly NodePhase[] = ['applying', 'waiting'];

/** A state file with no node in it. */
export function emptyState(): FleetState {
  return { version: 1, nodes: {} };
}

/**
 * What to do with a node now: `skip` when it is done with this config;
 * `resume` (wait for it, never start a second reprovision) when an attempt is
 * in flight, whatever config that attempt carries; else `start`.
 */
export function resumeAction(state: NodeState | undefined, desiredSha256: string): ResumeAction {
  if (state === undefined) return 'start';
  if (IN_FLIGHT.includes(state.phase)) return 'resume';
  return state.phase === 'done' && state.desiredSha256 === desiredSha256 ? 'skip' : 'start';
}

/** True while an attempt on the node may be changing it. */
export function inFlight(state: NodeState | undefined): boolean {
  return state !== undefined && IN_FLIGHT.includes(state.phase);
}

/**
 * Parse a state file's text.
 * @throws FleetStateError when it is not one (a damaged file is never guessed at: nodes could be redone)
 */
export function parseState(text: string, origin: string): FleetState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FleetStateError(`${origin} is not JSON`, { cause: error });
  }
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  if ((document as { version?: unknown } | null)?.version !== 1 || !isRecord(nodes)) {
    throw new FleetStateError(`${origin} is not a fleet state file (version 1)`);
  }
  for (const [name, node] of Object.entries(nodes)) {
    if (!isNodeState(node))
      throw new FleetStateError(`${origin}: the entry of node ${JSON.stringify(name)} is damaged`);
  }
  return { version: 1, nodes: nodes as Record<string, NodeState> };
}

/** Read the state file; a missing one is an empty state. @throws FleetStateError */
export async function readState(fs: Pick<Fs, 'readFile'>, path: string): Promise<FleetState> {
  const text = await readFileIfExists(fs, path);
  return text === null ? emptyState() : parseState(text, path);
}

/** Replace the state file atomically, readable by its owner only (it names hosts, keys and errors). */
export async function writeState(fs: Pick<Fs, 'writeFileAtomic'>, path: string, state: FleetState): Promise<void> {
  await fs.writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/**
 * The state of a run: changes are applied in memory at once and written one
 * after the other (several workers finish at the same time), each write the
 * whole document.
 */
export class FleetStateStore {
  private current: FleetState;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly fs: Pick<Fs, 'writeFileAtomic'>,
    private readonly path: string,
    initial: FleetState,
  ) {
    this.current = initial;
  }

  /** The state as it is now. */
  snapshot(): FleetState {
    return this.current;
  }

  /** A node's recorded state. */
  get(name: string): NodeState | undefined {
    return this.current.nodes[name];
  }

  /** Replace a node's state and write the file; resolves once this change is on disk. */
  async set(name: string, state: NodeState): Promise<void> {
    this.current = { version: 1, nodes: { ...this.current.nodes, [name]: state } };
    const snapshot = this.current;
    this.writes = this.writes.catch(() => undefined).then(() => writeState(this.fs, this.path, snapshot));
    await this.writes;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNodeState(value: unknown): value is NodeState {
  if (!isRecord(value)) return false;
  const nullableString = (v: unknown): boolean => v === null || typeof v === 'string';
  return (
    typeof value['desiredSha256'] === 'string' &&
    PHASES.includes(value['phase'] as NodePhase) &&
    (value['method'] === null || value['method'] === 'ssh' || value['method'] === 'ironic') &&
    typeof value['attempts'] === 'number' &&
    nullableString(value['startedAt']) &&
    nullableString(value['finishedAt']) &&
    nullableString(value['lastError']) &&
    (value['ironicBefore'] === undefined || nullableString(value['ironicBefore'])) &&
    (value['ironicRedeploy'] === undefined || typeof value['ironicRedeploy'] === 'boolean') &&
    (value['ironicView'] === undefined || isIronicView(value['ironicView']))
  );
}

function isIronicView(value: unknown): value is IronicView {
  return isRecord(value) && typeof value['sha256'] === 'string' && typeof value['at'] === 'string';
}
