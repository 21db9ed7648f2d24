/** The wire shape of a block device (`inventory.disks[]`, the `hints` CLI's JSON). */
import type { BlockDevice } from '../types.js';

/** IPA BlockDevice.serializable_fields, in IPA's order. */
export interface SerializedBlockDevice {
  name: string;
  model: string | null;
  size: number;
  rotational: boolean;
  wwn: string | null;
  serial: string | null;
  vendor: string | null;
  wwn_with_extension: string | null;
  wwn_vendor_extension: string | null;
  hctl: string | null;
  by_path: string | null;
  logical_sectors: number | null;
  physical_sectors: number | null;
  tran: string | null;
}

/** Keep only IPA's serialised fields (drops type, read_only, all_serials, partitions, ...). */
export function serializeBlockDevice(device: BlockDevice): SerializedBlockDevice {
  return {
    name: device.name, model: device.model, size: device.size, rotational: device.rotational, wwn: device.wwn,
    serial: device.serial, vendor: device.vendor, wwn_with_extension: device.wwn_with_extension,
    wwn_vendor_extension: device.wwn_vendor_extension, hctl: device.hctl, by_path: device.by_path,
    logical_sectors: device.logical_sectors, physical_sectors: device.physical_sectors, tran: device.tran,
  };
}
