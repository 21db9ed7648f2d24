/**
 * Create missing `/dev` nodes for listed devices from sysfs, as udev would,
 * and replace nodes whose device number sysfs no longer gives that name.
 *
 * Where there is no udev (a confined test node, a minimal container without
 * `/run/udev`), partitions created after the agent started appear in sysfs
 * but not in `/dev`. A node made that way is never removed by the kernel: when
 * the partition table is rewritten (an install over an older image) the kernel
 * may give the same name another minor, and the old node then opens another
 * partition or disk. So a node's `major:minor` is checked against sysfs before
 * it is trusted. Only nodes for devices the allowlisted lister returned are
 * ever created or replaced, and only device nodes are ever removed.
 */
import type { Runner } from '../../../common/exec/runner.js';
import type { FsReader } from '../../../common/fs/fs-reader.js';
import type { Logger } from '../../logger.js';
import type { BlockDevice } from '../types.js';

/** What to do with one node, given what /dev holds and what sysfs says (pure). */
export type NodeAction = 'keep' | 'create' | 'replace' | 'not-a-device';

/**
 * Decide for one node.
 * @param present - whether the path exists
 * @param current - its `major:minor`, null when it is no device node, undefined when it could not be read
 * @param expected - sysfs's `major:minor`
 */
export function nodeAction(present: boolean, current: string | null | undefined, expected: string): NodeAction {
  if (!present) return 'create';
  if (current === undefined || current === expected) return 'keep';
  return current === null ? 'not-a-device' : 'replace';
}

/** Make sure every device (and partition) in `devices` has its node, with sysfs's device number. */
export async function ensureDeviceNodes(
  devices: readonly BlockDevice[],
  deps: { runner: Runner; fs: FsReader; logger: Logger; sys?: string },
): Promise<void> {
  for (const device of devices) {
    for (const target of [device, ...(device.partitions ?? [])]) {
      const kname = target.name.replace(/^\/dev\//, '');
      if (kname.includes('/')) continue;
      const majMin = (await deps.fs.readFile(`${deps.sys ?? '/sys'}/class/block/${kname}/dev`).catch(() => '')).trim();
      const match = /^(\d+):(\d+)$/.exec(majMin);
      if (match === null) continue;
      const present = await deps.fs.exists(target.name);
      const current = present ? await deps.fs.deviceNumber?.(target.name).catch(() => undefined) : undefined;
      const action = nodeAction(present, current, majMin);
      if (action === 'keep') continue;
      if (action === 'not-a-device') {
        deps.logger.warn('A /dev entry for a listed device is not a device node; leaving it', { device: target.name });
        continue;
      }
      if (action === 'replace') {
        deps.logger.warn('Replacing a stale device node: sysfs gives its name another device number', {
          device: target.name,
          node: current,
          dev: majMin,
        });
        await deps.runner.run(['rm', '-f', target.name]);
      }
      await deps.runner.run(['mknod', '-m', '0660', target.name, 'b', match[1] ?? '', match[2] ?? '']);
      deps.logger.debug('Created a missing device node from sysfs (no udev)', { device: target.name, dev: majMin });
    }
  }
}
