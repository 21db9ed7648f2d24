/**
 * The `usb-devices` collector: port of IPA inspector.collect_usb_devices and
 * GenericHardwareManager.get_usb_devices (openstack/ironic-python-agent
 * ironic_python_agent/inspector.py, hardware.py): lshw nodes with id `usb`
 * and class `generic`, as `{product, vendor, handle}`. Without lshw the key
 * is left out (an empty list would claim there are no USB devices).
 */
import { findInLshw, type LshwNode } from './lshw.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';

/** IPA's serialised USBInfo. */
export interface UsbDevice {
  product: string;
  vendor: string;
  handle: string;
}

/** The USB devices in an lshw tree (missing fields are empty strings, as in IPA). */
export function usbDevicesFromLshw(root: LshwNode): UsbDevice[] {
  return findInLshw(root, { id: 'usb', class: 'generic', recursive: true }).map((node) => ({
    product: node.product ?? '',
    vendor: node.vendor ?? '',
    handle: node.handle ?? '',
  }));
}

/** IPA's `usb-devices` collector. */
export const usbDevicesCollector: InspectionCollector = {
  name: 'usb-devices',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    const root = await context.lshw();
    if (root === null) {
      context.logger.warn('usb_devices left out: they are read from lshw, which is not available');
      return;
    }
    data['usb_devices'] = usbDevicesFromLshw(root);
  },
};
