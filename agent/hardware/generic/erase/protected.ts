/**
 * The shared-disk filesystem guard run before any device is wiped.
 *
 * Port of IPA hardware.safety_check_block_device and
 * _check_for_special_partitions_filesystems: cleaning refuses devices that
 * look like clustered storage (IBM GPFS, VMware VMFS, Red Hat GFS2) because
 * other machines may be using them.
 *
 * Deliberate differences from IPA, all on the safe side:
 * - the device's partitions are checked as well as the device itself;
 * - besides lsblk (empty without udev), `blkid -p` probes the disk directly;
 * - GUIDs are compared case-insensitively (lsblk and blkid print lower case);
 * - the filesystem type is actually read (IPA's lsblk call omits FSTYPE).
 */
import { BlockDeviceError, ProtectedDeviceError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';
import type { Logger } from '../../../logger.js';
import type { Node } from '../../types.js';
import type { SafetyCheck } from './deps.js';

/** Partition type identifiers (GPT type GUIDs, MBR type bytes) that mark protected storage. */
export const GUARDED_IDS: Readonly<Record<string, string>> = {
  '37affc90-ef7d-4e96-91c3-2d7ae055b174': 'IBM GPFS Partition',
  'aa31e02a-400f-11db-9590-000c2911d1b8': 'VMware VMFS Partition (GPT)',
  '0xfb': 'VMware VMFS Partition (MBR)',
};

/** Filesystem types that mark protected storage. */
export const GUARDED_FS_TYPES: Readonly<Record<string, string>> = {
  gfs2: 'Red Hat Global File System 2',
};

/** lsblk columns read: IPA's identifiers plus the tree's names and FSTYPE. */
export const LSBLK_COLUMNS = ['NAME', 'UUID', 'PTUUID', 'PARTTYPE', 'PARTUUID', 'FSTYPE'] as const;

/** What was found about one device node (the device or one of its partitions). */
export interface DeviceEvidence {
  name: string;
  /** UUIDs and partition types from any source; null for unknown. */
  ids: readonly (string | null | undefined)[];
  /** Filesystem types from any source. */
  fsTypes: readonly (string | null | undefined)[];
}

/** A protected finding: where, and what IPA calls it. */
export interface ProtectedFinding {
  device: string;
  what: string;
}

/**
 * The first protected identifier or filesystem in `evidence`, or null.
 * Identifiers are checked before filesystem types, as IPA does.
 */
export function findProtected(evidence: readonly DeviceEvidence[]): ProtectedFinding | null {
  for (const node of evidence) {
    for (const id of node.ids) {
      const what = id === null || id === undefined ? undefined : GUARDED_IDS[id.trim().toLowerCase()];
      if (what !== undefined) return { device: node.name, what };
    }
    for (const fs of node.fsTypes) {
      const what = fs === null || fs === undefined ? undefined : GUARDED_FS_TYPES[fs.trim().toLowerCase()];
      if (what !== undefined) return { device: node.name, what };
    }
  }
  return null;
}

/** One node of `lsblk --json` output, flattened. */
export interface LsblkNode {
  name: string;
  fields: Record<string, string | null>;
}

/**
 * Flatten `lsblk --json` output (device first, then its children, depth first).
 * Column keys are lower case, as lsblk prints them.
 * @throws Error when the text is not lsblk's JSON
 */
export function parseLsblkTree(text: string): LsblkNode[] {
  const parsed = JSON.parse(text) as { blockdevices?: unknown };
  if (!Array.isArray(parsed.blockdevices)) throw new Error('no "blockdevices" array');
  const out: LsblkNode[] = [];
  const visit = (entry: unknown): void => {
    if (typeof entry !== 'object' || entry === null) return;
    const record = entry as Record<string, unknown>;
    const fields: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'children') fields[key] = value === null || value === undefined ? null : String(value);
    }
    if (typeof record['name'] === 'string') out.push({ name: record['name'], fields });
    if (Array.isArray(record['children'])) for (const child of record['children']) visit(child);
  };
  for (const entry of parsed.blockdevices) visit(entry);
  return out;
}

/** `blkid -o export` output as a map (`KEY=value` lines; blank lines ignored). */
export function parseBlkidExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Evidence for one node from its lsblk fields and blkid probe. */
export function evidenceOf(name: string, lsblk: Record<string, string | null>, blkid: Record<string, string>): DeviceEvidence {
  return {
    name,
    ids: [
      lsblk['uuid'], lsblk['ptuuid'], lsblk['parttype'], lsblk['partuuid'],
      blkid['UUID'], blkid['PTUUID'], blkid['PART_ENTRY_TYPE'], blkid['PART_ENTRY_UUID'],
    ],
    fsTypes: [lsblk['fstype'], blkid['TYPE']],
  };
}

/**
 * True when the node opts out of the guard: IPA skips it when
 * `driver_internal_info.wipe_special_filesystems` is explicitly false.
 */
export function guardDisabledByNode(node: Node): boolean {
  const value = node.driver_internal_info?.['wipe_special_filesystems'];
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

/** Options for {@link createSafetyCheck}. */
export interface SafetyCheckOptions {
  runner: Runner;
  logger: Logger;
  /** The agent's `guard_special_filesystems` option (AgentConfig.guardSpecialFilesystems). */
  enabled: boolean;
}

/**
 * Build the safety check: read-only probes of the device and its partitions.
 * @throws ProtectedDeviceError when protected storage is found
 * @throws BlockDeviceError when lsblk output cannot be read (fails closed)
 */
export function createSafetyCheck(options: SafetyCheckOptions): SafetyCheck {
  return async (node: Node, device: string): Promise<void> => {
    if (!options.enabled || guardDisabledByNode(node)) {
      options.logger.debug('Special filesystem guard disabled', { device });
      return;
    }
    const evidence = await collectEvidence(options.runner, device);
    const finding = findProtected(evidence);
    if (finding !== null) {
      options.logger.error('Refusing to erase protected device', { device, found_on: finding.device, what: finding.what });
      throw new ProtectedDeviceError(finding.device, finding.what);
    }
  };
}

async function collectEvidence(runner: Runner, device: string): Promise<DeviceEvidence[]> {
  const { stdout } = await runner.run(['lsblk', '-bia', '--json', '-p', `-o${LSBLK_COLUMNS.join(',')}`, device]);
  let nodes: LsblkNode[];
  try {
    nodes = parseLsblkTree(stdout);
  } catch (error) {
    throw new BlockDeviceError(
      `Unable to decode lsblk output for ${device} (${error instanceof Error ? error.message : String(error)}); cannot verify it is safe to erase`,
    );
  }
  if (nodes.length === 0) nodes = [{ name: device, fields: {} }];
  const evidence: DeviceEvidence[] = [];
  for (const node of nodes) {
    // -n limits superblock probing to the guarded types, so a disk with several
    // stale signatures is not "ambivalent" and partition entries are still reported.
    const probe = await runner.run(['blkid', '-p', '-o', 'export', '-n', Object.keys(GUARDED_FS_TYPES).join(','), node.name], { okExitCodes: [0, 2] });
    evidence.push(evidenceOf(node.name, node.fields, parseBlkidExport(probe.stdout)));
  }
  return evidence;
}
