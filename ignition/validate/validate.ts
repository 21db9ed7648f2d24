/**
 * Our own Ignition 3.x config validator (pure), so that a config that CoreOS's
 * Ignition would reject on first boot fails the deploy step instead, before
 * any disk is written.
 *
 * Covers specs 3.0.0 to 3.4.0 (and 3.4.0-experimental, the name Debian's
 * Ignition 2.14 uses for 3.4): the version string, JSON types of the main
 * structures, unknown keys (warnings), absolute and simplified paths, systemd
 * unit and drop-in extensions and unit file syntax, duplicate files,
 * directories, links, units, drop-ins, users, groups, SSH keys and kernel
 * arguments, hash functions and sizes, `source` URL and data-URL syntax,
 * compression, modes and links. Verdicts follow `ignition-validate` 2.14
 * (checked by the corpus in test/ignition/validate/validate.test.ts).
 *
 * Not covered: disks, partitions, raid, luks, clevis and filesystem options
 * beyond their device/path and duplicates.
 */
import type { IgnitionIssue } from './issue.js';
import { checkRules } from './rules.js';
import { checkShape, configShape } from './shapes.js';

/** Newest spec minor version checked with its own rules. */
export const NEWEST_KNOWN_MINOR = 4;

/**
 * Which 3.x rules apply to a version string.
 * @returns the minor version, or an issue explaining why the version is refused
 */
export function specMinor(version: unknown): { minor: number; newer?: boolean } | IgnitionIssue {
  const path = '$.ignition.version';
  const match =
    typeof version === 'string'
      ? /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version)
      : null;
  if (match === null) return { path, message: "invalid config version (couldn't parse)", severity: 'error' };
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const pre = match[4];
  const experimental44 = minor === 4 && pre === 'experimental';
  if (major !== 3 || patch !== 0 || match[5] !== undefined || (pre !== undefined && !experimental44)) {
    return {
      path,
      message: `unsupported config version ${String(version)} (use 3.0.0 to 3.${NEWEST_KNOWN_MINOR}.0)`,
      severity: 'error',
    };
  }
  return minor > NEWEST_KNOWN_MINOR ? { minor: NEWEST_KNOWN_MINOR, newer: true } : { minor };
}

/**
 * Validate a parsed Ignition config.
 *
 * A version newer than 3.4.0 gets a warning and the 3.4.0 rules (the target
 * CoreOS may well support it). Type errors stop the check there, as they stop
 * Ignition's parser.
 * @returns every issue found; empty for a clean config
 */
export function validateIgnition(config: unknown): IgnitionIssue[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return [{ path: '$', message: 'an Ignition config must be a JSON object', severity: 'error' }];
  }
  const root = config as Record<string, unknown>;
  const section = root['ignition'];
  const version =
    typeof section === 'object' && section !== null ? (section as Record<string, unknown>)['version'] : undefined;
  if (version !== undefined && version !== null && typeof version !== 'string') {
    return [{ path: '$.ignition.version', message: 'expected a string', severity: 'error' }];
  }
  const spec = specMinor(version ?? '');
  if ('path' in spec) return [spec];
  const issues: IgnitionIssue[] = [];
  if (spec.newer === true) {
    issues.push({
      path: '$.ignition.version',
      message: `version ${String(version)} is newer than this validator knows; checked with the 3.${NEWEST_KNOWN_MINOR}.0 rules`,
      severity: 'warning',
    });
  }
  if (!checkShape(root, configShape(spec.minor), '$', issues)) return issues.filter((i) => i.severity === 'error');
  return [...issues, ...checkRules(root, spec.minor)];
}

/** The errors among `issues`. */
export function ignitionErrors(issues: readonly IgnitionIssue[]): IgnitionIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** `"<path>: <message>; <path>: <message> (and N more)"` for the first `max` issues. */
export function summarizeIssues(issues: readonly IgnitionIssue[], max = 3): string {
  const shown = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > max ? ` (and ${issues.length - max} more)` : '';
  return `${shown.join('; ')}${more}`;
}
