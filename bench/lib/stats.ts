/**
 * Summary statistics for benchmark samples: median and nearest-rank
 * percentiles, plus the spread shown next to a median in the report.
 */

/** Median, spread and count of a list of samples. */
export interface Summary {
  /** Middle value (the mean of the two middle values for an even count). */
  median: number;
  /** Smallest sample. */
  min: number;
  /** Largest sample. */
  max: number;
  /** Number of samples. */
  count: number;
}

/** The samples sorted ascending, without touching the input. */
function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** Throws when there is nothing to summarise (a bug in the caller, not bad input). */
function requireSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new RangeError(`${what} of an empty sample list`);
}

/**
 * Median of `samples`.
 * @throws RangeError when `samples` is empty
 */
export function median(samples: readonly number[]): number {
  requireSamples(samples, 'median');
  const values = sorted(samples);
  const middle = Math.floor(values.length / 2);
  const upper = values[middle] as number;
  return values.length % 2 === 1 ? upper : ((values[middle - 1] as number) + upper) / 2;
}

/**
 * Nearest-rank percentile: the smallest sample such that at least `p` percent
 * of the samples are less than or equal to it (p95 of 20 samples is the 19th).
 * @param p - percentile in (0, 100]
 * @throws RangeError when `samples` is empty or `p` is outside (0, 100]
 */
export function percentile(samples: readonly number[], p: number): number {
  requireSamples(samples, `p${p}`);
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const values = sorted(samples);
  const rank = Math.ceil((p / 100) * values.length);
  return values[rank - 1] as number;
}

/**
 * Median, min, max and count of `samples`.
 * @throws RangeError when `samples` is empty
 */
export function summarize(samples: readonly number[]): Summary {
  requireSamples(samples, 'summary');
  const values = sorted(samples);
  return {
    median: median(values),
    min: values[0] as number,
    max: values[values.length - 1] as number,
    count: values.length,
  };
}
