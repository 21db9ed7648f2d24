/**
 * The Ignition v3 config subset the generator emits, and the spec versions it
 * can target. Field names are Ignition's own (camelCase on the wire).
 *
 * Only fields present in every spec from 3.0.0 to 3.4.0 are used, so one
 * object is valid for all of them; the version string is the only difference.
 */

/** Spec versions `--spec` accepts, oldest first. */
export const SPEC_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'] as const;

/** One of {@link SPEC_VERSIONS}. */
export type SpecVersion = (typeof SPEC_VERSIONS)[number];

/** The default spec: the one image-customization-controller emits for the agent ISO. */
export const DEFAULT_SPEC: SpecVersion = '3.2.0';

/** True when `value` is a supported spec version. */
export function isSpecVersion(value: string): value is SpecVersion {
  return (SPEC_VERSIONS as readonly string[]).includes(value);
}

/**
 * Compare two `3.x.y` version strings numerically (a `-experimental` suffix is ignored).
 * @returns negative, zero or positive like a sort comparator
 */
export function compareSpec(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .replace(/-.*$/, '')
      .split('.')
      .map((n) => Number(n));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `storage.files[]` entry. */
export interface IgnitionFile {
  path: string;
  /** Permission bits as a decimal number (0o600 → 384). */
  mode: number;
  overwrite: boolean;
  contents: { source: string };
}

/** `systemd.units[]` entry. */
export interface IgnitionUnit {
  name: string;
  enabled: boolean;
  contents: string;
}

/** `passwd.users[]` entry. */
export interface IgnitionUser {
  name: string;
  sshAuthorizedKeys: string[];
}

/**
 * A config document. Merged sections may carry entries the generator does
 * not produce itself (directories, links, groups, other fields), kept as
 * parsed JSON objects.
 */
export interface IgnitionConfig {
  ignition: { version: string };
  /** Absent when the config gives user core no SSH key (`--no-ssh-key`) and merges no user. */
  passwd?: { users?: (IgnitionUser | MergedEntry)[]; groups?: MergedEntry[] };
  storage: { files: (IgnitionFile | MergedEntry)[]; directories?: MergedEntry[]; links?: MergedEntry[] };
  systemd: { units: (IgnitionUnit | MergedEntry)[] };
}

/** An entry taken as-is from a `--merge` config (checked by ignition-validate, not here). */
export type MergedEntry = Record<string, unknown>;
