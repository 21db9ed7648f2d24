/**
 * What marks protected (possibly shared) storage, and the pure matcher.
 *
 * The identifiers and the gfs2 type are IPA's (openstack/ironic-python-agent
 * `hardware._check_for_special_partitions_filesystems`). Added on the safe
 * side: VMFS itself as libblkid names it (util-linux
 * libblkid/src/superblocks/vmfs.c), so a VMFS datastore is refused even when
 * its partition entry was retyped, and partition names that announce the
 * storage. A refusal is recoverable (`wipe_special_filesystems: false` on the
 * node); a wrong wipe is not.
 */

/** Partition type identifiers (GPT type GUIDs, MBR type bytes) that mark protected storage. */
export const GUARDED_IDS: Readonly<Record<string, string>> = {
  '37affc90-ef7d-4e96-91c3-2d7ae055b174': 'IBM GPFS Partition',
  'aa31e02a-400f-11db-9590-000c2911d1b8': 'VMware VMFS Partition (GPT)',
  '0xfb': 'VMware VMFS Partition (MBR)',
};

/** Filesystem types (lower case) that mark protected storage. */
export const GUARDED_FS_TYPES: Readonly<Record<string, string>> = {
  gfs2: 'Red Hat Global File System 2',
  vmfs: 'VMware VMFS',
  vmfs_volume_member: 'VMware VMFS volume member',
};

/** The same types as libblkid spells them (its `-n` filter compares names exactly). */
export const GUARDED_BLKID_TYPES: readonly string[] = ['gfs2', 'VMFS', 'VMFS_volume_member'];

/** Partition names that announce protected storage (a whole word at the start, any case). */
export const GUARDED_LABELS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /^\s*gpfs\b/i, what: 'IBM GPFS Partition (by name)' },
  { pattern: /^\s*vmfs\b/i, what: 'VMware VMFS Partition (by name)' },
];

/** What was found about one device node or one partition of a disk's own table. */
export interface DeviceEvidence {
  /** Where: a device path, or a description of an unregistered partition. */
  name: string;
  /** UUIDs and partition types from any source; null for unknown. */
  ids: readonly (string | null | undefined)[];
  /** Partition names from any source. */
  labels?: readonly (string | null | undefined)[];
  /** Filesystem types from any source. */
  fsTypes: readonly (string | null | undefined)[];
}

/** A protected finding: where, and what IPA calls it. */
export interface ProtectedFinding {
  device: string;
  what: string;
}

/**
 * The first protected identifier, name or filesystem in `evidence`, or null.
 * Per node, identifiers are checked before names and filesystem types, as IPA
 * checks identifiers first.
 */
export function findProtected(evidence: readonly DeviceEvidence[]): ProtectedFinding | null {
  for (const node of evidence) {
    const what = idMatch(node.ids) ?? labelMatch(node.labels ?? []) ?? fsMatch(node.fsTypes);
    if (what !== undefined) return { device: node.name, what };
  }
  return null;
}

function idMatch(ids: DeviceEvidence['ids']): string | undefined {
  for (const id of ids) {
    const what = typeof id === 'string' ? GUARDED_IDS[id.trim().toLowerCase()] : undefined;
    if (what !== undefined) return what;
  }
  return undefined;
}

function labelMatch(labels: NonNullable<DeviceEvidence['labels']>): string | undefined {
  for (const label of labels) {
    if (typeof label !== 'string') continue;
    const rule = GUARDED_LABELS.find((r) => r.pattern.test(label));
    if (rule !== undefined) return rule.what;
  }
  return undefined;
}

function fsMatch(fsTypes: DeviceEvidence['fsTypes']): string | undefined {
  for (const fs of fsTypes) {
    const what = typeof fs === 'string' ? GUARDED_FS_TYPES[fs.trim().toLowerCase()] : undefined;
    if (what !== undefined) return what;
  }
  return undefined;
}
