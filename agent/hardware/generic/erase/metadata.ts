/**
 * The `erase_devices_metadata` step: wipe partition tables and filesystem
 * signatures on every erasable disk and partition, without zeroing whole disks.
 *
 * Port of IPA GenericHardwareManager.erase_devices_metadata and
 * disk_utils.destroy_disk_metadata.
 */
import { BlockDeviceEraseError, CommandExecutionError } from '../../../../common/errors.js';
import type { BlockDevice, Node } from '../../types.js';
import { waitUntilNotBusy, type BusyWaitOptions } from './busy.js';
import { C_LOCALE, type EraseDeps, type SafetyCheck } from './deps.js';
import { byDisk, errorText, guardedDevices, listErasableDevices, type EraseTarget } from './device-checks.js';
import { gptZeroCommands, planGptZero, type GptZeroPlan } from './gpt-zero.js';
import { zapCommands, type ZapCommand, type ZapMethod } from './zap.js';

/** Arguments of {@link eraseDevicesMetadata}. */
export interface EraseMetadataOptions extends EraseDeps {
  /** Allowlisted, skip-list-filtered disks with their partitions. Nothing else is touched. */
  devices: readonly BlockDevice[];
  node: Node;
  /** Safety check run on every device before anything is written. */
  guard: SafetyCheck;
  /** fuser polling after each device. */
  busyWait?: BusyWaitOptions;
  /** How sgdisk's part is done (zap.ts). Default `sectors`; `sgdisk` is IPA's command, about 1 s per device. */
  zap?: ZapMethod;
}

/**
 * Destroy the metadata of every erasable device (partitions before their disk;
 * virtual media, RAID members and read-only devices skipped).
 *
 * Every device passes the safety check before the first one is written (IPA
 * checks each device just before wiping it, so a refusal could come after
 * other disks were already wiped). Then the disks are wiped concurrently.
 * Failures are collected per device.
 * @throws ProtectedDeviceError from the guard, before anything is written
 * @throws BlockDeviceEraseError listing every device that failed
 */
export async function eraseDevicesMetadata(options: EraseMetadataOptions): Promise<void> {
  const targets = await listErasableDevices(options, options.devices);
  for (const name of guardedDevices(options.devices, targets)) await options.guard(options.node, name);
  const failures = await wipeAll(options, targets);
  if (failures.size > 0) {
    throw new BlockDeviceEraseError(
      `Failed to erase the metadata on the device(s): ${describeFailures(failures, '; ')}`,
    );
  }
}

/**
 * Wipe the disks concurrently, each disk's partitions one after the other
 * before the disk itself (IPA wipes every device in turn; the disks share no
 * sectors). A failure stops nothing else. Returns the failures in erase order.
 */
async function wipeAll(options: EraseMetadataOptions, targets: readonly EraseTarget[]): Promise<Map<string, unknown>> {
  const outcome = new Map<string, unknown>();
  const wipeDisk = async (group: readonly EraseTarget[]): Promise<void> => {
    for (const target of group) {
      try {
        await destroyDiskMetadata(options, target.name, options.node.uuid, options.busyWait, options.zap);
      } catch (error) {
        const fields = { device: target.name, error: errorText(error) };
        options.logger.error('Failed to erase the metadata on device', fields);
        outcome.set(target.name, error);
      }
    }
  };
  await Promise.all(byDisk(options.devices, targets).map(wipeDisk));
  return new Map(targets.filter((t) => outcome.has(t.name)).map((t) => [t.name, outcome.get(t.name)]));
}

/**
 * Wipe one device: `wipefs --force --all`, zero both GPT copies with dd,
 * what `sgdisk -Z` zeroes on top (zap.ts: one more sector and a partition
 * table re-read, or sgdisk itself), then wait until no process holds the device.
 * Port of IPA disk_utils.destroy_disk_metadata.
 * @throws CommandExecutionError when a command fails (sgdisk included: IPA tolerates no sgdisk exit code)
 * @throws DeviceNotFound when the device stays busy
 */
export async function destroyDiskMetadata(
  deps: EraseDeps,
  device: string,
  nodeUuid: string,
  busyWait?: BusyWaitOptions,
  zap: ZapMethod = 'sectors',
): Promise<void> {
  deps.logger.debug('Start destroy disk metadata', { node: nodeUuid, device });
  await wipeSignatures(deps, device);
  const sectorSize = await readNumber(deps, ['blockdev', '--getss', device]);
  const size = await readNumber(deps, ['blockdev', '--getsize64', device]);
  for (const argv of gptZeroCommands(device, planFor(device, size, sectorSize))) await deps.runner.run(argv, C_LOCALE);
  for (const command of zapCommands(device, size, sectorSize, zap)) await runZap(deps, device, command);
  await waitUntilNotBusy(deps, device, busyWait);
  deps.logger.info('Disk metadata successfully destroyed', { node: nodeUuid, device });
}

/** wipefs, retried without --force only when wipefs itself rejects that option (old util-linux). */
async function wipeSignatures(deps: EraseDeps, device: string): Promise<void> {
  try {
    await deps.runner.run(['wipefs', '--force', '--all', device], C_LOCALE);
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    if (typeof stderr !== 'string' || !stderr.includes('--force')) throw error;
    deps.logger.warn('wipefs does not support --force, retrying without it', { device });
    await deps.runner.run(['wipefs', '--all', device], C_LOCALE);
  }
}

async function runZap(deps: EraseDeps, device: string, command: ZapCommand): Promise<void> {
  const options = command.okExitCodes === undefined ? C_LOCALE : { ...C_LOCALE, okExitCodes: command.okExitCodes };
  const { exitCode, stderr } = await deps.runner.run(command.argv, options);
  if (exitCode !== 0)
    deps.logger.debug('The kernel kept the old partition table', { device, stderr: stderr.trim().slice(0, 200) });
}

function planFor(device: string, size: number, sectorSize: number): GptZeroPlan {
  try {
    return planGptZero(size, sectorSize);
  } catch (error) {
    throw new BlockDeviceEraseError(`Cannot zero the GPT of ${device}: ${errorText(error)}`, { cause: error });
  }
}

async function readNumber(deps: EraseDeps, argv: string[]): Promise<number> {
  const { stdout } = await deps.runner.run(argv);
  const text = stdout.trim();
  if (!/^\d+$/.test(text))
    throw new CommandExecutionError(`${argv.join(' ')} printed ${JSON.stringify(text)} instead of a number`);
  return Number(text);
}

/** `"<device>": <message>` entries joined with `separator`, in IPA's error format. */
export function describeFailures(failures: ReadonlyMap<string, unknown>, separator: string): string {
  return [...failures].map(([device, error]) => `"${device}": ${errorText(error)}`).join(separator);
}
