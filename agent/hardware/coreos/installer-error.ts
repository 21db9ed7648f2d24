/**
 * What went wrong, from coreos-installer's own output (pure).
 *
 * coreos-installer's `main() -> anyhow::Result` and its install error path
 * (coreos/coreos-installer src/install.rs: `eprintln!("\nError: {err:?}\n")`,
 * then `bail!("install failed")`) print anyhow's Debug format (dtolnay/anyhow
 * src/fmt.rs):
 *
 * ```
 * Error: decoding and writing image
 *
 * Caused by:
 *     No space left on device (os error 28)
 * ```
 *
 * with several causes numbered `    0: a` / `    1: b` (right-aligned in 5
 * columns), continuation lines indented further, and an optional `Stack backtrace:` section. A failure
 * while writing the disk prints that report first and then a plain
 * `Error: install failed`; the last line alone says nothing.
 */

/** Default bound of {@link formatErrorChain}: long enough for a path and an OS error, short enough for `last_error`. */
export const MAX_ERROR_SUMMARY = 480;

/** One `Error: ...` report: the message and its causes, outermost first. */
interface ErrorReport {
  chain: string[];
}

/**
 * The error chain coreos-installer reported, outermost first, e.g.
 * `['install failed', 'decoding and writing image', 'No space left on device (os error 28)']`.
 * Falls back to clap's `error: ...` line for usage errors (exit 2). Empty
 * when the output holds neither.
 * @param lines - the installer's output lines (stdout and stderr interleaved), leading whitespace kept
 */
export function installerErrorChain(lines: readonly string[]): string[] {
  const reports = parseReports(lines);
  const last = reports[reports.length - 1];
  if (last === undefined) {
    const usage = lines.map((l) => l.trim()).find((l) => /^error: \S/.test(l));
    return usage === undefined ? [] : [usage.slice('error: '.length)];
  }
  const detailed = reports[reports.length - 2];
  // install.rs: the detailed report, the partition-table cleanup, then bail!("install failed").
  if (last.chain.length === 1 && detailed !== undefined) return [...last.chain, ...detailed.chain];
  return last.chain;
}

/**
 * Join a chain with `: ` (anyhow's `{:#}` style) within `maxLength`
 * characters. Whitespace runs become one space. When too long, causes are
 * dropped from the middle (shown as `…`), keeping the outermost ones and
 * always the innermost cause, which is the one that names the problem.
 */
export function formatErrorChain(chain: readonly string[], maxLength = MAX_ERROR_SUMMARY): string {
  const parts = chain.map((part) => part.replace(/\s+/g, ' ').trim()).filter((part) => part !== '');
  const whole = parts.join(': ');
  if (whole.length <= maxLength) return whole;
  if (parts.length === 1) return clip(whole, maxLength);
  const elided = '…: ';
  const innermost = clip(parts[parts.length - 1] ?? '', maxLength - elided.length);
  let room = maxLength - elided.length - innermost.length;
  const kept: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part.length + 2 > room) break;
    kept.push(part);
    room -= part.length + 2;
  }
  return [...kept, '…', innermost].join(': ');
}

function clip(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}

/** Every `Error:` report in the output, in order. */
function parseReports(lines: readonly string[]): ErrorReport[] {
  const reports: ErrorReport[] = [];
  let current: ErrorReport | null = null;
  let state: 'message' | 'causes' = 'message';
  let numbered = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    const start = /^Error: (.*)$/.exec(line);
    if (start !== null) {
      current = { chain: [start[1] ?? ''] };
      reports.push(current);
      state = 'message';
      continue;
    }
    if (current === null) continue;
    if (state === 'message') {
      if (line === '') continue;
      if (line === 'Caused by:') {
        state = 'causes';
        numbered = false;
      } else {
        current = null;
      }
      continue;
    }
    const entry = /^ +(\d+): (.*)$/.exec(line);
    const chain = current.chain;
    if (entry !== null && (numbered || chain.length === 1)) {
      numbered = true;
      chain.push(entry[2] ?? '');
    } else if (chain.length === 1 && /^ {4}\S/.test(line)) {
      chain.push(line.trim());
    } else if (chain.length > 1 && /^ {4,}\S/.test(line)) {
      chain[chain.length - 1] = `${chain[chain.length - 1] ?? ''} ${line.trim()}`;
    } else {
      current = null;
    }
  }
  return reports;
}
