/**
 * The `pci-devices` collector: port of IPA inspector.collect_pci_devices_info
 * (openstack/ironic-python-agent ironic_python_agent/inspector.py). Reads
 * /sys/bus/pci/devices; no lspci needed. ironic-inspector's and Ironic's
 * `pci_devices` hooks count `vendor_id`/`product_id` pairs from it.
 */
import { readdirOrEmpty, readTrimmed } from '../../../common/fs/fs-reader.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';

/** One entry of `pci_devices` (IPA's dict, ids without `0x`; `numa_node_id` is the sysfs text). */
export interface PciDevice {
  vendor_id: string;
  product_id: string;
  class: string;
  revision: string | null;
  bus: string;
  numa_node_id: string | null;
}

/** The sysfs attributes of one device, as read (null when unreadable). */
export interface PciSysfsFiles {
  vendor: string | null;
  device: string | null;
  class: string | null;
  revision: string | null;
  numa_node: string | null;
}

/** The part after `x` of `0x8086`; undefined when there is none (IPA's IndexError). */
function hexPart(text: string): string | undefined {
  return text.trim().split('x')[1];
}

/**
 * Build one entry, or explain why the device is skipped (IPA skips a device
 * whose vendor, device or class cannot be read or has no `0x`).
 */
export function pciDeviceFromSysfs(bus: string, files: PciSysfsFiles): PciDevice | { skip: string } {
  if (files.vendor === null || files.device === null || files.class === null)
    return { skip: 'vendor, device or class unreadable' };
  const [vendor, product, pciClass] = [hexPart(files.vendor), hexPart(files.device), hexPart(files.class)];
  if (vendor === undefined || product === undefined || pciClass === undefined)
    return { skip: 'vendor, device or class not in 0x form' };
  return {
    vendor_id: vendor,
    product_id: product,
    class: pciClass,
    revision: files.revision === null ? null : (hexPart(files.revision) ?? null),
    bus,
    numa_node_id: files.numa_node,
  };
}

/** IPA's `pci-devices` collector: `pci_devices`, in bus-address order. */
export const pciDevicesCollector: InspectionCollector = {
  name: 'pci-devices',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    const { fs, logger } = context;
    const root = `${context.paths.sys}/bus/pci/devices`;
    if (!(await fs.exists(root))) {
      logger.warn('No PCI devices directory; pci_devices left out', { path: root });
      return;
    }
    const devices: PciDevice[] = [];
    for (const bus of (await readdirOrEmpty(fs, root)).sort()) {
      const read = (name: string): Promise<string | null> => readTrimmed(fs, `${root}/${bus}/${name}`);
      const entry = pciDeviceFromSysfs(bus, {
        vendor: await read('vendor'),
        device: await read('device'),
        class: await read('class'),
        revision: await read('revision'),
        numa_node: await read('numa_node'),
      });
      if ('skip' in entry) logger.warn('Skipping a PCI device', { bus, reason: entry.skip });
      else devices.push(entry);
    }
    data['pci_devices'] = devices;
  },
};
