/**
 * Progress a person can follow: one line per node and phase, or JSON lines
 * (snake_case, the wire) with `--json`.
 */

/** What happened. */
export type ProgressPhase =
  | 'planned'
  | 'skipped'
  | 'applying'
  | 'resuming'
  | 'waiting'
  | 'fallback'
  | 'confirmed'
  | 'unconfirmed'
  | 'done'
  | 'failed'
  | 'not-started'
  | 'health'
  | 'healthy'
  | 'unhealthy';

/** One progress event; `node` is null for fleet-wide events (the health gate). */
export interface ProgressEvent {
  readonly node: string | null;
  readonly phase: ProgressPhase;
  /** `ssh` or `ironic` once known. */
  readonly method?: string;
  /** Why (a skip, an error). */
  readonly message?: string;
}

/** The text line of an event: `w1: waiting (ssh)`, `w2: failed: <why>`, `fleet: healthy`. */
export function progressLine(event: ProgressEvent): string {
  const method = event.method === undefined ? '' : ` (${event.method})`;
  const message = event.message === undefined ? '' : `: ${event.message}`;
  return `${event.node ?? 'fleet'}: ${event.phase}${method}${message}`;
}

/** The JSON line of an event at `time` (ms since the epoch). */
export function progressJson(event: ProgressEvent, time: number): string {
  return JSON.stringify({
    time: new Date(time).toISOString(),
    node: event.node,
    phase: event.phase,
    method: event.method ?? null,
    message: event.message ?? null,
  });
}
