/**
 * What the kernel and the disk's first sectors say about a device and the
 * partitions the kernel has registered: `lsblk` (IPA's identifiers) and a
 * low-level `blkid -p` probe of each node.
 */
import { BlockDeviceError } from '../../../../common/errors.js';
import type { Runner } from '../../../../common/exec/runner.js';
import { GUARDED_BLKID_TYPES, type DeviceEvidence } from './protected-ids.js';

/** lsblk columns read: IPA's identifiers plus the tree's names and FSTYPE. */
export const LSBLK_COLUMNS = ['NAME', 'UUID', 'PTUUID', 'PARTTYPE', 'PARTUUID', 'FSTYPE'] as const;

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
export function evidenceOf(
  name: string,
  lsblk: Record<string, string | null>,
  blkid: Record<string, string>,
): DeviceEvidence {
  return {
    name,
    ids: [
      lsblk['uuid'],
      lsblk['ptuuid'],
      lsblk['parttype'],
      lsblk['partuuid'],
      blkid['UUID'],
      blkid['PTUUID'],
      blkid['PART_ENTRY_TYPE'],
      blkid['PART_ENTRY_UUID'],
    ],
    labels: [blkid['PART_ENTRY_NAME']],
    fsTypes: [lsblk['fstype'], blkid['TYPE']],
  };
}

/**
 * The probe argv: superblock probing limited to the guarded types (-n), so a
 * disk with several stale signatures is not "ambivalent" and partition
 * entries are still reported. `at` probes a region (an unregistered partition).
 */
export function blkidProbeArgv(device: string, at?: { offset: number; size: number }): string[] {
  const region = at === undefined ? [] : ['-O', String(at.offset), '-S', String(at.size)];
  return ['blkid', '-p', '-o', 'export', ...region, '-n', GUARDED_BLKID_TYPES.join(','), device];
}

/**
 * lsblk + blkid evidence for the device and every partition the kernel lists.
 * @throws BlockDeviceError when lsblk output cannot be read (fails closed)
 */
export async function kernelEvidence(runner: Runner, device: string): Promise<DeviceEvidence[]> {
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
    const probe = await runner.run(blkidProbeArgv(node.name), { okExitCodes: [0, 2] });
    evidence.push(evidenceOf(node.name, node.fields, parseBlkidExport(probe.stdout)));
  }
  return evidence;
}
