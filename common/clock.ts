/**
 * The one time seam (and the randomness seam next to it): every loop, retry,
 * timestamp and wait in the tree reads time through a {@link Clock} given by
 * its composition root, so tests drive them with test/helpers/fake-clock.ts
 * and never wait for real time. Only the composition roots build the
 * {@link createSystemClock | system clock}.
 */

/** Wall-clock time and an interruptible sleep. */
export interface Clock {
  /** Milliseconds since the epoch (as `Date.now`). */
  now(): number;
  /**
   * Wait `ms` milliseconds (a negative `ms` is 0). Resolves early (never
   * rejects) when `signal` is aborted, so loops can be woken up by
   * `force()`/`stop()`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A uniform random number in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** The real clock: `Date.now` and `setTimeout`. Holds no state; for the composition roots. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted === true) {
          resolve();
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms),
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
