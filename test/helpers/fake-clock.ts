/**
 * A controllable common/clock.ts Clock for timing-sensitive code (lookup,
 * heartbeater, retries, busy-device polling, the install stamp). No real
 * timers: time only moves when a test says so.
 *
 * - `auto: true`: every sleep advances time by its duration and resolves at
 *   once (for loops that run to completion, e.g. lookup until its deadline).
 * - otherwise sleeps stay pending until `advance()` passes their deadline or
 *   their AbortSignal fires; `nextSleep()` waits until the code under test sleeps.
 */
import type { Clock } from '../../common/clock.js';

interface Sleeper {
  until: number;
  resolve: () => void;
}

/** Fake time source. `now()` starts at `start` (default 1_000_000 ms). */
export class FakeClock implements Clock {
  /** Every requested sleep, in milliseconds, in order. */
  readonly sleeps: number[] = [];
  private current: number;
  private readonly auto: boolean;
  private sleepers: Sleeper[] = [];
  private watchers: (() => void)[] = [];

  constructor(options: { auto?: boolean; start?: number } = {}) {
    this.auto = options.auto ?? false;
    this.current = options.start ?? 1_000_000;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (this.auto) {
      this.current += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = { until: this.current + Math.max(0, ms), resolve };
      const finish = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      sleeper.resolve = finish;
      if (signal?.aborted === true) {
        finish();
        return;
      }
      signal?.addEventListener('abort', finish, { once: true });
      this.sleepers.push(sleeper);
      const watchers = this.watchers;
      this.watchers = [];
      for (const w of watchers) w();
    });
  }

  /** Number of sleeps currently pending. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Resolve once the code under test is sleeping; returns that sleep's duration (ms). */
  async nextSleep(): Promise<number> {
    if (this.sleepers.length === 0) await new Promise<void>((resolve) => this.watchers.push(resolve));
    const last = this.sleeps[this.sleeps.length - 1];
    if (last === undefined) throw new Error('FakeClock: no sleep recorded');
    return last;
  }

  /** Move time forward and wake the sleepers whose time has come. */
  advance(ms: number): void {
    this.current += ms;
    for (const sleeper of [...this.sleepers]) if (sleeper.until <= this.current) sleeper.resolve();
  }
}

/** A random source replaying `values` in a cycle (each in [0, 1)). */
export function sequence(...values: number[]): () => number {
  let index = 0;
  return () => {
    const value = values[index % values.length];
    index += 1;
    if (value === undefined) throw new Error('sequence: no values');
    return value;
  };
}
