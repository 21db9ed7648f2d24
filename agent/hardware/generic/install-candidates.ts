/**
 * Which listed disks may be installed onto or cleaned, and why each other one
 * may not. Pure apart from logging; the caller lists the disks (through the
 * device allowlist) and reads the mounts (mounted.ts).
 *
 * Two rules, applied in this order so that each disk gets one reason:
 * `properties.skip_block_devices` (port of IPA
 * GenericHardwareManager.list_block_devices_check_skip_list, see
 * skip-list.ts), then disks with a mounted filesystem (our addition: on a live
 * ISO that is the boot media).
 */
import type { Logger } from '../../logger.js';
import { excludeSkippedDevices, type SkipEntry } from '../root-device-hints/skip-list.js';
import type { BlockDevice, Node } from '../types.js';
import type { DeviceMount, MountedDisks } from './mounted.js';

/** A listed disk that may not be used, and why. */
export type ExcludedDisk =
  | { device: BlockDevice; rule: 'skip_block_devices'; entry: SkipEntry; reason: string }
  | { device: BlockDevice; rule: 'mounted'; mounts: readonly DeviceMount[]; reason: string };

/** The disks split into candidates and excluded ones, both in input (lsblk) order. */
export interface DiskCandidates {
  candidates: BlockDevice[];
  /** Every other disk with its reason, e.g. `has a mounted filesystem (/dev/sda3 on /run/media/iso)`. */
  excluded: ExcludedDisk[];
  /** `volume_name` entries of the skip list (software RAID; ignored here). */
  volumeNames: string[];
}

/**
 * Split `devices` into candidates and excluded disks.
 * @throws HintError when `properties.skip_block_devices` is invalid
 */
export function excludeDisks(
  devices: readonly BlockDevice[],
  node: Pick<Node, 'properties'> | null | undefined,
  mounted: MountedDisks,
): DiskCandidates {
  const skip = excludeSkippedDevices(devices, node);
  const skippedBy = new Map(skip.skipped.map((s) => [s.device.name, s.entry]));
  const candidates: BlockDevice[] = [];
  const excluded: ExcludedDisk[] = [];
  for (const device of devices) {
    const entry = skippedBy.get(device.name);
    const mounts = mounted.get(device.name) ?? [];
    if (entry !== undefined) {
      excluded.push({
        device,
        rule: 'skip_block_devices',
        entry,
        reason: `is in properties.skip_block_devices (entry ${entry.index}: ${JSON.stringify(entry.hints)})`,
      });
    } else if (mounts.length > 0) {
      excluded.push({ device, rule: 'mounted', mounts, reason: `has a mounted filesystem (${mountList(mounts)})` });
    } else {
      candidates.push(device);
    }
  }
  return { candidates, excluded, volumeNames: skip.volumeNames };
}

/** `/dev/sda is excluded: it has a mounted filesystem (/dev/sda3 on /run/media/iso)`. */
export function excludedSentence(excluded: ExcludedDisk): string {
  return `${excluded.device.name} is excluded: it ${excluded.reason}`;
}

/**
 * Why no disk is left, for "... and <this>": says "because it has a mounted
 * filesystem" when that is the reason for every disk.
 */
export function everyDiskExcluded(excluded: readonly ExcludedDisk[]): string {
  const mounted = excluded.flatMap((e) => (e.rule === 'mounted' ? [`${e.device.name} (${mountList(e.mounts)})`] : []));
  if (mounted.length === excluded.length)
    return `every disk is excluded because it has a mounted filesystem: ${mounted.join(', ')}`;
  return `every disk is excluded: ${excluded.map((e) => `${e.device.name} ${e.reason}`).join('; ')}`;
}

/** What to do about the given exclusions, one sentence per rule involved. */
export function exclusionAdvice(excluded: readonly ExcludedDisk[]): string {
  const advice: string[] = [];
  if (excluded.some((e) => e.rule === 'mounted')) {
    advice.push(
      'A disk with a mounted filesystem is never installed onto or cleaned (on a live ISO it is the boot media); ' +
        'if that disk really is the target, boot the agent from other media so that nothing on it is mounted.',
    );
  }
  if (excluded.some((e) => e.rule === 'skip_block_devices')) {
    advice.push('Remove the entry from properties.skip_block_devices if that disk should be used.');
  }
  return advice.join(' ');
}

/** Log every exclusion (a mounted disk is a warning: usually the boot media). */
export function logExclusions(excluded: readonly ExcludedDisk[], logger: Logger): void {
  for (const e of excluded) {
    if (e.rule === 'skip_block_devices')
      logger.info('Skipping block device listed in skip_block_devices', {
        device: e.device.name,
        entry: e.entry.hints,
      });
    else
      logger.warn('Leaving out a disk with a mounted filesystem (e.g. the live ISO media)', {
        disk: e.device.name,
        mounted: mountList(e.mounts),
      });
  }
}

/** `/dev/sda3 on /run/media/iso, /dev/sda4 on /boot`. */
function mountList(mounts: readonly DeviceMount[]): string {
  return mounts.map((m) => `${m.device} on ${m.mountPoint}`).join(', ');
}
