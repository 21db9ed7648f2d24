/**
 * Check that the disk the installer is about to write (identity read by path
 * with lsblk) is the BlockDevice the root device hints selected. Device names
 * can shift between selection and the first identity read (hot-plug, rescan);
 * the stamp re-check only compares two reads of the same path, so without this
 * a shifted name would pass both reads and the installer would write to the
 * wrong disk.
 */
import { DeploymentError } from '../../../common/errors.js';
import type { BlockDevice } from '../types.js';
import { describeDisk, type DiskIdentity } from './stamp.js';

/** Lowercased, trimmed, non-empty values. */
function known(values: (string | null | undefined)[]): Set<string> {
  return new Set(values.map((v) => (v ?? '').trim().toLowerCase()).filter((v) => v !== ''));
}

/** True when `value` is unknown, nothing is known on the device side, or it is among the device's values. */
function consistent(value: string | null, device: Set<string>): boolean {
  const v = (value ?? '').trim().toLowerCase();
  return v === '' || device.size === 0 || device.has(v);
}

/**
 * Require `disk` (read by path) to match the selected `device`: same path and
 * size, and serial/WWN consistent with what the device is known by (compared
 * only when known on both sides).
 * @throws DeploymentError ("The target disk changed before installing ...") otherwise
 */
export function checkSelectedDisk(device: BlockDevice, disk: DiskIdentity): void {
  const serials = known([device.serial, ...(device.all_serials ?? [])]);
  const wwns = known([device.wwn, ...(device.all_wwns ?? [])]);
  if (
    disk.path === device.name &&
    disk.size === device.size &&
    consistent(disk.serial, serials) &&
    consistent(disk.wwn, wwns)
  )
    return;
  const selected = `${device.name} (${device.size} bytes, serial ${[...serials].join('/') || 'none'}, wwn ${[...wwns].join('/') || 'none'})`;
  throw new DeploymentError(
    `The target disk changed before installing: the root device hints selected ${selected}, but found ${describeDisk(disk)}; ` +
      'nothing was written. Check the root device hints and retry the deployment',
  );
}
