/**
 * The line the CoreOS-like image writes on the testisocompletion port once it
 * has booted (testbed/vm/guest-tree/usr/lib/ica-vm/report-boot), parsed (pure).
 */

/** The first word of the line the image writes on the completion port once booted. */
export const BOOTED_MARKER = 'ICA-VM-BOOTED';

/** The first word of the line the initramfs writes when it gives up (dracut module 99ica-coreos). */
export const EMERGENCY_MARKER = 'ICA-VM-EMERGENCY';

/** What a booted image reports. Lists are empty where the guest said `none`. */
export interface BootReport {
  /** The `ostree=` kernel argument: the deployment's boot link. */
  ostree: string;
  ostreeBooted: boolean;
  /** The guest's libostree version (`ostree --version`), e.g. `2026.4`; `unknown` when it printed none. */
  ostreeVersion: string;
  /** Whether `ostree admin status --json` printed deployments (ostree >= 2025.3). */
  ostreeStatusJson: boolean;
  /** Whether `ignition.firstboot` was on the kernel command line. */
  ignitionFirstboot: boolean;
  /** `systemctl is-system-running` once the boot finished: `running`, or `degraded` when a unit failed. */
  system: string;
  hostname: string;
  /** What is left of /boot/ignition.firstboot and /boot/ignition. */
  bootIgnition: string[];
  /** The comments of user core's authorized SSH keys. */
  coreKeys: string[];
  /** /etc/ica's files by name. */
  etcIca: Record<string, { mode: string; sha256: string }>;
  /** ica-* units (other than the image's own ica-vm-*) by name. */
  units: Record<string, { enabled: string; active: string }>;
}

/** Thrown when a line is not a boot report. */
export class BootReportError extends Error {
  override readonly name = 'BootReportError';
}

/**
 * Parses a report line.
 * @throws BootReportError when the marker or a field is missing or malformed.
 */
export function parseBootReport(line: string): BootReport {
  const [marker, ...words] = line.trim().split(/\s+/);
  if (marker !== BOOTED_MARKER) throw new BootReportError(`not a boot report (expected ${BOOTED_MARKER}): ${line}`);
  const fields = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new BootReportError(`malformed field '${word}' in boot report: ${line}`);
    fields.set(word.slice(0, eq), word.slice(eq + 1));
  }
  const field = (key: string): string => {
    const value = fields.get(key);
    if (value === undefined) throw new BootReportError(`boot report has no '${key}=': ${line}`);
    return value;
  };
  const list = (key: string): string[] => (field(key) === 'none' ? [] : field(key).split(','));
  const triples = (key: string): Array<[string, string, string]> =>
    list(key).map((item) => {
      const parts = item.split(':');
      if (parts.length !== 3) throw new BootReportError(`malformed '${key}' item '${item}' in boot report: ${line}`);
      return parts as [string, string, string];
    });
  return {
    ostree: field('ostree'),
    ostreeBooted: field('ostree-booted') === 'yes',
    ostreeVersion: field('ostree-version'),
    ostreeStatusJson: field('ostree-status-json') === 'yes',
    ignitionFirstboot: field('ignition.firstboot') === 'yes',
    system: field('system'),
    hostname: field('hostname'),
    bootIgnition: list('boot-ignition'),
    coreKeys: list('core-keys'),
    etcIca: Object.fromEntries(triples('etc-ica').map(([name, mode, sha256]) => [name, { mode, sha256 }])),
    units: Object.fromEntries(triples('units').map(([name, enabled, active]) => [name, { enabled, active }])),
  };
}

/**
 * Whether a dotted version (ostree's `2026.4`) is at least `minimum`, compared
 * number by number (`2025.10` > `2025.3`); a missing part counts as 0.
 * @throws BootReportError when either is not a dotted version (e.g. `unknown`).
 */
export function isVersionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string): number[] => {
    if (!/^\d+(\.\d+)*$/.test(v)) throw new BootReportError(`not a dotted version: '${v}'`);
    return v.split('.').map(Number);
  };
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    if (x !== y) return x > y;
  }
  return true;
}
