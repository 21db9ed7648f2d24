/**
 * Small facts about the machine the test bed runs on: local addresses, free
 * ports, and whether the test bed can run here at all.
 */
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { SUITE_PROFILES, type IronicSuite } from './ironic-suites.js';

/** True when `ip` is configured on an interface of this (root) network namespace. */
export function isLocalAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((a) => a.family === 'IPv4' && a.address === ip),
  );
}

/** True when a TCP listener can bind `host:port` right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel reports free on `host` (bind to port 0, read it, close). */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`No free port on ${host}`))));
    });
  });
}

/** Ironic's programs on the machine (bookworm's Ironic; newer ones run from roots, testbed/ironic-roots.ts). */
export const IRONIC_PROGRAMS: ReadonlyArray<readonly [path: string, pkg: string]> = [
  ['/usr/bin/ironic', 'ironic-api ironic-conductor'],
  ['/usr/bin/ironic-dbsync', 'ironic-conductor'],
  ['/usr/bin/baremetal', 'python3-ironicclient'],
];

/** Programs the test bed runs, and the Debian package that provides each. */
export const REQUIRED_PROGRAMS: ReadonlyArray<readonly [path: string, pkg: string]> = [
  ...IRONIC_PROGRAMS,
  ['/usr/bin/ip', 'iproute2'],
  ['/usr/bin/unshare', 'util-linux'],
  ['/usr/sbin/losetup', 'util-linux'],
];

/** Extra programs needed only with `inspector: true`. */
export const INSPECTOR_PROGRAMS: ReadonlyArray<readonly [path: string, pkg: string]> = [
  ['/usr/bin/ironic-inspector', 'ironic-inspector'],
  ['/usr/bin/ironic-inspector-dbsync', 'ironic-inspector'],
];

/**
 * Why the test bed cannot run here, or undefined when it can: it needs root
 * (network namespaces, loop devices, mounts) and the Debian packages listed in
 * {@link REQUIRED_PROGRAMS} (and {@link INSPECTOR_PROGRAMS} when asked). With a
 * `suite` whose Ironic runs from a root, Ironic's own programs come from that
 * root (whether it is built, or can be, is `rootUnavailableReason`'s answer).
 */
export function testbedUnavailableReason(withInspector = false, suite: IronicSuite = 'bookworm'): string | undefined {
  if (process.getuid?.() !== 0) return 'the test bed needs root (network namespaces, loop devices, mounts)';
  const profile = SUITE_PROFILES[suite];
  if (withInspector && profile.inspection !== 'inspector')
    return `the test bed runs no ironic-inspector for ${suite}: its Ironic inspects with the "agent" interface`;
  const fromHost = withInspector ? [...REQUIRED_PROGRAMS, ...INSPECTOR_PROGRAMS] : REQUIRED_PROGRAMS;
  const ironic = new Set<readonly [string, string]>([...IRONIC_PROGRAMS, ...INSPECTOR_PROGRAMS]);
  const programs = profile.fromHost ? fromHost : fromHost.filter((entry) => !ironic.has(entry));
  const missing = programs.filter(([path]) => !isExecutable(path));
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  return `missing ${missing.map(([path]) => path).join(', ')}: apt-get install ${pkgs} (see .ci/install-debian-deps)`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
