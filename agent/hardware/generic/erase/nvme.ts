/**
 * NVMe secure erase through nvme-cli. Port of IPA GenericHardwareManager._nvme_erase.
 */
import { BlockDeviceEraseError } from '../../../errors.js';
import { errorText } from './device-checks.js';
import type { EraseDeps } from './deps.js';

/** OACS bit 1: the controller supports the Format NVM command. */
export const NVME_FORMAT_SUPPORTED = 0b10;
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
 * controller cannot format at all.
 */
export function nvmeFormatMode(idCtrlJson: string): { mode: SecureEraseSettingValue } | { problem: 'no-information' | 'no-format' } {
  let info: unknown;
  try {
    info = JSON.parse(idCtrlJson);
  } catch {
    return { problem: 'no-information' };
  }
  if (typeof info !== 'object' || info === null || Object.keys(info).length === 0) return { problem: 'no-information' };
  const { oacs, fna } = info as { oacs?: unknown; fna?: unknown };
  if (typeof oacs !== 'number' || (oacs & NVME_FORMAT_SUPPORTED) === 0) return { problem: 'no-format' };
  const crypto = typeof fna === 'number' && (fna & NVME_CRYPTO_FORMAT_SUPPORTED) !== 0;
  return { mode: crypto ? SecureEraseSetting.CRYPTO : SecureEraseSetting.USER_DATA };
}

/**
 * Format the namespace with the most secure setting it supports.
 * @returns true once formatted
 * @throws BlockDeviceEraseError when capabilities cannot be read, format is unsupported, or format fails
 */
export async function nvmeErase(deps: EraseDeps, device: string): Promise<boolean> {
  let stdout: string;
  try {
    deps.logger.debug('Fetching NVMe capabilities', { device });
    ({ stdout } = await deps.runner.run(['nvme', 'id-ctrl', device, '-o', 'json']));
  } catch (error) {
    deps.logger.error('Failed to fetch NVMe capabilities', { device, error: errorText(error) });
    throw new BlockDeviceEraseError(`Failed to fetch NVMe capabilities for device ${device}: ${errorText(error)}`, { cause: error });
  }
  const decided = nvmeFormatMode(stdout);
  if ('problem' in decided) {
    const text = decided.problem === 'no-format'
      ? `nvme-cli did not return any supported format modes for device: ${device}`
      : `nvme-cli did not return any information for device: ${device}`;
    deps.logger.error('NVMe secure erase is not possible', { device, reason: text });
    throw new BlockDeviceEraseError(text);
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
