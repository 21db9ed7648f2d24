/**
 * The `erase_devices_express` step: NVMe secure erase where the namespace
 * supports it, metadata erase for everything else.
 * Port of IPA GenericHardwareManager.erase_devices_express.
 */
import { BlockDeviceEraseError } from '../../../../common/errors.js';
import type { BlockDevice, Node } from '../../types.js';
import type { BusyWaitOptions } from './busy.js';
import type { EraseDeps, SafetyCheck } from './deps.js';
import { errorText, guardedDevices, listErasableDevices, type EraseTarget } from './device-checks.js';
import { readEraseFlags } from './flags.js';
import { describeFailures, destroyDiskMetadata } from './metadata.js';
import { isNvme, nvmeErase } from './nvme.js';

/** Arguments of {@link eraseDevicesExpress}. */
export interface EraseExpressOptions extends EraseDeps {
  /** Allowlisted, skip-list-filtered disks with their partitions. */
  devices: readonly BlockDevice[];
  node: Node;
  guard: SafetyCheck;
  busyWait?: BusyWaitOptions;
}

/**
 * Express-erase every erasable device (partitions before disks). Every device
 * passes the safety check first. NVMe format is tried only on whole NVMe
 * namespaces (IPA also tries it on their partitions, where nvme-cli fails and
 * the metadata erase runs anyway).
 * @throws ProtectedDeviceError from the guard, before anything is written
 * @throws BlockDeviceEraseError listing every device that failed
 */
export async function eraseDevicesExpress(options: EraseExpressOptions): Promise<void> {
  const flags = readEraseFlags(options.node);
  const targets = await listErasableDevices(options, options.devices);
  if (targets.length === 0) {
    options.logger.debug('No erasable devices have been found');
    return;
  }
  for (const name of guardedDevices(options.devices, targets)) await options.guard(options.node, name);
  const failures = new Map<string, string>();
  const disks = targets.filter((t) => !t.isPartition).map((t) => t.name);
  for (const target of targets) {
    const failure = await expressErase(options, flags.enableNvmeSecureErase, target, disks);
    if (failure !== null) failures.set(target.name, failure);
  }
  if (failures.size > 0) {
    throw new BlockDeviceEraseError(
      `Failed to conduct an express erase on the device(s): ${describeFailures(failures, '\n')}`,
    );
  }
}

/** Erase one target; `disks` are the whole disks being erased. Returns the failure text or null. */
async function expressErase(
  options: EraseExpressOptions,
  nvmeEnabled: boolean,
  target: EraseTarget,
  disks: readonly string[],
): Promise<string | null> {
  let secureError: string | null = null;
  if (nvmeEnabled && !target.isPartition && isNvme(target.name)) {
    try {
      if (await nvmeErase(options, target.name, disks)) return null;
    } catch (error) {
      if (!(error instanceof BlockDeviceEraseError)) throw error;
      options.logger.error('Failed to securely erase device, falling back to metadata clean', {
        device: target.name,
        error: error.message,
      });
      secureError = error.message;
    }
  }
  try {
    await destroyDiskMetadata(options, target.name, options.node.uuid, options.busyWait);
    return null;
  } catch (error) {
    options.logger.error('Failed to erase the metadata on device', { device: target.name, error: errorText(error) });
    return secureError === null
      ? errorText(error)
      : `Secure erase failed: ${secureError}. Fallback to metadata erase also failed: ${errorText(error)}.`;
  }
}
