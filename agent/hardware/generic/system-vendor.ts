/**
 * `inventory.system_vendor` from the DMI attributes in /sys/class/dmi/id.
 *
 * IPA reads the same DMI values through `lshw -json` (product, serial, vendor
 * and the firmware node); sysfs needs no extra tool. Missing values are empty
 * strings, as in IPA. (`product_serial` is readable by root only.)
 */
import { readTrimmed, type FsReader } from '../../../common/fs/fs-reader.js';
import type { SystemVendorInventory } from '../inventory.js';

/** Read the DMI identity of the machine; `sysRoot` defaults to `/sys`. */
export async function readSystemVendor(fs: FsReader, sysRoot = '/sys'): Promise<SystemVendorInventory> {
  const dmi = async (name: string): Promise<string> => (await readTrimmed(fs, `${sysRoot}/class/dmi/id/${name}`)) ?? '';
  return {
    product_name: await dmi('product_name'),
    serial_number: await dmi('product_serial'),
    manufacturer: await dmi('sys_vendor'),
    firmware: {
      vendor: await dmi('bios_vendor'),
      version: await dmi('bios_version'),
      build_date: await dmi('bios_date'),
    },
  };
}
