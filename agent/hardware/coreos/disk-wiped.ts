/**
 * Is a stamped disk wiped? Lets a stale install stamp be replaced after the
 * node was cleaned in the same agent boot (fast-track): a disk that carries no
 * partition table and no filesystem signature (`wipefs --no-act`, read-only)
 * holds nothing a second install could mix with. A disk still holding a
 * partition table (e.g. an interrupted install) is not wiped.
 */
import type { Runner } from '../../../common/exec/runner.js';
import type { BlockDevice } from '../types.js';
import { sameDisk, type DiskIdentity } from './stamp.js';

/**
 * True when `wipefs --no-act --json <path>` lists no signature at all
 * (partition tables, including a backup GPT, and filesystems). Any failure
 * to probe counts as not blank.
 */
export async function diskIsBlank(runner: Runner, path: string): Promise<boolean> {
  try {
    const { stdout } = await runner.run(['wipefs', '--no-act', '--json', path]);
    if (stdout.trim() === '') return true;
    const signatures = (JSON.parse(stdout) as { signatures?: unknown }).signatures;
    return Array.isArray(signatures) && signatures.length === 0;
  } catch {
    return false;
  }
}

/**
 * Build the stamp's wiped check: the stamped disk must still be at its path
 * (its identity re-read there matches the stamp; `current` is the identity
 * just read for `device`) and be blank.
 */
export function stampedDiskWiped(
  runner: Runner,
  device: BlockDevice,
  current: DiskIdentity,
  identity: (device: BlockDevice) => Promise<DiskIdentity>,
): (stamped: DiskIdentity) => Promise<boolean> {
  return async (stamped) => {
    const there =
      stamped.path === device.name ? current : await identity({ ...device, name: stamped.path }).catch(() => null);
    return there !== null && sameDisk(stamped, there) && diskIsBlank(runner, stamped.path);
  };
}
