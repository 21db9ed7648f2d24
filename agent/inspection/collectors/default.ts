/**
 * The `default` collector: port of IPA inspector.collect_default
 * (openstack/ironic-python-agent ironic_python_agent/inspector.py).
 * Adds `inventory`, `root_disk` (when a disk qualifies), `boot_interface`
 * and `configuration: {collectors, managers}`.
 */
import { errorText } from './error-text.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';
import type { Inventory } from '../../hardware/inventory.js';

/** IPA's `default` collector. A failing inventory throws: inspection without one is useless. */
export const defaultCollector: InspectionCollector = {
  name: 'default',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    const { sources, logger } = context;
    if (sources.waitForDhcp !== undefined) {
      try {
        await sources.waitForDhcp();
      } catch (error) {
        logger.warn('Waiting for DHCP failed, inspecting anyway', { error: errorText(error) });
      }
    }
    const inventory = await context.inventory();
    data['inventory'] = inventory;
    const rootDisk = guessRootDisk(context, inventory);
    if (rootDisk === null) logger.warn('No suitable root device detected');
    else data['root_disk'] = rootDisk;
    data['boot_interface'] = pxeInterface(inventory);
    data['configuration'] = {
      collectors: [...context.collectorNames],
      managers: sources.managers().map((m) => ({ name: m.name, version: m.version })),
    };
  },
};

function guessRootDisk(context: CollectorContext, inventory: Inventory): unknown {
  try {
    return context.sources.rootDisk(inventory) ?? null;
  } catch {
    return null;
  }
}

/**
 * `inventory.boot.pxe_interface`, or null (IPA's deprecated `boot_interface`).
 * Read defensively: a manager written in plain JavaScript may leave `boot` out.
 */
function pxeInterface(inventory: Inventory): string | null {
  return inventory.boot?.pxe_interface ?? null;
}
