/**
 * Decide, without touching anything, what removing software RAID from the
 * install disk means: which md arrays have a member on the disk (the disk
 * itself or one of its partitions), what of them lives on other disks, and
 * whether any of them is in use.
 *
 * Scope differs from upstream on purpose. openshift/ironic-agent-image
 * `hardware_manager/ironic_coreos_install.py` (`_try_delete_raid`) calls IPA's
 * `delete_configuration` (openstack/ironic-python-agent `hardware.py`), which
 * stops every array on the node, wipes each md device with `wipefs -af` (a write
 * that reaches every member, on every disk), zeroes the superblocks of all
 * members and wipes every holder disk's partition table. Here only the disk
 * coreos-installer is about to overwrite is written: arrays with a member on
 * it are stopped, and only its own members lose their superblocks.
 */
import { basename } from 'node:path';
import { DeploymentError } from '../../../../common/errors.js';
import type { MdArray } from './mdstat.js';

/** One node of `lsblk --json --paths --output NAME,KNAME,TYPE,MOUNTPOINT <disk>`. */
export interface DiskTreeNode {
  name: string;
  kname: string;
  type: string;
  mountpoint: string | null;
  children: DiskTreeNode[];
}

/** An array that has at least one member on the install disk. */
export interface PlannedArray {
  /** `/dev/md127`. */
  device: string;
  /** Personality (`raid1`), null when inactive. */
  level: string | null;
  active: boolean;
  /** Members on the install disk (`/dev/vda1`): their superblocks are zeroed. */
  onDisk: string[];
  /** Members on other disks: left intact (the stopped array can assemble degraded from them). */
  elsewhere: string[];
}

/** What {@link planRaidRemoval} decided. */
export interface RaidRemovalPlan {
  /** The install disk. */
  disk: string;
  /** The disk and its partitions, partitions first: the only devices whose md superblocks may be zeroed. */
  devices: string[];
  /** Arrays to stop. */
  arrays: PlannedArray[];
}

/**
 * Parse lsblk's JSON (util-linux 2.37+, `--paths`) for one disk into a tree.
 * @throws DeploymentError when the output does not describe `disk`
 */
export function parseDiskTree(json: string, disk: string): DiskTreeNode {
  const root = (JSON.parse(json) as { blockdevices?: unknown[] }).blockdevices?.[0];
  if (root === undefined) throw new DeploymentError(`lsblk did not describe ${disk}`);
  return toNode(root);
}

function toNode(value: unknown): DiskTreeNode {
  const v = value as { name?: unknown; kname?: unknown; type?: unknown; mountpoint?: unknown; children?: unknown[] };
  const name = String(v.name ?? '');
  return {
    name,
    kname: typeof v.kname === 'string' ? v.kname : name,
    type: String(v.type ?? ''),
    mountpoint: typeof v.mountpoint === 'string' && v.mountpoint !== '' ? v.mountpoint : null,
    children: (v.children ?? []).map(toNode),
  };
}

/**
 * Plan the removal for `disk`, given its lsblk tree and /proc/mdstat.
 * @throws DeploymentError when an array to stop is in use (mounted, swap, or
 *   holding LVM, dm-crypt or another array); nothing has been changed then
 */
export function planRaidRemoval(disk: string, tree: DiskTreeNode, arrays: readonly MdArray[]): RaidRemovalPlan {
  const own = [tree, ...tree.children.filter((c) => c.type === 'part')];
  const ownKnames = new Map(own.map((n) => [basename(n.kname), n.name]));
  const planned: PlannedArray[] = [];
  for (const array of arrays) {
    const onDisk = array.members
      .filter((m) => ownKnames.has(m.kname))
      .map((m) => ownKnames.get(m.kname) ?? `/dev/${m.kname}`);
    if (onDisk.length === 0) continue;
    const elsewhere = array.members.filter((m) => !ownKnames.has(m.kname)).map((m) => `/dev/${m.kname}`);
    const device = `/dev/${array.kname}`;
    const use = inUse(array, tree, arrays);
    if (use !== null) {
      throw new DeploymentError(
        `Cannot install on ${disk}: software RAID array ${device} (members ${[...onDisk, ...elsewhere].join(', ')}) is in use: ${use}; ` +
          'stop using it (unmount, swapoff, deactivate LVM or dm-crypt) and retry; nothing was changed',
      );
    }
    planned.push({ device, level: array.level, active: array.active, onDisk, elsewhere });
  }
  const devices = [
    ...own
      .slice(1)
      .map((n) => n.name)
      .sort()
      .reverse(),
    tree.name,
  ];
  return { disk, devices, arrays: planned };
}

/** Why an array cannot be stopped, or null. */
function inUse(array: MdArray, tree: DiskTreeNode, arrays: readonly MdArray[]): string | null {
  const outer = arrays.find((a) => a.members.some((m) => m.kname === array.kname));
  if (outer !== undefined) return `it is a member of array /dev/${outer.kname}`;
  for (const node of findAll(tree, (n) => basename(n.kname) === array.kname)) {
    const reason = busyBelow(node);
    if (reason !== null) return reason;
  }
  return null;
}

/** Mounted (or swap) devices and non-partition holders at or below an md node. */
function busyBelow(node: DiskTreeNode): string | null {
  if (node.mountpoint !== null)
    return node.mountpoint === '[SWAP]'
      ? `${node.name} is in use as swap`
      : `${node.name} is mounted at ${node.mountpoint}`;
  for (const child of node.children) {
    if (child.type !== 'part' && child.type !== 'md') return `${child.name} (${child.type}) is built on it`;
    const reason = busyBelow(child);
    if (reason !== null) return reason;
  }
  return null;
}

function findAll(node: DiskTreeNode, match: (n: DiskTreeNode) => boolean): DiskTreeNode[] {
  return [...(match(node) ? [node] : []), ...node.children.flatMap((c) => findAll(c, match))];
}
