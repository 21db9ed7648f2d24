/**
 * An Ignition config as a text that crosses machines: its size bound, its
 * parse and validation (our validator, validate/), and its hash (hash.ts).
 * `reprovision` and `fleet` both read configs this way and word the result
 * for their own commands.
 */
import type { IgnitionIssue } from './validate/issue.js';
import { validateIgnition } from './validate/validate.js';

/** Largest config accepted from a file, stdin or a URL (Ignition configs are kilobytes). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** What {@link checkConfigText} found. */
export type ConfigTextCheck =
  | { readonly kind: 'ok'; readonly config: Record<string, unknown>; readonly warnings: readonly IgnitionIssue[] }
  | { readonly kind: 'not-json'; readonly error: Error }
  | { readonly kind: 'invalid'; readonly errors: readonly IgnitionIssue[]; readonly version: unknown };

/** Parse `text` and validate it as an Ignition 3.x config (pure). */
export function checkConfigText(text: string): ConfigTextCheck {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    return { kind: 'not-json', error: error as Error };
  }
  const issues = validateIgnition(config);
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    return {
      kind: 'invalid',
      errors,
      version: (config as { ignition?: { version?: unknown } } | null)?.ignition?.version,
    };
  }
  return {
    kind: 'ok',
    config: config as Record<string, unknown>,
    warnings: issues.filter((issue) => issue.severity === 'warning'),
  };
}

/** An issue as one line: `$.path: message`. */
export function issueLine(issue: IgnitionIssue): string {
  return `${issue.path}: ${issue.message}`;
}
