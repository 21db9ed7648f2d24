/**
 * Which Ironic the version-dependent e2e suites run against, and what that
 * Ironic can do. The suite names the Debian release whose Ironic the test bed
 * runs (bookworm 21.4, trixie 29.0, forky 35.0); the tests decide by the API
 * version the running Ironic reports, never by the name.
 */
import { IronicTestbed, type IronicTestbedDeps } from '../../testbed/ironic.js';
import { atLeast, formatVersion, parseApiVersion, type ApiVersion } from '../../agent/ironic/version.js';

/** A Debian release whose Ironic the test bed can run. */
export type IronicSuite = 'bookworm' | 'trixie' | 'forky';

const SUITES: readonly IronicSuite[] = ['bookworm', 'trixie', 'forky'];

/** `/v1/continue_inspection` exists (openstack/ironic versions.py MINOR_84_CONTINUE_INSPECTION). */
export const CONTINUE_INSPECTION: ApiVersion = { major: 1, minor: 84 };
/** Servicing, `target: service` (MINOR_87_SERVICE). */
export const SERVICING: ApiVersion = { major: 1, minor: 87 };
/**
 * The first maximum version (Ironic 35.0) whose lookup allows `service wait`
 * without fast-track (openstack/ironic commit a23b7eee "Allow node lookup for
 * in-band servicing", ironic/common/states.py LOOKUP_ALLOWED_STATES).
 */
export const LOOKUP_IN_SERVICE_WAIT: ApiVersion = { major: 1, minor: 111 };

/**
 * The suites to run: `ICA_IRONIC_SUITES` (comma-separated), default bookworm.
 * @throws Error for an unknown suite name
 */
export function ironicSuites(env: NodeJS.ProcessEnv = process.env): IronicSuite[] {
  const names = (env['ICA_IRONIC_SUITES'] ?? 'bookworm').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!(SUITES as readonly string[]).includes(name)) throw new Error(`ICA_IRONIC_SUITES: unknown suite "${name}" (use ${SUITES.join(', ')})`);
  }
  return names as IronicSuite[];
}

/** A test bed running `suite`'s Ironic. */
export function suiteTestbed(tag: string, suite: IronicSuite): IronicTestbed {
  // `suite` is the multi-release option of IronicTestbed; a test bed without it runs bookworm's Ironic.
  return new IronicTestbed({ tag, suite } as IronicTestbedDeps);
}

/** The maximum API version the running Ironic reports in `GET /`. */
export async function maxApiVersion(testbed: IronicTestbed): Promise<ApiVersion> {
  const { data } = await testbed.api.get<{ default_version?: { version?: string } }>('/');
  const version = parseApiVersion(data.default_version?.version ?? '');
  if (version === null) throw new Error(`Ironic at ${testbed.url} reported no default_version.version: ${JSON.stringify(data)}`);
  return version;
}

/** "Ironic API 1.82 (bookworm)" for test output. */
export function describeIronic(version: ApiVersion, suite: IronicSuite): string {
  return `Ironic API ${formatVersion(version)} (${suite})`;
}

export { atLeast, formatVersion };
