/**
 * The heartbeat loop: tells Ironic the agent is alive and where its API is.
 * Port of IPA agent.IronicPythonAgentHeartbeater, with two deliberate
 * deviations: `force()` heartbeats at once (IPA waits until 5 s have passed
 * since the previous heartbeat), because Ironic then moves on within a second;
 * and after Ironic refused the agent token no heartbeat goes out until the
 * token-rejected handler has finished (IPA keeps heartbeating with the refused
 * token every 5–10 s, forever).
 */
import { HeartbeatConflictError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { Clock, RandomSource } from '../../common/clock.js';
import type { HeartbeatRequest } from './client.js';
import { heartbeatDelayAfterError, heartbeatDelayAfterSuccess } from './jitter.js';
import { IronicResponseError } from './response.js';

/** Seconds between a forced heartbeat and its follow-up. */
export const FORCED_FOLLOW_UP_SEC = 2;

/** The part of IronicClient the heartbeater needs. */
export interface HeartbeatClient {
  heartbeat(request: HeartbeatRequest): Promise<void>;
}

/** Options of {@link Heartbeater}. */
export interface HeartbeaterOptions {
  client: HeartbeatClient;
  /** Builds each heartbeat's content (node, callback URL, current token). May throw; that counts as a failed heartbeat. */
  request: () => HeartbeatRequest;
  /** The lookup's `heartbeat_timeout` in seconds, read before each scheduling. */
  heartbeatTimeoutSec: () => number;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /**
   * Called when Ironic refuses the agent token (400 mentioning the agent
   * token: Ironic wiped it, e.g. after a failed deploy or a power cycle, or the
   * token is wrong). The agent looks the node up again. Runs detached from the
   * loop (it may call stop()); the loop sends no heartbeat until it has
   * settled, then carries on with the usual schedule.
   */
  onTokenRejected?: () => void | Promise<void>;
}

/** The last heartbeat that was attempted. */
export interface HeartbeatRecord {
  /** When it finished (clock milliseconds). */
  at: number;
  ok: boolean;
  /** Why it failed (no secrets), when it did. */
  error?: string;
}

/** Jittered heartbeat loop with force() and stop(). Never throws out of its loop. */
export class Heartbeater {
  private readonly options: HeartbeaterOptions;
  private running: Promise<void> | null = null;
  private stopped = false;
  private forced = false;
  private nextAt = 0;
  private wake: AbortController | null = null;
  private tokenHook: Promise<void> | null = null;
  private last: HeartbeatRecord | null = null;

  constructor(options: HeartbeaterOptions) {
    this.options = options;
  }

  /** The last attempted heartbeat, or null before the first one finished. */
  get lastHeartbeat(): HeartbeatRecord | null {
    return this.last === null ? null : { ...this.last };
  }

  /** When the next heartbeat is due (clock milliseconds); 0 before the first. */
  get nextHeartbeatAt(): number {
    return this.nextAt;
  }

  /** Start the loop; the first heartbeat is sent at once. Idempotent. */
  start(): void {
    if (this.running !== null) return;
    this.stopped = false;
    this.options.logger.info('Starting heartbeater');
    this.running = this.loop();
  }

  /** Send the next heartbeat now (e.g. an async command finished), even if one was sent a moment ago. */
  force(): void {
    this.forced = true;
    this.wake?.abort();
  }

  /** Stop the loop; resolves once a heartbeat in flight (if any) has finished. */
  async stop(): Promise<void> {
    if (this.running === null) return;
    this.options.logger.info('Stopping heartbeater');
    this.stopped = true;
    this.wake?.abort();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    const { clock, logger } = this.options;
    while (!this.stopped) {
      try {
        if (this.tokenHook !== null) {
          await this.pauseFor(this.tokenHook);
          continue;
        }
        const dueInMs = this.nextAt - clock.now();
        if (dueInMs > 0 && !this.forced) {
          this.wake = new AbortController();
          await clock.sleep(dueInMs, this.wake.signal);
          continue;
        }
        const forced = this.forced;
        this.forced = false;
        await this.beat(forced);
      } catch (error) {
        logger.error('Unexpected error in the heartbeat loop', {
          error: error instanceof Error ? error.message : String(error),
        });
        this.nextAt = clock.now() + heartbeatDelayAfterError(this.options.random) * 1000;
      }
    }
  }

  /**
   * One heartbeat and the scheduling of the next. After a forced heartbeat a
   * follow-up goes out {@link FORCED_FOLLOW_UP_SEC} later: Ironic answers 202 but
   * skips a heartbeat while it still holds the node lock from sending the step,
   * which a step that ends within milliseconds can hit.
   */
  private async beat(forced = false): Promise<void> {
    const { clock, logger, random } = this.options;
    let intervalSec: number;
    try {
      await this.options.client.heartbeat(this.options.request());
      this.last = { at: clock.now(), ok: true };
      intervalSec = heartbeatDelayAfterSuccess(this.options.heartbeatTimeoutSec(), random);
      if (forced) intervalSec = Math.min(intervalSec, FORCED_FOLLOW_UP_SEC);
      logger.debug('Heartbeat successful');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.last = { at: clock.now(), ok: false, error: message };
      intervalSec = heartbeatDelayAfterError(random);
      if (error instanceof HeartbeatConflictError) logger.warn('Conflict error sending heartbeat', { error: message });
      else logger.error('Error sending heartbeat', { error: message });
      // Once stopped (a power action was issued) a refused token is expected: Ironic wipes it when it powers the node off.
      if (isTokenRejection(error) && !this.stopped) this.tokenRejected();
    }
    this.nextAt = clock.now() + intervalSec * 1000;
    logger.info('Sleeping before next heartbeat', { intervalSec: Math.round(intervalSec * 100) / 100 });
  }

  /** Wait until `hook` settles, or until force()/stop() wakes the loop up. */
  private async pauseFor(hook: Promise<void>): Promise<void> {
    const wake = new AbortController();
    this.wake = wake;
    await Promise.race([
      hook,
      new Promise<void>((resolve) => wake.signal.addEventListener('abort', () => resolve(), { once: true })),
    ]);
  }

  /** Run the hook once at a time, detached from the loop so it may call stop(). */
  private tokenRejected(): void {
    const hook = this.options.onTokenRejected;
    if (hook === undefined || this.tokenHook !== null) return;
    this.options.logger.warn(
      'Ironic rejected the agent token; no heartbeats until the agent has looked the node up again',
    );
    this.tokenHook = Promise.resolve()
      .then(hook)
      .catch((error: unknown) => {
        this.options.logger.error('The token-rejected handler failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        this.tokenHook = null;
      });
  }
}

/**
 * True for Ironic's 400 about the agent token ("Invalid or missing agent
 * token received.", "Agent token is required for heartbeat processing.").
 */
export function isTokenRejection(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof IronicResponseError && cause.status === 400 && /agent token/i.test(cause.faultstring);
}
