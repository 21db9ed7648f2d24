/**
 * Pure delay computations for the agent's conversations with Ironic.
 * All results are in seconds; `random` is a uniform source in [0, 1).
 *
 * Ports of IPA agent.IronicPythonAgentHeartbeater (heartbeat jitter),
 * ironic_api_client.APIClient.lookup_node (tenacity random-exponential wait,
 * 409 lock pauses) and inspector.call_inspector (exponential wait).
 */
import type { RandomSource } from '../../common/clock.js';

/** After a successful heartbeat, wait this fraction of `heartbeat_timeout`, at least. */
export const HEARTBEAT_MIN_MULTIPLIER = 0.3;
/** ...and at most. */
export const HEARTBEAT_MAX_MULTIPLIER = 0.6;
/** Base of the retry delay after a failed heartbeat (IPA `min_heartbeat_interval`). */
export const HEARTBEAT_ERROR_BASE_SEC = 5;
/** Upper bound of the lookup backoff (IPA `max_interval`). */
export const LOOKUP_MAX_INTERVAL_SEC = 60;
/** Shortest wait between inspection POST attempts (IPA `_RETRY_WAIT`). */
export const INSPECTION_RETRY_MIN_SEC = 5;
/** Longest wait between inspection POST attempts (IPA `_RETRY_WAIT_MAX`). */
export const INSPECTION_RETRY_MAX_SEC = 30;
/** Multiplier of the inspection wait's exponential growth. */
export const INSPECTION_RETRY_MULTIPLIER = 1.5;

/** `min + (max - min) × r`, i.e. Python's `random.uniform(min, max)`. */
export function uniform(min: number, max: number, random: RandomSource): number {
  return min + (max - min) * random();
}

/**
 * Delay before the next heartbeat after a successful one:
 * `heartbeat_timeout × U(0.3, 0.6)` (90–180 s with Ironic's default 300).
 */
export function heartbeatDelayAfterSuccess(heartbeatTimeoutSec: number, random: RandomSource): number {
  return heartbeatTimeoutSec * uniform(HEARTBEAT_MIN_MULTIPLIER, HEARTBEAT_MAX_MULTIPLIER, random);
}

/** Delay before retrying after a failed heartbeat (409 included): `5 × U(1, 2)` = 5–10 s. */
export function heartbeatDelayAfterError(random: RandomSource): number {
  return HEARTBEAT_ERROR_BASE_SEC * uniform(1, 2, random);
}

/**
 * Wait after the `attempt`-th failed lookup (1-based): tenacity's
 * `wait_random_exponential(min=interval, max=60)`, i.e.
 * `U(interval, clamp(2^(attempt-1), interval, 60))`.
 */
export function lookupBackoff(
  attempt: number,
  intervalSec: number,
  random: RandomSource,
  maxSec = LOOKUP_MAX_INTERVAL_SEC,
): number {
  const exponential = 2 ** Math.max(0, attempt - 1);
  const high = Math.max(intervalSec, Math.min(exponential, maxSec));
  return uniform(intervalSec, high, random);
}

/**
 * The extra pause after a lookup answered 409 (node locked), given the
 * previous pause (0 when none yet): 5 → 10 → 30, then stays at 30.
 */
export function nextConflictPause(previousSec: number): number {
  if (previousSec <= 0) return 5;
  if (previousSec <= 5) return 10;
  return 30;
}

/**
 * Wait after the `attempt`-th failed inspection POST (1-based): tenacity's
 * `wait_exponential(multiplier=1.5, min=5, max=30)` = `clamp(1.5 × 2^(attempt-1), 5, 30)`,
 * i.e. 5, 5, 6, 12, 24, 30, …
 */
export function inspectionBackoff(attempt: number): number {
  const value = INSPECTION_RETRY_MULTIPLIER * 2 ** Math.max(0, attempt - 1);
  return Math.max(INSPECTION_RETRY_MIN_SEC, Math.min(value, INSPECTION_RETRY_MAX_SEC));
}
