/**
 * NVMe secure erase through nvme-cli. Port of IPA GenericHardwareManager._nvme_erase,
 * plus one safety rule IPA lacks: when the controller's format or secure erase
 * applies to all namespaces (FNA bits 0/1), format only when every namespace
 * sharing it is being erased too.
 */
import { basename } from 'node:path';
import { BlockDeviceEraseError } from '../../../../common/errors.js';
import { errorText } from './device-checks.js';
import type { EraseDeps } from './deps.js';

/** OACS bit 1: the controller supports the Format NVM command. */
export const NVME_FORMAT_SUPPORTED = 0b10;
/** FNA bit 0: a format of one namespace formats all namespaces. */
export const NVME_FORMAT_ALL_NAMESPACES = 0b1;
/** FNA bit 1: a secure erase of one namespace erases all namespaces. */
export const NVME_SECURE_ERASE_ALL_NAMESPACES = 0b10;
/** FNA bit 2: cryptographic erase is supported as a secure erase setting. */
export const NVME_CRYPTO_FORMAT_SUPPORTED = 0b100;

/** `nvme format -s` secure erase settings. */
export const SecureEraseSetting = { USER_DATA: 1, CRYPTO: 2 } as const;
/** A secure erase setting value. */
export type SecureEraseSettingValue = (typeof SecureEraseSetting)[keyof typeof SecureEraseSetting];

/** True for NVMe namespaces and their partitions, by name, as IPA _is_nvme. */
export function isNvme(device: string): boolean {
  return device.startsWith('/dev/nvme');
}

/**
 * The secure erase setting for `nvme id-ctrl -o json` output: crypto erase
 * when FNA advertises it, else user-data erase, or a reason when the
 * controller cannot format at all. `allNamespaces` is true when that format
 * (always a secure erase, -s 1 or 2) would hit every namespace: FNA bit 0 or 1.
 */
export function nvmeFormatMode(
  idCtrlJson: string,
): { mode: SecureEraseSettingValue; allNamespaces: boolean } | { problem: 'no-information' | 'no-format' } {
  let info: unknown;
  try {
    info = JSON.parse(idCtrlJson);
  } catch {
    return { problem: 'no-information' };
  }
  if (typeof info !== 'object' || info === null || Object.keys(info).length === 0) return { problem: 'no-information' };
  const { oacs, fna } = info as { oacs?: unknown; fna?: unknown };
  if (typeof oacs !== 'number' || (oacs & NVME_FORMAT_SUPPORTED) === 0) return { problem: 'no-format' };
  const bits = typeof fna === 'number' ? fna : 0;
  const crypto = (bits & NVME_CRYPTO_FORMAT_SUPPORTED) !== 0;
  const allNamespaces = (bits & (NVME_FORMAT_ALL_NAMESPACES | NVME_SECURE_ERASE_ALL_NAMESPACES)) !== 0;
  return { mode: crypto ? SecureEraseSetting.CRYPTO : SecureEraseSetting.USER_DATA, allNamespaces };
}

/**
 * The namespaces sharing `device`'s controller (or, with native multipath,
 * subsystem): the `nvmeXnY` entries of `/sys/class/block/<ns>/device`.
 * @returns `/dev/...` names, sorted
 * @throws BlockDeviceEraseError when they cannot be listed or the list lacks `device`
 */
export async function nvmeSiblingNamespaces(deps: EraseDeps, device: string): Promise<string[]> {
  const dir = `/sys/class/block/${basename(device)}/device`;
  let entries: string[];
  try {
    entries = await deps.fs.readdir(dir);
  } catch (error) {
    throw new BlockDeviceEraseError(`Cannot list the NVMe namespaces sharing ${device} (${dir}): ${errorText(error)}`, {
      cause: error,
    });
  }
  const names = entries
    .filter((e) => /^nvme\d+n\d+$/.test(e))
    .map((e) => `/dev/${e}`)
    .sort();
  if (!names.includes(device))
    throw new BlockDeviceEraseError(`Cannot list the NVMe namespaces sharing ${device}: ${dir} does not list it`);
  return names;
}

/**
 * Format the namespace with the most secure setting it supports.
 * @param erasing - every device being erased in this step; when the format
 *   applies to all namespaces, each of them must be in this list
 * @returns true once formatted
 * @throws BlockDeviceEraseError when capabilities cannot be read, format is unsupported,
 *   it would erase a namespace outside `erasing` (or they cannot be listed), or format fails
 */
export async function nvmeErase(deps: EraseDeps, device: string, erasing: readonly string[]): Promise<boolean> {
  let stdout: string;
  try {
    deps.logger.debug('Fetching NVMe capabilities', { device });
    ({ stdout } = await deps.runner.run(['nvme', 'id-ctrl', device, '-o', 'json']));
  } catch (error) {
    deps.logger.error('Failed to fetch NVMe capabilities', { device, error: errorText(error) });
    throw new BlockDeviceEraseError(`Failed to fetch NVMe capabilities for device ${device}: ${errorText(error)}`, {
      cause: error,
    });
  }
  const decided = nvmeFormatMode(stdout);
  if ('problem' in decided) {
    const text =
      decided.problem === 'no-format'
        ? `nvme-cli did not return any supported format modes for device: ${device}`
        : `nvme-cli did not return any information for device: ${device}`;
    deps.logger.error('NVMe secure erase is not possible', { device, reason: text });
    throw new BlockDeviceEraseError(text);
  }
  if (decided.allNamespaces) {
    const outside = (await nvmeSiblingNamespaces(deps, device)).filter((ns) => !erasing.includes(ns));
    if (outside.length > 0) {
      const text = `Refusing to nvme format device ${device}: the controller formats all namespaces at once, which would also erase ${outside.join(', ')} (not being erased)`;
      deps.logger.error('NVMe secure erase would affect other namespaces', { device, outside });
      throw new BlockDeviceEraseError(text);
    }
  }
  try {
    deps.logger.debug('Formatting NVMe device', { device, ses: decided.mode });
    await deps.runner.run(['nvme', 'format', device, '-s', String(decided.mode), '-f']);
  } catch (error) {
    throw new BlockDeviceEraseError(`Failed to nvme format device ${device}: ${errorText(error)}`, { cause: error });
  }
  deps.logger.info('nvme-cli format completed', { device, ses: decided.mode });
  return true;
}
