/**
 * Reading Ignition's own output when a stage fails, so the operator sees
 * Ignition's message rather than "exit code 1".
 *
 * With `-log-to-stdout` Ignition prints `LEVEL : message` lines (coreos/ignition
 * internal/log/log.go); the reason for a failure is in its `CRITICAL` lines.
 * On a failed stage it also prints `<stage> failed` and `Full config:` followed
 * by the whole merged config as indented JSON to stderr (coreos/ignition
 * internal/exec/engine.go, `Run`): that dump may hold secrets, so it is cut
 * out before anything else is read. A failed useradd/usermod/groupadd is
 * quoted in its CRITICAL lines with its whole command line, `--password` and
 * hash included (coreos/ignition internal/exec/util/passwd.go): the hash is
 * replaced by `<redacted>`.
 */

/** Ignition's explanation of a failure. */
export interface IgnitionFailure {
  /** The messages of the `CRITICAL` lines, in order (at most {@link MAX_LINES}, the last ones). */
  critical: string[];
  /** The messages of the last `ERROR` lines (at most {@link MAX_LINES}), without the syslog noise. */
  errors: string[];
}

/** How many lines of each kind are kept. */
export const MAX_LINES = 5;

/** A quoted `--password` argument in Ignition's rendering of a command line (Go's %q). */
const PASSWORD_ARG = /("--password"\s+)"(?:[^"\\]|\\.)*"/g;

/** ERROR lines every run prints when there is no syslog: not about the failure. */
const NOISE = [/unable to open syslog/];

/**
 * Ignition's `CRITICAL` lines and last `ERROR` lines in `output` (stdout and
 * stderr of one or more runs), with the `Full config:` dump removed and
 * password hashes redacted.
 */
export function ignitionFailure(output: string): IgnitionFailure {
  const critical: string[] = [];
  const errors: string[] = [];
  for (const line of withoutConfigDump(output.split('\n'))) {
    const match = /^(CRITICAL|ERROR)\s*:\s?(.*)$/.exec(line);
    if (match === null) continue;
    const message = (match[2] ?? '').trim().replace(PASSWORD_ARG, '$1"<redacted>"');
    if (match[1] === 'CRITICAL') critical.push(message);
    else if (!NOISE.some((noise) => noise.test(message))) errors.push(message);
  }
  return { critical: critical.slice(-MAX_LINES), errors: errors.slice(-MAX_LINES) };
}

/**
 * One line for an error message: the CRITICAL messages, else the ERROR
 * messages, joined with `; `, or `fallback` when Ignition said nothing.
 */
export function failureText(failure: IgnitionFailure, fallback: string): string {
  const lines = failure.critical.length > 0 ? failure.critical : failure.errors;
  return lines.length > 0 ? lines.join('; ') : fallback;
}

/**
 * The lines without the config dump: from a `Full config:` line through the
 * closing `}` of the JSON at column 0 (Go's json.MarshalIndent), or to the end
 * when the dump is cut short. The line after a `Full config:` that is not a
 * JSON object ends the dump too.
 */
function withoutConfigDump(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let state: 'out' | 'header' | 'json' = 'out';
  for (const line of lines) {
    if (line.trim() === 'Full config:') {
      state = 'header';
      continue;
    }
    if (state === 'header') state = line.startsWith('{') ? 'json' : 'out';
    if (state === 'json') {
      if (line.startsWith('}') || line === '{}') state = 'out';
      continue;
    }
    kept.push(line);
  }
  return kept;
}
