/**
 * The `erase_devices` step: erase every disk completely, with the drive's own
 * secure erase when it has one, else by overwriting it with shred.
 *
 * Port of IPA HardwareManager.erase_devices and GenericHardwareManager
 * erase_block_device / _shred_block_device.
 */
import { BlockDeviceEraseError, IncompatibleHardwareMethodError } from '../../../../common/errors.js';
import type { BlockDevice, Node } from '../../types.js';
import { ataErase } from './ata.js';
import type { EraseDeps, SafetyCheck } from './deps.js';
import { errorText, isLinuxRaidMember, isReadOnlyDevice, isVirtualMediaDevice } from './device-checks.js';
import { readEraseFlags, type EraseFlags } from './flags.js';
import { isNvme, nvmeErase } from './nvme.js';

/** Erases one device; the result becomes that device's entry in the step result. */
export type EraseOne = (node: Node, device: BlockDevice) => Promise<unknown>;

/** Arguments of {@link eraseDevices}. */
export interface EraseDevicesOptions extends EraseDeps {
  /** Allowlisted, skip-list-filtered disks (partitions are not erased separately). */
  devices: readonly BlockDevice[];
  node: Node;
  guard: SafetyCheck;
  /**
   * How to erase one disk. Default: the generic {@link eraseBlockDevice}. A manager
   * may pass a function that dispatches to a more specific manager first, as IPA
   * dispatches `erase_block_device`.
   */
  eraseOne?: EraseOne;
}

/**
 * Erase every given disk, `disk_erasure_concurrency` at a time.
 * Flags are validated and every disk passes the safety check before the first erase starts.
 * @returns `{<device name>: <result of eraseOne>}` (null for the generic erase), `{}` for no disks
 * @throws InvalidCommandParamsError for malformed flags, ProtectedDeviceError from the guard,
 *   else the first failure in device order once every erase has finished
 */
export async function eraseDevices(options: EraseDevicesOptions): Promise<Record<string, unknown>> {
  const flags = readEraseFlags(options.node);
  if (options.devices.length === 0) return {};
  for (const device of options.devices) await options.guard(options.node, device.name);
  const erasing = options.devices.map((d) => d.name);
  const eraseOne: EraseOne = options.eraseOne ?? ((node, device) => eraseBlockDevice(options, node, device, erasing));
  const settled = await mapLimit(options.devices, Math.min(flags.concurrency, options.devices.length), (d) =>
    eraseOne(options.node, d),
  );
  const results: Record<string, unknown> = {};
  let firstFailure: { error: unknown } | undefined;
  for (const [index, outcome] of settled.entries()) {
    const name = options.devices[index]?.name ?? String(index);
    if (outcome.status === 'fulfilled') {
      results[name] = outcome.value ?? null;
      continue;
    }
    options.logger.error('Failed to erase block device', { device: name, error: errorText(outcome.reason) });
    firstFailure ??= { error: outcome.reason };
  }
  if (firstFailure !== undefined) throw firstFailure.error;
  return results;
}

/**
 * Erase one disk: skip virtual media and RAID members; refuse read-only disks
 * unless `agent_erase_skip_read_only`; NVMe format or ATA secure erase when
 * enabled and supported; shred otherwise. After a failed secure erase, shred
 * runs only when `agent_continue_if_secure_erase_failed` allows it.
 * @param erasing - every disk being erased in this step (NVMe format is refused
 *   when it would also erase a namespace outside it). Default: only `device`.
 * @returns null
 * @throws BlockDeviceEraseError for a read-only disk
 * @throws IncompatibleHardwareMethodError when the disk could not be erased (lets
 *   dispatch try another manager, as in IPA)
 */
export async function eraseBlockDevice(
  deps: EraseDeps,
  node: Node,
  device: BlockDevice,
  erasing: readonly string[] = [device.name],
): Promise<null> {
  const flags = readEraseFlags(node);
  if (await isVirtualMediaDevice(deps, device.name)) {
    deps.logger.info('Skipping erase of virtual media device', { device: device.name });
    return null;
  }
  if (await isLinuxRaidMember(deps, device.name)) {
    deps.logger.info('Skipping erase of RAID member device', { device: device.name });
    return null;
  }
  if (await isReadOnlyDevice(deps, device)) {
    if (flags.skipReadOnly) {
      deps.logger.info('Skipping erase of read-only device', { device: device.name });
      return null;
    }
    const text = `Failed to invoke erase of device ${device.name} as the device is flagged read-only, and the conductor has not signaled this is a permitted case.`;
    deps.logger.error('Refusing to erase read-only device', { device: device.name });
    throw new BlockDeviceEraseError(text);
  }
  if (await secureErase(deps, flags, device.name, erasing)) return null;
  if (await shredBlockDevice(deps, flags, device.name)) return null;
  deps.logger.error('Unable to erase block device: unsupported', { device: device.name });
  throw new IncompatibleHardwareMethodError(`Unable to erase block device ${device.name}: device is unsupported.`);
}

/** Secure erase when enabled; false means "not done, shred may run". */
async function secureErase(
  deps: EraseDeps,
  flags: EraseFlags,
  device: string,
  erasing: readonly string[],
): Promise<boolean> {
  try {
    if (isNvme(device)) return flags.enableNvmeSecureErase && (await nvmeErase(deps, device, erasing));
    return flags.enableAtaSecureErase && (await ataErase(deps, device));
  } catch (error) {
    if (!(error instanceof BlockDeviceEraseError)) throw error;
    if (!flags.continueIfSecureEraseFailed) {
      deps.logger.error('Secure erase failed and fallback to shred is not enabled', { device, error: error.message });
      throw new IncompatibleHardwareMethodError(
        `Failed to invoke secure erase, fallback to shred is not enabled: ${error.message}`,
        { cause: error },
      );
    }
    deps.logger.warn('Secure erase failed, falling back to shred', { device, error: error.message });
    return false;
  }
}

/**
 * Overwrite the device with `shred` (`agent_erase_devices_iterations` random
 * passes, then zeros unless `agent_erase_devices_zeroize` is false).
 * @returns false when shred fails (logged)
 */
export async function shredBlockDevice(
  deps: EraseDeps,
  flags: Pick<EraseFlags, 'iterations' | 'zeroize'>,
  device: string,
): Promise<boolean> {
  const argv = [
    'shred',
    '--force',
    ...(flags.zeroize ? ['--zero'] : []),
    '--verbose',
    '--iterations',
    String(flags.iterations),
    device,
  ];
  try {
    await deps.runner.run(argv, { onLine: (line) => deps.logger.debug('shred progress', { device, line }) });
    return true;
  } catch (error) {
    deps.logger.error('Erasing block device with shred failed', { device, error: errorText(error) });
    return false;
  }
}

/** Run `fn` over `items` with at most `limit` in flight; settles every item. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}
