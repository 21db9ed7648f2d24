/**
 * Watch many Ironic nodes' provision states at once with one list request per
 * poll (`GET /v1/nodes?fields=…`), so that watching 25 nodes costs Ironic as
 * little as watching one. Each change of (provision_state, target) is recorded
 * with Ironic's own `provision_updated_at` (when the conductor saved the state,
 * independent of the poll interval) and the time the poll saw it.
 */
import type { AxiosInstance } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';

/** One provision-state change of a node. */
export interface StateChange {
  /** provision_state after the change, e.g. `wait call-back`. */
  state: string;
  /** target_provision_state after the change (null when settled). */
  target: string | null;
  /** Epoch ms of Ironic's `provision_updated_at` for this state (the poll time when Ironic gave none). */
  at: number;
  /** Epoch ms when the poll saw the change (at most one poll interval plus a request after `at`). */
  seenAt: number;
}

/** The fields one poll reads of each node. */
export interface WatchedNode {
  uuid: string;
  provision_state: string;
  target_provision_state: string | null;
  provision_updated_at: string | null;
  power_state: string | null;
  last_error: string | null;
}

/** Callback for every change seen (e.g. to boot an agent when a node enters `wait call-back`). */
export type ChangeListener = (uuid: string, change: StateChange, node: WatchedNode) => void;

/** Options of {@link ProvisionWatcher}. */
export interface WatchOptions {
  /** Poll interval in ms. Default 250. */
  intervalMs?: number;
  /** Called for every change, in the order seen. */
  onChange?: ChangeListener;
}

const FIELDS = 'uuid,provision_state,target_provision_state,provision_updated_at,power_state,last_error';

/**
 * Polls the node list until stopped and keeps every node's state changes.
 * Call {@link start} once, {@link stop} always (it waits for the poll in flight).
 */
export class ProvisionWatcher {
  private readonly changes = new Map<string, StateChange[]>();
  private readonly latest = new Map<string, WatchedNode>();
  private running = false;
  private loop: Promise<void> | undefined;
  private lastError: unknown;
  private polls = 0;

  constructor(
    private readonly api: AxiosInstance,
    uuids: readonly string[],
    private readonly options: WatchOptions = {},
  ) {
    for (const uuid of uuids) this.changes.set(uuid, []);
  }

  /** Start polling (the first poll runs before this returns). */
  async start(): Promise<void> {
    if (this.running) throw new Error('ProvisionWatcher already started');
    this.running = true;
    await this.poll();
    this.loop = this.run();
  }

  /** Stop polling and wait for the poll in flight; returns the number of polls made. */
  async stop(): Promise<number> {
    this.running = false;
    await this.loop;
    return this.polls;
  }

  /** Poll once more now (e.g. to read the final states after every node settled). */
  async pollNow(): Promise<void> {
    await this.poll();
  }

  /** The changes seen for a node, oldest first. */
  history(uuid: string): readonly StateChange[] {
    return this.changes.get(uuid) ?? [];
  }

  /** The node as last read (undefined before the first poll saw it). */
  current(uuid: string): WatchedNode | undefined {
    return this.latest.get(uuid);
  }

  /** The last poll error, if the last poll failed (polling goes on regardless). */
  get error(): unknown {
    return this.lastError;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await sleep(this.options.intervalMs ?? 250);
      if (this.running) await this.poll();
    }
  }

  private async poll(): Promise<void> {
    let nodes: WatchedNode[];
    try {
      const { data } = await this.api.get<{ nodes: WatchedNode[] }>(`/v1/nodes?fields=${FIELDS}`);
      nodes = data.nodes;
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error;
      return;
    }
    this.polls += 1;
    const seenAt = Date.now();
    for (const node of nodes) {
      const history = this.changes.get(node.uuid);
      if (history === undefined) continue;
      this.latest.set(node.uuid, node);
      const last = history.at(-1);
      if (last?.state === node.provision_state && last.target === node.target_provision_state) continue;
      const change: StateChange = {
        state: node.provision_state,
        target: node.target_provision_state,
        at: ironicTime(node.provision_updated_at) ?? seenAt,
        seenAt,
      };
      history.push(change);
      this.options.onChange?.(node.uuid, change, node);
    }
  }
}

/**
 * Epoch ms of an Ironic timestamp (`2026-12-02T23:40:01.123456+00:00`; Ironic
 * stores UTC, so one without an offset is read as UTC). Undefined for null or
 * text that is no date.
 */
export function ironicTime(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const withZone = /(Z|[+-]\d\d:\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}
