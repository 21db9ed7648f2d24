/**
 * Time and randomness seams for the Ironic loops (lookup, heartbeat,
 * inspection retries, advertise-address rounds), so their timing can be
 * driven by a fake clock in tests.
 */

/** Wall-clock time and an interruptible sleep. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Wait `ms` milliseconds. Resolves early (never rejects) when `signal` is
   * aborted, so loops can be woken up by `force()`/`stop()`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A uniform random number in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** The real clock: `Date.now` and `setTimeout`. */
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
