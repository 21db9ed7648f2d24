/**
 * The shared-storage guard run before anything writes to a device: cleaning
 * (every erase step) and install_coreos.
 *
 * Port of IPA hardware.safety_check_block_device and
 * _check_for_special_partitions_filesystems: refuse devices that look like
 * clustered storage (IBM GPFS, VMware VMFS, Red Hat GFS2), because other
 * machines may be using them.
 *
 * Deliberate differences from IPA, all on the safe side:
 * - the partitions the kernel lists are checked as well as the device, and
 *   besides lsblk (empty without udev) `blkid -p` probes each directly;
 * - the disk's own partition tables (MBR, EBR chain, primary AND backup GPT)
 *   are read and every entry is checked (type, name, and a filesystem probe
 *   at its offset), whether or not the kernel registered it;
 * - GUIDs are compared case-insensitively; the filesystem type is actually
 *   read (IPA's lsblk call omits FSTYPE); VMFS itself and partition names
 *   that announce GPFS/VMFS are guarded too (see protected-ids.ts).
 */
import { ProtectedDeviceError } from '../../../../common/errors.js';
import type { Runner } from '../../../../common/exec/runner.js';
import type { Logger } from '../../../logger.js';
import type { Node } from '../../types.js';
import type { SafetyCheck } from './deps.js';
import { kernelEvidence } from './kernel-evidence.js';
import { onDiskEvidence, readGeometry } from './on-disk-evidence.js';
import type { DiskReader } from './on-disk-tables.js';
import { findProtected } from './protected-ids.js';

export {
  GUARDED_FS_TYPES,
  GUARDED_IDS,
  GUARDED_LABELS,
  findProtected,
  type DeviceEvidence,
  type ProtectedFinding,
} from './protected-ids.js';
export { LSBLK_COLUMNS, evidenceOf, parseBlkidExport, parseLsblkTree, type LsblkNode } from './kernel-evidence.js';

/**
 * True when the node opts out of the guard: IPA skips it when
 * `driver_internal_info.wipe_special_filesystems` is explicitly false.
 */
export function guardDisabledByNode(node: Node): boolean {
  const value = node.driver_internal_info?.['wipe_special_filesystems'];
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

/** Options for {@link createSafetyCheck}. */
export interface SafetyCheckOptions {
  runner: Runner;
  logger: Logger;
  /** Reads the disk's own partition tables. */
  disk: DiskReader;
  /** The agent's `guard_special_filesystems` option (AgentConfig.guardSpecialFilesystems). */
  enabled: boolean;
}

/**
 * Build the safety check: read-only probes of the device, the partitions the
 * kernel lists, and every partition its own tables describe.
 * @throws ProtectedDeviceError when protected storage is found
 * @throws BlockDeviceError when the device cannot be read or lsblk output decoded (fails closed)
 */
export function createSafetyCheck(options: SafetyCheckOptions): SafetyCheck {
  return async (node: Node, device: string): Promise<void> => {
    if (!options.enabled || guardDisabledByNode(node)) {
      options.logger.debug('Special filesystem guard disabled', { device });
      return;
    }
    // Drop this host's cached blocks first: another host sharing the disk may
    // have written it since, and every probe below must see the disk itself.
    const geometry = await readGeometry(options.runner, device);
    const finding =
      findProtected(await kernelEvidence(options.runner, device)) ??
      findProtected(await onDiskEvidence(options.runner, options.disk, device, geometry));
    if (finding !== null) {
      options.logger.error('Refusing to write to a protected device', {
        device,
        found_on: finding.device,
        what: finding.what,
      });
      throw new ProtectedDeviceError(finding.device, finding.what);
    }
  };
}
