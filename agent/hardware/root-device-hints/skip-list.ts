/**
 * `node.properties.skip_block_devices`: devices the agent must not use. Pure.
 *
 * Port of IPA GenericHardwareManager.get_skip_list_from_node_for_disks and
 * list_block_devices_check_skip_list. Each entry is a hint object; a device
 * matching every field of an entry is skipped, and entries OR together.
 * Entries with `volume_name` name software-RAID volumes to keep; software RAID
 * is out of scope for this agent, so they are reported and otherwise ignored.
 * As in IPA, a text attribute the device lacks compares as "none", so
 * `{"tran": "s!= nvme"}` also skips disks without a transport.
 */
import type { BlockDevice, Node } from '../types.js';
import { HintError } from './hint-error.js';
import { findDevicesByHints } from './match.js';
import { parseRootDeviceHints, type ParsedHints } from './parse.js';

/** One device-hint entry of the skip list. */
export interface SkipEntry {
  /** Position in `skip_block_devices`. */
  index: number;
  /** The entry as given. */
  hints: Record<string, unknown>;
  /** The entry parsed. */
  parsed: ParsedHints;
}

/** The skip list of a node. */
export interface SkipList {
  /** Entries that select devices. */
  entries: SkipEntry[];
  /** `volume_name` entries (software RAID; ignored here). */
  volumeNames: string[];
}

/** A device removed by the skip list, with the first entry that matched it. */
export interface SkippedDevice {
  device: BlockDevice;
  entry: SkipEntry;
}

/** The devices left after applying the skip list. */
export interface SkipResult {
  /** Devices not skipped, in input order. */
  devices: BlockDevice[];
  skipped: SkippedDevice[];
  /** `volume_name` entries that were ignored. */
  volumeNames: string[];
}

/**
 * Read and validate `node.properties.skip_block_devices`.
 * @throws HintError naming the entry when the list or an entry is invalid
 */
export function skipListFromNode(node: Pick<Node, 'properties'> | null | undefined): SkipList {
  const value = node?.properties?.['skip_block_devices'];
  const result: SkipList = { entries: [], volumeNames: [] };
  if (value === undefined || value === null) return result;
  if (!Array.isArray(value)) {
    throw new HintError('properties.skip_block_devices must be a list of hint objects, e.g. [{"name": "/dev/sdb"}]');
  }
  value.forEach((item: unknown, index) => {
    const where = `properties.skip_block_devices[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new HintError(`${where} must be an object of root device hints, e.g. {"serial": "S1234"}`);
    }
    const hints = item as Record<string, unknown>;
    if ('volume_name' in hints) {
      result.volumeNames.push(String(hints['volume_name']));
      return;
    }
    let parsed: ParsedHints | null;
    try {
      parsed = parseRootDeviceHints(hints);
    } catch (error) {
      throw new HintError(`${where}: ${(error as Error).message}`);
    }
    if (parsed === null) throw new HintError(`${where} is empty; an empty entry would skip every device, so remove it`);
    result.entries.push({ index, hints, parsed });
  });
  return result;
}

/**
 * Remove the devices the node's skip list selects.
 * @throws HintError when the skip list is invalid
 */
export function excludeSkippedDevices(
  devices: readonly BlockDevice[],
  node: Pick<Node, 'properties'> | null | undefined,
): SkipResult {
  const list = skipListFromNode(node);
  const skipped: SkippedDevice[] = [];
  const skippedNames = new Set<string>();
  for (const entry of list.entries) {
    for (const { device } of findDevicesByHints(devices, entry.parsed, { nullAsNone: true })) {
      if (skippedNames.has(device.name)) continue;
      skippedNames.add(device.name);
      skipped.push({ device, entry });
    }
  }
  return { devices: devices.filter((d) => !skippedNames.has(d.name)), skipped, volumeNames: list.volumeNames };
}
