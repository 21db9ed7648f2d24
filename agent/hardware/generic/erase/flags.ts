/**
 * The node `driver_internal_info` flags that steer disk erasure, read and
 * validated in one place before anything destructive happens.
 *
 * Ironic fills these from its `[deploy]` options (enable_ata_secure_erase,
 * continue_if_disk_secure_erase_fails, erase_devices_iterations, ...).
 */
import { InvalidCommandParamsError } from '../../../../common/errors.js';
import type { Node } from '../../types.js';

/** Typed view of the erase flags, IPA defaults applied. */
export interface EraseFlags {
  /** `agent_enable_nvme_secure_erase`. Default true. */
  enableNvmeSecureErase: boolean;
  /** `agent_enable_ata_secure_erase`. Default true. */
  enableAtaSecureErase: boolean;
  /**
   * `agent_continue_if_secure_erase_failed`, or when absent the deprecated
   * `agent_continue_if_ata_erase_failed`. Default false.
   */
  continueIfSecureEraseFailed: boolean;
  /** `agent_erase_devices_iterations`: shred passes. Default 1. */
  iterations: number;
  /** `agent_erase_devices_zeroize`: shred adds a final pass of zeros. Default true. */
  zeroize: boolean;
  /** `agent_erase_skip_read_only`: skip read-only devices instead of failing. Default false. */
  skipReadOnly: boolean;
  /** `disk_erasure_concurrency`: disks erased at once by erase_devices. Default 1. */
  concurrency: number;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 'y', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'n', 'f']);

/**
 * Read the erase flags from `node.driver_internal_info`.
 * @throws InvalidCommandParamsError naming the flag when a value has the wrong type
 */
export function readEraseFlags(node: Node): EraseFlags {
  const info = node.driver_internal_info ?? {};
  const continueNew = info['agent_continue_if_secure_erase_failed'];
  const continueKey =
    continueNew === undefined || continueNew === null
      ? 'agent_continue_if_ata_erase_failed'
      : 'agent_continue_if_secure_erase_failed';
  return {
    enableNvmeSecureErase: readBool(info, 'agent_enable_nvme_secure_erase', true),
    enableAtaSecureErase: readBool(info, 'agent_enable_ata_secure_erase', true),
    continueIfSecureEraseFailed: readBool(info, continueKey, false),
    iterations: readInt(info, 'agent_erase_devices_iterations', 1, 0),
    zeroize: readBool(info, 'agent_erase_devices_zeroize', true),
    skipReadOnly: readBool(info, 'agent_erase_skip_read_only', false),
    concurrency: readInt(info, 'disk_erasure_concurrency', 1, 1),
  };
}

/**
 * A boolean flag: booleans, or the strings oslo's bool_from_string accepts.
 * Absent or null gives `fallback`.
 * @throws InvalidCommandParamsError for anything else
 */
export function readBool(info: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = info[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const word = String(value).trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new InvalidCommandParamsError(
    `driver_internal_info.${key} must be true or false, got ${JSON.stringify(value)}; fix the matching [deploy] option in ironic.conf or the node's driver_internal_info`,
  );
}

function readInt(info: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const value = info[key];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= min) return number;
  throw new InvalidCommandParamsError(
    `driver_internal_info.${key} must be an integer of at least ${min}, got ${JSON.stringify(value)}; fix the matching [deploy] option in ironic.conf or the node's driver_internal_info`,
  );
}
