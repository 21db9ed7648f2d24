/** Plain-text tables and number formats for benchmark reports. */

/** Column alignment. */
export type Align = 'left' | 'right';

/**
 * Lay out `rows` under `header` in space-separated columns, with a dashed rule
 * under the header. Columns are left-aligned unless `align` says otherwise.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    widths
      .map((width, column) => {
        const cell = row[column] ?? '';
        return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Decimals that suit a millisecond value's size: 0.123, 4.56, 45.6, 456. */
export function msDigits(ms: number): number {
  return ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
}

/** Milliseconds without the unit, with `digits` decimals (default: {@link msDigits}). */
export function msNumber(ms: number, digits = msDigits(ms)): string {
  return ms.toFixed(digits);
}

/** Milliseconds with the unit, e.g. `45.6 ms`. */
export function formatMs(ms: number): string {
  return `${msNumber(ms)} ms`;
}

/** Bytes as MiB without the unit, one decimal (VmRSS is counted in KiB). */
export function mibNumber(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Bytes as MiB with the unit, e.g. `44.4 MiB`. */
export function formatMiB(bytes: number): string {
  return `${mibNumber(bytes)} MiB`;
}

/** A ratio as `7.62x`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}
