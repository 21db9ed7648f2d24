/**
 * How every subcommand ends: the exit-code convention and the one format of
 * its error messages on stderr.
 *
 * - 0: success.
 * - 1: runtime failure: the command ran and could not do its work (Ironic
 *   unreachable, no disk would be chosen, not a CoreOS ISO, an output that
 *   exists). Printed as `<command>: error: <message>`, then the causes as
 *   coreos-installer (anyhow) prints them.
 * - 2: usage error or invalid option value, wherever the value came from (a
 *   flag, a config file, the kernel command line, the environment, or a file an
 *   option names that cannot be read): a UsageError or the agent's ConfigError.
 *   Printed as `<command>: <message>` and `Run "<command> --help" for usage.`,
 *   the format the agent subcommand has always used.
 */
import { isUsageError, isValueError, type CliIO } from './types.js';

/** The program name every message starts with. */
export const PROGRAM = 'ironic-coreos-agent';

/** The exit codes of every subcommand. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The exit code for an error that ended a command: 2 for usage and value errors, else 1. */
export function exitCodeFor(error: unknown): number {
  return isUsageError(error) || isValueError(error) ? EXIT.usage : EXIT.failure;
}

/**
 * The stderr text for an error that ended `path` (e.g. `ironic-coreos-agent iso ignition embed`).
 * Ends with a newline.
 */
export function failureText(path: string, error: unknown): string {
  if (exitCodeFor(error) === EXIT.usage) {
    return `${path}: ${(error as Error).message}\nRun "${path} --help" for usage.\n`;
  }
  return `${path}: error: ${formatErrorChain(error)}\n`;
}

/** Print {@link failureText} on stderr and return the exit code. */
export function reportFailure(io: CliIO, path: string, error: unknown): number {
  io.stderr.write(failureText(path, error));
  return exitCodeFor(error);
}

/** The messages of an error and its causes, outermost first (at most 16 levels). */
export function errorChain(error: unknown): string[] {
  const messages: string[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && messages.length < 16) {
    messages.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return messages;
}

/**
 * Render an error as anyhow does (coreos-installer's errors): the outer
 * message, then a "Caused by:" list when there are causes, numbered when
 * there are several.
 */
export function formatErrorChain(error: unknown): string {
  const [first = 'unknown error', ...causes] = errorChain(error);
  if (causes.length === 0) return first;
  const lines = causes.map((message, index) => (causes.length === 1 ? `    ${message}` : `    ${index}: ${message}`));
  return [first, '', 'Caused by:', ...lines].join('\n');
}
