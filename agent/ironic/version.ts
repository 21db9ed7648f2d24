/**
 * Ironic API microversions: parsing, comparison and the gates the agent cares
 * about. Port of the version constants in IPA ironic_api_client.py.
 */

/** A microversion such as 1.68. */
export interface ApiVersion {
  major: number;
  minor: number;
}

/** Assumed when `GET /` fails (IPA `MIN_IRONIC_VERSION`). */
export const FALLBACK_VERSION: ApiVersion = { major: 1, minor: 31 };
/** `agent_version` in heartbeats is accepted from here on. */
export const AGENT_VERSION_VERSION: ApiVersion = { major: 1, minor: 36 };
/** `agent_token` in heartbeats, and the version lookup is sent at (at most). */
export const AGENT_TOKEN_VERSION: ApiVersion = { major: 1, minor: 62 };
/** `agent_verify_ca` in heartbeats (auto-TLS), and the version heartbeats are sent at (at most). */
export const AGENT_VERIFY_CA_VERSION: ApiVersion = { major: 1, minor: 68 };

/**
 * Parse `"1.68"` into a version.
 * @returns null when the text is not `<major>.<minor>` with non-negative integers
 */
export function parseApiVersion(text: string): ApiVersion | null {
  const match = /^\s*(\d+)\.(\d+)\s*$/.exec(text);
  if (match === null) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Negative, zero or positive as `a` is lower than, equal to or higher than `b`. */
export function compareVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `version` ≥ `gate`. */
export function atLeast(version: ApiVersion, gate: ApiVersion): boolean {
  return compareVersions(version, gate) >= 0;
}

/** The lower of two versions. */
export function minVersion(a: ApiVersion, b: ApiVersion): ApiVersion {
  return compareVersions(a, b) <= 0 ? a : b;
}

/** `"1.68"`: the value of `X-OpenStack-Ironic-API-Version`. */
export function formatVersion(version: ApiVersion): string {
  return `${version.major}.${version.minor}`;
}
