/** The wire shape of a block device (`inventory.disks[]`, the `hints` CLI's JSON). */
import type { BlockDevice, SerializedBlockDevice } from '../types.js';

export type { SerializedBlockDevice } from '../types.js';

/** Keep only IPA's serialised fields (drops type, read_only, all_serials, partitions, ...). */
export function serializeBlockDevice(device: BlockDevice): SerializedBlockDevice {
  return {
    name: device.name,
    model: device.model,
    size: device.size,
    rotational: device.rotational,
    wwn: device.wwn,
    serial: device.serial,
    vendor: device.vendor,
    wwn_with_extension: device.wwn_with_extension,
    wwn_vendor_extension: device.wwn_vendor_extension,
    hctl: device.hctl,
    by_path: device.by_path,
    logical_sectors: device.logical_sectors,
    physical_sectors: device.physical_sectors,
    tran: device.tran,
  };
}
