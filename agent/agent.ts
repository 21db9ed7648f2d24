/**
 * The agent's runtime state for one boot: the node from lookup, the agent
 * token, the heartbeat timeout, and what the API reports as status.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from './logger.js';
import type { Node } from './hardware/types.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_SEC, heartbeatTimeoutOf, type LookupData } from './ironic/lookup-data.js';

/** Mutable per-boot state, owned by the composition root and passed by reference. */
export class AgentState {
  /** Epoch seconds (float), as IPA's `started_at`. */
  readonly startedAt: number;
  node: Node | null = null;
  /** Ironic's `heartbeat_timeout` from lookup, in seconds. */
  heartbeatTimeoutSec = DEFAULT_HEARTBEAT_TIMEOUT_SEC;
  private token: string | null;

  /** @param options - `now`: the start time in epoch milliseconds (the composition root's Clock) */
  constructor(
    readonly version: string,
    private readonly logger: Logger,
    options: { token?: string | null; now: number },
  ) {
    this.startedAt = options.now / 1000;
    this.token = options.token ?? null;
  }

  /** `{started_at, version}` for `/v1/status`. */
  status(): { started_at: number; version: string } {
    return { started_at: this.startedAt, version: this.version };
  }

  /** The current token, or null. Never log it. */
  currentToken(): string | null {
    return this.token;
  }

  /** Replace the token (lookup, pre-shared, or restored from the state dir). */
  setToken(token: string | null): void {
    this.token = token;
  }

  /** Constant-time comparison with the current token; false when the agent has none. */
  validateToken(candidate: string | undefined): boolean {
    if (this.token === null || candidate === undefined) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Remember the node Ironic sent with a command (IPA hardware.cache_node). */
  cacheNode(node: Node): void {
    if (this.node?.uuid !== undefined && this.node.uuid !== node.uuid) {
      this.logger.warn('Ironic sent a different node than lookup returned', {
        lookup: this.node.uuid,
        received: node.uuid,
      });
    }
    this.node = node;
  }

  /** Apply lookup data: node and heartbeat timeout (the token is decided by the caller). */
  applyLookup(data: LookupData): void {
    this.node = data.node;
    this.heartbeatTimeoutSec = heartbeatTimeoutOf(data.config) ?? this.heartbeatTimeoutSec;
  }
}
