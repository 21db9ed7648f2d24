/**
 * The texts of install-device.ts: how a disk is described, and the
 * DeviceNotFound details when no disk is chosen. Pure. Every failure text
 * names the disks involved, why each was not chosen, and what to do next.
 */
import { MIN_ROOT_DISK_SIZE, type HintMismatch } from '../root-device-hints/match.js';
import type { BlockDevice } from '../types.js';
import { everyDiskExcluded, excludedSentence, exclusionAdvice, type ExcludedDisk } from './install-candidates.js';

/** `/dev/sda (465.76 GiB, model "X", serial "Y", wwn none, vendor "ATA", rotational false, hctl ..., by_path ..., tran "sata")`. */
export function describeDevice(device: BlockDevice): string {
  const gib = device.size / 2 ** 30;
  const show = (v: string | null): string => (v === null ? 'none' : JSON.stringify(v));
  return (
    `${device.name} (${Number.isInteger(gib) ? gib : gib.toFixed(2)} GiB, model ${show(device.model)}, serial ${show(device.serial)}, ` +
    `wwn ${show(device.wwn)}, vendor ${show(device.vendor)}, rotational ${String(device.rotational)}, hctl ${show(device.hctl)}, ` +
    `by_path ${show(device.by_path)}, tran ${show(device.tran)})`
  );
}

/**
 * Hints matched no candidate. Excluded disks the hints match come first, each
 * with the reason it is excluded; then the candidates with the hint each
 * failed (or that no disk is left), the other excluded disks, and advice.
 */
export function noMatchText(
  hintText: string,
  candidates: ReadonlyArray<{ device: BlockDevice; mismatch: HintMismatch | null }>,
  excluded: ReadonlyArray<ExcludedDisk & { matchesHints: boolean | null }>,
): string {
  const matching = excluded.filter((e) => e.matchesHints === true);
  const others = excluded.filter((e) => e.matchesHints !== true);
  const parts = [`No suitable device was found for deployment using these hints ${hintText}.`];
  for (const e of matching) parts.push(`These hints match ${e.device.name}, but ${excludedSentence(e)}.`);
  if (candidates.length > 0) {
    const listing = candidates.map((c) => `${describeDevice(c.device)}: ${c.mismatch?.reason ?? 'matches'}`).join('; ');
    parts.push(`None of the ${candidates.length} candidate device(s) matches: ${listing}.`);
  } else if (excluded.length === 0) {
    parts.push('No block devices were found, so there was nothing to match.');
  } else if (matching.length === 0) {
    parts.push(`No disk is left to match: ${everyDiskExcluded(excluded)}.`);
  } else {
    parts.push('No other disk is left to match.');
  }
  if (others.length > 0 && (candidates.length > 0 || matching.length > 0))
    parts.push(`Also excluded: ${others.map((e) => `${e.device.name} ${e.reason}`).join('; ')}.`);
  parts.push(noMatchAdvice(candidates.length, excluded, matching));
  return parts.join(' ');
}

/**
 * IPA's guess found nothing. When every disk was excluded the text says so
 * (for example that every disk has a mounted filesystem) instead of talking
 * about disk sizes.
 * @param ipaText - IPA's own text ("... all found block devices are smaller than 4294967296B.")
 */
export function guessFailureText(
  ipaText: string,
  candidates: readonly BlockDevice[],
  excluded: readonly ExcludedDisk[],
): string {
  if (candidates.length === 0 && excluded.length > 0) {
    return (
      `No suitable device was found for deployment - root device hints were not provided and ${everyDiskExcluded(excluded)}. ` +
      `${exclusionAdvice(excluded)} Otherwise attach a disk to install onto, or check the device allowlist if another disk should be used.`
    );
  }
  const listing =
    candidates.length === 0
      ? 'No block devices were found.'
      : `Candidates: ${candidates.map(describeDevice).join('; ')}.`;
  const also =
    excluded.length === 0 ? '' : ` Excluded: ${excluded.map((e) => `${e.device.name} ${e.reason}`).join('; ')}.`;
  return (
    `${ipaText} ${listing}${also} Attach a disk of at least ${MIN_ROOT_DISK_SIZE / 2 ** 30} GiB, ` +
    'or check the device allowlist and properties.skip_block_devices.'
  );
}

function noMatchAdvice(
  candidateCount: number,
  excluded: readonly ExcludedDisk[],
  matching: readonly ExcludedDisk[],
): string {
  if (matching.length > 0) {
    return `${exclusionAdvice(matching)} Otherwise correct the root device hints so that they describe a disk that is not excluded.`;
  }
  if (candidateCount > 0) {
    return (
      'Correct the root device hints so that they describe one of these disks (serial or wwn are the most stable), ' +
      'or check properties.skip_block_devices and the device allowlist.'
    );
  }
  if (excluded.length > 0)
    return `${exclusionAdvice(excluded)} Otherwise attach a disk to install onto, or check the device allowlist if another disk should be used.`;
  return 'Check the device allowlist, properties.skip_block_devices and that the disks are attached.';
}
