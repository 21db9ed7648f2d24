/**
 * Create missing `/dev` nodes for listed devices from sysfs, as udev would.
 *
 * Where there is no udev (a confined test node, a minimal container without
 * `/run/udev`), partitions created after the agent started appear in sysfs
 * but not in `/dev`. Only nodes for devices the allowlisted lister returned
 * are ever created.
 */
import type { Runner } from '../../../common/exec/runner.js';
import type { FsReader } from '../../../common/fs/fs-reader.js';
import type { Logger } from '../../logger.js';
import type { BlockDevice } from '../types.js';

/** Make sure every device (and partition) in `devices` has its node. */
export async function ensureDeviceNodes(
  devices: readonly BlockDevice[],
  deps: { runner: Runner; fs: FsReader; logger: Logger; sys?: string },
): Promise<void> {
  for (const device of devices) {
    for (const target of [device, ...(device.partitions ?? [])]) {
      if (await deps.fs.exists(target.name)) continue;
      const kname = target.name.replace(/^\/dev\//, '');
      if (kname.includes('/')) continue;
      const majMin = (await deps.fs.readFile(`${deps.sys ?? '/sys'}/class/block/${kname}/dev`).catch(() => '')).trim();
      const match = /^(\d+):(\d+)$/.exec(majMin);
      if (match === null) continue;
      await deps.runner.run(['mknod', '-m', '0660', target.name, 'b', match[1] ?? '', match[2] ?? '']);
      deps.logger.debug('Created a missing device node from sysfs (no udev)', { device: target.name, dev: majMin });
    }
  }
}
