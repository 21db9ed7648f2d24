/**
 * Choose the disk to install onto: root device hints, else IPA's guess.
 * Pure apart from logging; the caller lists the devices.
 *
 * Port of IPA GenericHardwareManager.get_os_install_device (without software
 * RAID). Hints come from `instance_info.root_device` when non-empty, else
 * `properties.root_device`; `properties.skip_block_devices` is applied first.
 * When hints are given the agent never falls back to guessing: invalid hints,
 * no match, or (strict) several matches are DeviceNotFound errors whose
 * details list every candidate and what to do next.
 */
import { DeviceNotFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { HintError } from '../root-device-hints/hint-error.js';
import { explainMismatch, findDevicesByHints, guessRootDisk, MIN_ROOT_DISK_SIZE, type HintMatch, type HintMismatch } from '../root-device-hints/match.js';
import { isEmptyHints, parseRootDeviceHints, type ParsedHints } from '../root-device-hints/parse.js';
import { excludeSkippedDevices, type SkippedDevice, type SkipResult } from '../root-device-hints/skip-list.js';
import type { BlockDevice, Node } from '../types.js';

/** Hints and where they came from (`instance_info.root_device`, `properties.root_device`, `--hints`). */
export interface HintsWithSource {
  value: unknown;
  source: string;
}

/** Arguments of {@link selectInstallDevice}. */
export interface SelectInstallDeviceOptions {
  /** Candidate devices in lsblk order (already limited by the allowlist). */
  devices: readonly BlockDevice[];
  /** The node: root_device hints and skip_block_devices are read from it. */
  node?: Pick<Node, 'properties' | 'instance_info'> | null;
  /** More than one matching device is an error instead of "first match wins". Default false. */
  strict?: boolean;
  logger: Logger;
  /** Hints that replace the node's (e.g. the `hints` CLI's `--hints`). */
  hints?: HintsWithSource;
}

/** One candidate and how it fared against the hints. */
export interface CandidateReport {
  device: BlockDevice;
  /** The first hint the device failed, or null when it matched. */
  mismatch: HintMismatch | null;
}

/** The chosen device and the evidence. */
export interface InstallDeviceChoice {
  device: BlockDevice;
  /** `hints` when chosen by root device hints, `guess` for IPA's default. */
  method: 'hints' | 'guess';
  /** Where the hints came from; null for a guess. */
  source: string | null;
  /** The hints as given; null for a guess. */
  hints: unknown;
  /** IPA's normalised form of the hints; null for a guess. */
  normalizedHints: Readonly<Record<string, string | boolean>> | null;
  /** Every matching device in order (empty for a guess). */
  matches: HintMatch[];
  /** One sentence on why this device. */
  reason: string;
  /** Every device after the skip list, with its verdict (mismatch null for a guess). */
  candidates: CandidateReport[];
  /** Devices removed by `skip_block_devices`. */
  skipped: SkippedDevice[];
}

/** The node's hints: `instance_info.root_device` if non-empty, else `properties.root_device`, else null. */
export function rootDeviceHintsFromNode(node: Pick<Node, 'properties' | 'instance_info'> | null | undefined): HintsWithSource | null {
  const fromInstance = node?.instance_info?.['root_device'];
  if (!isEmptyHints(fromInstance)) return { value: fromInstance, source: 'instance_info.root_device' };
  const fromProperties = node?.properties?.['root_device'];
  if (!isEmptyHints(fromProperties)) return { value: fromProperties, source: 'properties.root_device' };
  return null;
}

/**
 * Pick the install device.
 * @throws DeviceNotFound when the hints or skip list are invalid, nothing matches,
 *   several devices match in strict mode, or (no hints) no disk is at least 4 GiB
 */
export function selectInstallDevice(options: SelectInstallDeviceOptions): InstallDeviceChoice {
  const { logger } = options;
  const given = options.hints ?? rootDeviceHintsFromNode(options.node);
  const skip = applySkipList(options.devices, options.node);
  for (const { device, entry } of skip.skipped) logger.info('Skipping block device listed in skip_block_devices', { device: device.name, entry: entry.hints });
  const parsed = given === null ? null : validate(given);
  if (given === null || parsed === null) return guess(skip, logger);
  const matches = findDevicesByHints(skip.devices, parsed);
  for (const match of matches) logger.info('Block device matches the root device hints', { device: match.device.name, reason: match.reason });
  const candidates = explainCandidates(skip.devices, parsed);
  const hintText = `${JSON.stringify(given.value)} (from ${given.source})`;
  const first = matches[0];
  if (first === undefined) throw new DeviceNotFound(noMatchText(hintText, candidates, skip.skipped));
  if (matches.length > 1 && options.strict === true) {
    throw new DeviceNotFound(
      `Root device hints ${hintText} match ${matches.length} devices, and strict root device hints allow only one: ` +
        `${matches.map((m) => describeDevice(m.device)).join('; ')}. Make the hints more specific (for example add "serial" or "wwn") so that exactly one disk matches.`,
    );
  }
  if (matches.length > 1) logger.warn('Several block devices match the root device hints; using the first in lsblk order', { devices: matches.map((m) => m.device.name) });
  logger.info('Picked root device by root device hints', { device: first.device.name, source: given.source, hints: parsed.normalized });
  return {
    device: first.device, method: 'hints', source: given.source, hints: given.value, normalizedHints: parsed.normalized, matches,
    reason: `it is the first of ${matches.length} device(s) matching the root device hints ${hintText}: ${first.reason}`,
    candidates, skipped: skip.skipped,
  };
}

/** Every device with the first hint it fails (null when it matches). */
export function explainCandidates(devices: readonly BlockDevice[], hints: ParsedHints): CandidateReport[] {
  return devices.map((device) => ({ device, mismatch: explainMismatch(device, hints) }));
}

/** `/dev/sda (465.76 GiB, model "X", serial "Y", wwn none, vendor "ATA", rotational false, hctl ..., by_path ..., tran "sata")`. */
export function describeDevice(device: BlockDevice): string {
  const gib = device.size / 2 ** 30;
  const show = (v: string | null): string => (v === null ? 'none' : JSON.stringify(v));
  return `${device.name} (${Number.isInteger(gib) ? gib : gib.toFixed(2)} GiB, model ${show(device.model)}, serial ${show(device.serial)}, ` +
    `wwn ${show(device.wwn)}, vendor ${show(device.vendor)}, rotational ${String(device.rotational)}, hctl ${show(device.hctl)}, ` +
    `by_path ${show(device.by_path)}, tran ${show(device.tran)})`;
}

function applySkipList(devices: readonly BlockDevice[], node: SelectInstallDeviceOptions['node']): SkipResult {
  try {
    return excludeSkippedDevices(devices, node);
  } catch (error) {
    if (!(error instanceof HintError)) throw error;
    throw new DeviceNotFound(`Cannot apply properties.skip_block_devices because it failed to validate: ${error.message}`, { cause: error });
  }
}

function validate(given: HintsWithSource): ParsedHints | null {
  try {
    return parseRootDeviceHints(given.value);
  } catch (error) {
    if (!(error instanceof HintError)) throw error;
    throw new DeviceNotFound(
      `No devices could be found using the root device hints ${JSON.stringify(given.value)} (from ${given.source}) ` +
        `because they failed to validate: ${error.message}`,
      { cause: error },
    );
  }
}

function guess(skip: SkipResult, logger: Logger): InstallDeviceChoice {
  let device: BlockDevice;
  try {
    device = guessRootDisk(skip.devices);
  } catch (error) {
    if (!(error instanceof DeviceNotFound)) throw error;
    const listing = skip.devices.length === 0 ? 'No block devices were found.' : `Candidates: ${skip.devices.map(describeDevice).join('; ')}.`;
    throw new DeviceNotFound(
      `${error.details} ${listing}${skippedText(skip.skipped)} Attach a disk of at least ${MIN_ROOT_DISK_SIZE / 2 ** 30} GiB, ` +
        'or check the device allowlist and properties.skip_block_devices.',
      { cause: error },
    );
  }
  logger.info('No root device hints; picked the smallest disk of at least 4 GiB', { device: device.name });
  return {
    device, method: 'guess', source: null, hints: null, normalizedHints: null, matches: [],
    reason: 'no root device hints were given, so the smallest disk of at least 4 GiB was chosen (ties broken by name)',
    candidates: skip.devices.map((d) => ({ device: d, mismatch: null })), skipped: skip.skipped,
  };
}

function noMatchText(hintText: string, candidates: CandidateReport[], skipped: SkippedDevice[]): string {
  const head = `No suitable device was found for deployment using these hints ${hintText}.`;
  if (candidates.length === 0) {
    return `${head} No block devices were found, so there was nothing to match.${skippedText(skipped)} ` +
      'Check the device allowlist, properties.skip_block_devices and that the disks are attached.';
  }
  const listing = candidates.map((c) => `${describeDevice(c.device)}: ${c.mismatch?.reason ?? 'matches'}`).join('; ');
  return `${head} None of the ${candidates.length} candidate device(s) matches: ${listing}.${skippedText(skipped)} ` +
    'Correct the root device hints so that they describe one of these disks (serial or wwn are the most stable), ' +
    'or check properties.skip_block_devices and the device allowlist.';
}

function skippedText(skipped: SkippedDevice[]): string {
  if (skipped.length === 0) return '';
  return ` Skipped by properties.skip_block_devices: ${skipped.map((s) => `${s.device.name} (entry ${s.entry.index})`).join(', ')}.`;
}
