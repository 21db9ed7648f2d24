/**
 * Which Ironic the version-dependent e2e suites run against, and what that
 * Ironic can do. The suite names the Debian release whose Ironic the test bed
 * runs (bookworm 21.4, trixie 29.0, forky 35.0); the tests decide by the API
 * version the running Ironic reports, never by the name.
 */
import { IronicTestbed } from '../../testbed/ironic.js';
import { parseSuites, type IronicSuite } from '../../testbed/ironic-suites.js';
import { atLeast, formatVersion, parseApiVersion, type ApiVersion } from '../../agent/ironic/version.js';

export type { IronicSuite };

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
 * The suites to run: `ICA_IRONIC_SUITES` (comma-separated), default all three
 * (testbed/ironic-suites.ts parseSuites, as test/helpers/each-ironic.ts uses).
 * @throws Error for an unknown suite name
 */
export function ironicSuites(env: NodeJS.ProcessEnv = process.env): IronicSuite[] {
  return parseSuites(env['ICA_IRONIC_SUITES']);
}

/** A test bed running `suite`'s Ironic. */
export function suiteTestbed(tag: string, suite: IronicSuite): IronicTestbed {
  return new IronicTestbed({ tag, suite });
}

/** The maximum API version the running Ironic reports in `GET /`. */
export async function maxApiVersion(testbed: IronicTestbed): Promise<ApiVersion> {
  const { data } = await testbed.api.get<{ default_version?: { version?: string } }>('/');
  const version = parseApiVersion(data.default_version?.version ?? '');
  if (version === null)
    throw new Error(`Ironic at ${testbed.url} reported no default_version.version: ${JSON.stringify(data)}`);
  return version;
}

/** "Ironic API 1.82 (bookworm)" for test output. */
export function describeIronic(version: ApiVersion, suite: IronicSuite): string {
  return `Ironic API ${formatVersion(version)} (${suite})`;
}

export { atLeast, formatVersion };
