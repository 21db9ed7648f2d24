/**
 * Which devices the erase steps may touch: IPA's `_list_erasable_devices`
 * and the three per-device checks it relies on (virtual media, Linux RAID
 * member, read-only).
 *
 * Only names from the device list the caller passed are ever returned, so a
 * device outside that list can never be erased.
 */
import { dirname, basename, resolve } from 'node:path';
import type { BlockDevice } from '../../types.js';
import { isMissing, type EraseDeps } from './deps.js';

/** Where IPA's virtual-media floppy shows up (Ironic labels it `ir-vfd-dev`). */
export const VIRTUAL_MEDIA_LABEL = '/dev/disk/by-label/ir-vfd-dev';

/** A disk or partition queued for erasure. */
export interface EraseTarget {
  /** `/dev/...` name. */
  name: string;
  /** True for a partition of one of the given disks. */
  isPartition: boolean;
  /** The BlockDevice as given. */
  device: BlockDevice;
}

/**
 * Disks and their partitions, de-duplicated and reverse-sorted by name so
 * every partition (sda1) is handled before its disk (sda) loses its table.
 * Port of the ordering in IPA GenericHardwareManager._list_erasable_devices.
 */
export function eraseOrder(disks: readonly BlockDevice[]): EraseTarget[] {
  const byName = new Map<string, EraseTarget>();
  for (const disk of disks) {
    if (!byName.has(disk.name)) byName.set(disk.name, { name: disk.name, isPartition: false, device: disk });
    for (const part of disk.partitions ?? []) {
      if (!byName.has(part.name)) byName.set(part.name, { name: part.name, isPartition: true, device: part });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/**
 * True when `device` is the virtual-media floppy Ironic attached.
 * Port of IPA _is_virtual_media_device.
 */
export async function isVirtualMediaDevice(deps: EraseDeps, device: string): Promise<boolean> {
  let link: string;
  try {
    link = await deps.fs.readlink(VIRTUAL_MEDIA_LABEL);
  } catch (error) {
    if (!isMissing(error)) deps.logger.warn('Could not read the virtual media label', { error: errorText(error) });
    return false;
  }
  return resolve(dirname(VIRTUAL_MEDIA_LABEL), link) === device;
}

/**
 * True when lsblk reports `linux_raid_member` on the device or one of its
 * children; also true when that cannot be determined (never wipe a member by
 * accident). Port of IPA _is_linux_raid_member.
 */
export async function isLinuxRaidMember(deps: EraseDeps, device: string): Promise<boolean> {
  try {
    const { stdout } = await deps.runner.run(['lsblk', '--fs', '--noheadings', device]);
    return stdout.includes('linux_raid_member');
  } catch (error) {
    deps.logger.warn('Could not determine if device is a RAID member', { device, error: errorText(error) });
    return true;
  }
}

/**
 * True when the kernel flags the device read-only (`/sys/class/block/<name>/ro`,
 * which exists for partitions too). Falls back to the lister's `read_only`
 * field, then to false, as IPA _is_read_only_device does on errors.
 */
export async function isReadOnlyDevice(deps: EraseDeps, device: BlockDevice): Promise<boolean> {
  try {
    const flag = await deps.fs.readFile(`/sys/class/block/${basename(device.name)}/ro`);
    return flag.trim() === '1';
  } catch (error) {
    if (!isMissing(error))
      deps.logger.warn('Could not determine if device is read-only', { device: device.name, error: errorText(error) });
  }
  return device.read_only ?? false;
}

/**
 * IPA _list_erasable_devices over the given disks: partitions first, then
 * without virtual media, RAID members and read-only devices (each logged).
 */
export async function listErasableDevices(deps: EraseDeps, disks: readonly BlockDevice[]): Promise<EraseTarget[]> {
  const erasable: EraseTarget[] = [];
  for (const target of eraseOrder(disks)) {
    const reason = await skipReason(deps, target);
    if (reason !== null) {
      deps.logger.info(`Skipping erasure of ${reason} device`, { device: target.name });
      continue;
    }
    erasable.push(target);
  }
  return erasable;
}

async function skipReason(deps: EraseDeps, target: EraseTarget): Promise<string | null> {
  if (await isVirtualMediaDevice(deps, target.name)) return 'virtual media';
  if (await isLinuxRaidMember(deps, target.name)) return 'RAID member';
  if (await isReadOnlyDevice(deps, target.device)) return 'read-only';
  return null;
}

/**
 * The devices the guard must pass before `targets` are written: every target,
 * and the disk of every partition target even when the disk itself is not
 * erased (skipped as a RAID member, say). A partition's own sectors do not
 * show the disk's table, and an entry the kernel never registered may overlap it.
 */
export function guardedDevices(disks: readonly BlockDevice[], targets: readonly EraseTarget[]): string[] {
  const names = new Set(targets.map((target) => target.name));
  for (const target of targets.filter((t) => t.isPartition)) {
    const parent = disks.find((disk) => (disk.partitions ?? []).some((part) => part.name === target.name));
    if (parent !== undefined) names.add(parent.name);
  }
  return [...names];
}

/**
 * `targets` grouped by disk, each group in the given order (so a disk's
 * partitions stay before the disk): the disks can then be wiped concurrently.
 * A partition joins the group of the disk that lists it, even when that disk
 * is not itself a target; any other target is a group of its own.
 */
export function byDisk(disks: readonly BlockDevice[], targets: readonly EraseTarget[]): EraseTarget[][] {
  const groups = new Map<string, EraseTarget[]>();
  for (const target of targets) {
    const parent = target.isPartition
      ? disks.find((disk) => (disk.partitions ?? []).some((part) => part.name === target.name))
      : undefined;
    const key = parent?.name ?? target.name;
    const group = groups.get(key) ?? [];
    group.push(target);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Message of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
