/**
 * Choose the disk to install onto: root device hints, else IPA's guess.
 * Pure apart from logging; the caller gathers the disks and the mounts
 * (install-inputs.ts).
 *
 * Port of IPA GenericHardwareManager.get_os_install_device (without software
 * RAID). Hints come from `instance_info.root_device` when non-empty, else
 * `properties.root_device`. Skip-listed and mounted disks are excluded first
 * (install-candidates.ts). When hints are given the agent never falls back to
 * guessing: invalid hints, no match, or (strict) several matches are
 * DeviceNotFound errors whose details list every candidate, every excluded
 * disk the hints match with the reason it is excluded, and what to do next.
 */
import { DeviceNotFound } from '../../../common/errors.js';
import type { Logger } from '../../logger.js';
import { HintError } from '../root-device-hints/hint-error.js';
import {
  explainMismatch,
  findDevicesByHints,
  guessRootDisk,
  type HintMatch,
  type HintMismatch,
} from '../root-device-hints/match.js';
import { isEmptyHints, parseRootDeviceHints, type ParsedHints } from '../root-device-hints/parse.js';
import type { SkippedDevice } from '../root-device-hints/skip-list.js';
import type { BlockDevice, Node } from '../types.js';
import { excludeDisks, logExclusions, type DiskCandidates, type ExcludedDisk } from './install-candidates.js';
import { describeDevice, guessFailureText, noMatchText } from './install-device-text.js';
import type { MountedDisks } from './mounted.js';

/** Hints and where they came from (`instance_info.root_device`, `properties.root_device`, `--hints`). */
export interface HintsWithSource {
  value: unknown;
  source: string;
}

/** Arguments of {@link decideInstallDevice}. */
export interface SelectInstallDeviceOptions {
  /** Candidate devices in lsblk order (already limited by the allowlist). */
  devices: readonly BlockDevice[];
  /** Disks with a mounted filesystem; they are never chosen. */
  mounted: MountedDisks;
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
  /** The first hint the device failed, or null when it matched (or was not compared). */
  mismatch: HintMismatch | null;
}

/** An excluded disk and whether the hints match it (null: not compared, e.g. no hints). */
export type ExcludedReport = ExcludedDisk & { matchesHints: boolean | null };

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
  /** Every device that was not excluded, with its verdict (mismatch null for a guess). */
  candidates: CandidateReport[];
  /** Devices removed by `skip_block_devices`. */
  skipped: SkippedDevice[];
  /** Every excluded disk (skip list, mounted) with its reason. */
  excluded: ExcludedReport[];
}

/** What would be reported when no disk is chosen. */
export interface NoChoiceReport {
  /** The hints that were used, or null (IPA's guess). */
  given: HintsWithSource | null;
  candidates: CandidateReport[];
  /** Whether the candidates were compared with the hints (false: no or invalid hints). */
  compared: boolean;
  excluded: ExcludedReport[];
}

/** The outcome of {@link decideInstallDevice}. */
export type InstallDecision =
  { chosen: true; choice: InstallDeviceChoice } | { chosen: false; error: DeviceNotFound; report: NoChoiceReport };

/** The node's hints: `instance_info.root_device` if non-empty, else `properties.root_device`, else null. */
export function rootDeviceHintsFromNode(
  node: Pick<Node, 'properties' | 'instance_info'> | null | undefined,
): HintsWithSource | null {
  const fromInstance = node?.instance_info?.['root_device'];
  if (!isEmptyHints(fromInstance)) return { value: fromInstance, source: 'instance_info.root_device' };
  const fromProperties = node?.properties?.['root_device'];
  if (!isEmptyHints(fromProperties)) return { value: fromProperties, source: 'properties.root_device' };
  return null;
}

/**
 * Pick the install device.
 * @throws DeviceNotFound when the hints or skip list are invalid, nothing matches,
 *   several devices match in strict mode, or (no hints) no candidate is at least 4 GiB
 */
export function selectInstallDevice(options: SelectInstallDeviceOptions): InstallDeviceChoice {
  const decision = decideInstallDevice(options);
  if (!decision.chosen) throw decision.error;
  return decision.choice;
}

/**
 * Decide the install device, or why there is none, with the evidence either
 * way. The one place that decides: the install step and the `hints` command
 * both call it (through {@link selectInstallDevice} or directly).
 */
export function decideInstallDevice(options: SelectInstallDeviceOptions): InstallDecision {
  const given = options.hints ?? rootDeviceHintsFromNode(options.node);
  let parsed: ParsedHints | null = null;
  let invalidHints: HintError | null = null;
  try {
    parsed = given === null ? null : parseRootDeviceHints(given.value);
  } catch (error) {
    if (!(error instanceof HintError)) throw error;
    invalidHints = error;
  }
  let pool: DiskCandidates;
  try {
    pool = excludeDisks(options.devices, options.node, options.mounted);
  } catch (error) {
    if (!(error instanceof HintError)) throw error;
    const message = `Cannot apply properties.skip_block_devices because it failed to validate: ${error.message}`;
    return refuse(new DeviceNotFound(message, { cause: error }), {
      given,
      candidates: judge(options.devices, parsed),
      compared: parsed !== null,
      excluded: [],
    });
  }
  logExclusions(pool.excluded, options.logger);
  if (given !== null && invalidHints !== null) {
    const message = `No devices could be found using the root device hints ${JSON.stringify(given.value)} (from ${given.source}) because they failed to validate: ${invalidHints.message}`;
    return refuse(new DeviceNotFound(message, { cause: invalidHints }), {
      given,
      candidates: judge(pool.candidates, null),
      compared: false,
      excluded: judgeExcluded(pool.excluded, null),
    });
  }
  if (given === null || parsed === null) return guess(pool, given, options.logger);
  return byHints(pool, given, parsed, options);
}

/** Every device with the first hint it fails (null when it matches). */
export function explainCandidates(devices: readonly BlockDevice[], hints: ParsedHints): CandidateReport[] {
  return devices.map((device) => ({ device, mismatch: explainMismatch(device, hints) }));
}

function byHints(
  pool: DiskCandidates,
  given: HintsWithSource,
  parsed: ParsedHints,
  options: SelectInstallDeviceOptions,
): InstallDecision {
  const { logger } = options;
  const matches = findDevicesByHints(pool.candidates, parsed);
  for (const match of matches)
    logger.info('Block device matches the root device hints', { device: match.device.name, reason: match.reason });
  const candidates = explainCandidates(pool.candidates, parsed);
  const excluded = judgeExcluded(pool.excluded, parsed);
  for (const e of excluded.filter((x) => x.matchesHints === true))
    logger.warn('A disk matching the root device hints is excluded and is never chosen', {
      device: e.device.name,
      reason: e.reason,
    });
  const hintText = `${JSON.stringify(given.value)} (from ${given.source})`;
  const first = matches[0];
  if (first === undefined)
    return refuse(new DeviceNotFound(noMatchText(hintText, candidates, excluded)), {
      given,
      candidates,
      compared: true,
      excluded,
    });
  if (matches.length > 1 && options.strict === true) {
    const message =
      `Root device hints ${hintText} match ${matches.length} devices, and strict root device hints allow only one: ` +
      `${matches.map((m) => describeDevice(m.device)).join('; ')}. Make the hints more specific (for example add "serial" or "wwn") so that exactly one disk matches.`;
    return refuse(new DeviceNotFound(message), { given, candidates, compared: true, excluded });
  }
  if (matches.length > 1)
    logger.warn('Several block devices match the root device hints; using the first in lsblk order', {
      devices: matches.map((m) => m.device.name),
    });
  logger.info('Picked root device by root device hints', {
    device: first.device.name,
    source: given.source,
    hints: parsed.normalized,
  });
  return {
    chosen: true,
    choice: {
      device: first.device,
      method: 'hints',
      source: given.source,
      hints: given.value,
      normalizedHints: parsed.normalized,
      matches,
      reason: `it is the first of ${matches.length} device(s) matching the root device hints ${hintText}: ${first.reason}`,
      candidates,
      skipped: skippedOf(pool.excluded),
      excluded,
    },
  };
}

function guess(pool: DiskCandidates, given: HintsWithSource | null, logger: Logger): InstallDecision {
  const candidates = judge(pool.candidates, null);
  const excluded = judgeExcluded(pool.excluded, null);
  let device: BlockDevice;
  try {
    device = guessRootDisk(pool.candidates);
  } catch (error) {
    if (!(error instanceof DeviceNotFound)) throw error;
    return refuse(
      new DeviceNotFound(guessFailureText(error.details, pool.candidates, pool.excluded), { cause: error }),
      { given, candidates, compared: false, excluded },
    );
  }
  logger.info('No root device hints; picked the smallest disk of at least 4 GiB', { device: device.name });
  return {
    chosen: true,
    choice: {
      device,
      method: 'guess',
      source: null,
      hints: null,
      normalizedHints: null,
      matches: [],
      reason:
        'no root device hints were given, so the smallest disk of at least 4 GiB was chosen (ties broken by name)',
      candidates,
      skipped: skippedOf(pool.excluded),
      excluded,
    },
  };
}

function refuse(error: DeviceNotFound, report: NoChoiceReport): InstallDecision {
  return { chosen: false, error, report };
}

function judge(devices: readonly BlockDevice[], hints: ParsedHints | null): CandidateReport[] {
  return hints === null ? devices.map((device) => ({ device, mismatch: null })) : explainCandidates(devices, hints);
}

function judgeExcluded(excluded: readonly ExcludedDisk[], hints: ParsedHints | null): ExcludedReport[] {
  return excluded.map((e) => ({
    ...e,
    matchesHints: hints === null ? null : explainMismatch(e.device, hints) === null,
  }));
}

function skippedOf(excluded: readonly ExcludedDisk[]): SkippedDevice[] {
  return excluded.flatMap((e) => (e.rule === 'skip_block_devices' ? [{ device: e.device, entry: e.entry }] : []));
}
