/**
 * The Ironic releases the test bed runs: one per Debian suite. bookworm's
 * comes from the machine's own packages; trixie's and forky's from a Debian
 * root built with debootstrap (testbed/ironic-roots.ts). This module holds
 * what differs between them and which of them a test run uses; it does no IO
 * except reading a dpkg status file for a version label.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The Debian suites whose Ironic the test bed can run, oldest first. */
export const IRONIC_SUITES = ['bookworm', 'trixie', 'forky'] as const;

/** One of {@link IRONIC_SUITES}. */
export type IronicSuite = (typeof IRONIC_SUITES)[number];

/** How a node is inspected in-band on a release. */
export type InspectionStyle = 'inspector' | 'agent';

/** What differs between the Ironic releases of the suites. */
export interface SuiteProfile {
  suite: IronicSuite;
  /** The Ironic release series Debian ships in the suite (the exact version is read from dpkg). */
  series: string;
  /** True: the machine's own packages; false: a debootstrapped root. */
  fromHost: boolean;
  /** Packages installed into the root (the `baremetal` CLI of the same suite included). */
  packages: readonly string[];
  /**
   * In-band inspection: through ironic-inspector (`inspector` interface, the
   * agent posts to inspector's /v1/continue), or Ironic's own (`agent` interface,
   * the agent posts to Ironic's /v1/continue_inspection). Debian packages
   * ironic-inspector for bookworm and trixie, not for forky; on trixie it cannot
   * be used either: it stores the inspected properties with a PATCH of the node,
   * which trips the parent_node bug (see testbed/README.md).
   */
  inspection: InspectionStyle;
  /**
   * `[inspector]hooks` of the `agent` interface: Ironic's defaults plus the
   * hooks that set what ironic-inspector's default processing hooks set
   * (SchedulerHook: cpus, cpu_arch, memory_mb; RootDiskSelectionHook: local_gb).
   * Ironic 29 has no `cpus` hook (its ironic.inspection.hooks entry points).
   */
  inspectionHooks?: string;
  /**
   * Section of graceful_shutdown_timeout. Ironic 35 reads
   * `[conductor]graceful_shutdown_timeout` (ironic/conf/conductor.py; the [DEFAULT]
   * one is deprecated there); older releases take oslo.service's [DEFAULT] option.
   */
  gracefulShutdownSection: 'DEFAULT' | 'conductor';
  /**
   * Options newer than Ironic 21.4 that the test bed sets: `[agent]require_tls`
   * (default true in 29 and 35: ironic/conf/agent.py), `[inspector]require_managed_boot`
   * (default true in 35: ironic/conf/inspector.py), `[conductor]service_callback_timeout`
   * (servicing) and `enabled_firmware_interfaces`.
   */
  newerOptions: boolean;
}

const HOST_PACKAGES = ['ironic-api', 'ironic-conductor', 'python3-ironicclient'] as const;

/** The profile of every suite. */
export const SUITE_PROFILES: Readonly<Record<IronicSuite, SuiteProfile>> = {
  bookworm: {
    suite: 'bookworm',
    series: '21.4',
    fromHost: true,
    packages: [...HOST_PACKAGES, 'ironic-inspector'],
    inspection: 'inspector',
    gracefulShutdownSection: 'DEFAULT',
    newerOptions: false,
  },
  trixie: {
    suite: 'trixie',
    series: '29.0',
    fromHost: false,
    packages: [...HOST_PACKAGES],
    inspection: 'agent',
    inspectionHooks: '$default_hooks,memory,root-device',
    gracefulShutdownSection: 'DEFAULT',
    newerOptions: true,
  },
  forky: {
    suite: 'forky',
    series: '35.0',
    fromHost: false,
    // ostree: the reprovision tests run forky's (2026.x: `admin set-default`,
    // `admin status --json`), which Debian 12's 2022.7 lacks (testbed/ostree-tools.ts).
    // qemu-system-x86: the VM tier runs forky's qemu when this root has it
    // (testbed/vm/qemu-binary.ts): its TCG boots the guests faster than Debian 12's 7.2.
    packages: [...HOST_PACKAGES, 'ostree', 'qemu-system-x86'],
    inspection: 'agent',
    inspectionHooks: '$default_hooks,cpus,memory,root-device',
    gracefulShutdownSection: 'conductor',
    newerOptions: true,
  },
};

/** The environment variable that selects the suites of a test run. */
export const SUITES_ENV = 'ICA_IRONIC_SUITES';

/**
 * Parse a comma-separated list of suites (e.g. `ICA_IRONIC_SUITES=bookworm,forky`).
 * Empty or unset means all of them; order follows {@link IRONIC_SUITES}.
 * @throws Error naming the unknown suite and the valid ones.
 */
export function parseSuites(value: string | undefined): IronicSuite[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) return [...IRONIC_SUITES];
  for (const name of names) {
    if (!isIronicSuite(name))
      throw new Error(`${SUITES_ENV}: unknown suite "${name}"; valid suites are ${IRONIC_SUITES.join(', ')}`);
  }
  return IRONIC_SUITES.filter((s) => names.includes(s));
}

/** Type guard for {@link IronicSuite}. */
export function isIronicSuite(name: string): name is IronicSuite {
  return (IRONIC_SUITES as readonly string[]).includes(name);
}

/**
 * The upstream version in a Debian version string: `1:29.0.5-0+deb13u3` → `29.0.5`.
 * @returns undefined when the string does not look like a Debian version
 */
export function upstreamVersion(debianVersion: string): string | undefined {
  const match = /^(?:\d+:)?([0-9][0-9A-Za-z.+~]*?)(?:-[0-9A-Za-z.+~]+)?$/.exec(debianVersion.trim());
  return match?.[1];
}

/**
 * The version of an installed package as recorded in a dpkg status file.
 * @returns the Debian version, or undefined when the package is not installed
 */
export function installedVersion(statusText: string, pkg: string): string | undefined {
  for (const stanza of statusText.split(/\n\n+/)) {
    if (!stanza.startsWith(`Package: ${pkg}\n`)) continue;
    if (!/^Status: install ok installed$/m.test(stanza)) return undefined;
    return /^Version: (.+)$/m.exec(stanza)?.[1];
  }
  return undefined;
}

/**
 * The installed Ironic version under `root` ('/' for the machine itself),
 * e.g. `29.0.5`; undefined when Ironic is not installed there (yet).
 */
export function ironicVersionIn(root: string): string | undefined {
  const status = `${root.replace(/\/$/, '')}/var/lib/dpkg/status`;
  if (!existsSync(status)) return undefined;
  const version = installedVersion(readFileSync(status, 'utf8'), 'python3-ironic');
  return version === undefined ? undefined : upstreamVersion(version);
}
