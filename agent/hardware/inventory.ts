/**
 * The hardware inventory as the manager contract returns it (`listHardwareInfo`)
 * and as it goes on the wire: `poll.get_hardware_info` and the `inventory` of
 * inspection data. Field names are IPA's, snake_case, verbatim.
 *
 * Shape of openstack/ironic-python-agent ironic_python_agent/hardware.py
 * GenericHardwareManager.list_hardware_info and the SerializableComparable
 * classes it serialises (NetworkInterface, CPU, Memory, BlockDevice,
 * SystemVendorInfo, SystemFirmware, BootInfo). Types only: the contract lives
 * here so that the lifecycle, the collectors and every manager share one shape.
 */

/** IPA BlockDevice.serializable_fields, in IPA's order: what `inventory.disks[]` carries. */
export interface SerializedBlockDevice {
  /** `/dev/<kname>` */
  name: string;
  model: string | null;
  /** Bytes. */
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

/** IPA's serialised NetworkInterface. */
export interface NetworkInterfaceInventory {
  name: string;
  mac_address: string;
  ipv4_address: string | null;
  ipv6_address: string | null;
  has_carrier: boolean;
  /** LLDP TLVs; null (this agent does not collect LLDP). */
  lldp: null;
  vendor: string | null;
  product: string | null;
  /** InfiniBand DHCP client id; null (IPA never fills it either). */
  client_id: null;
  biosdevname: string | null;
  speed_mbps: number | null;
  pci_address: string | null;
  driver: string | null;
}

/** IPA's serialised CPU. */
export interface CpuInventory {
  model_name: string;
  /** lscpu "CPU max MHz", else "CPU MHz", as printed (e.g. `3500.0000`); empty when unknown. */
  frequency: string;
  /** Logical CPUs ("CPU(s)"). */
  count: number;
  architecture: string;
  flags: string[];
  socket_count: number;
}

/** IPA's serialised Memory. */
export interface MemoryInventory {
  /** Usable RAM in bytes (MemTotal), null when /proc/meminfo is unreadable. */
  total: number | null;
  /** Installed RAM in MiB, null when unknown. */
  physical_mb: number | null;
}

/** IPA's serialised SystemFirmware. */
export interface FirmwareInventory {
  vendor: string;
  version: string;
  build_date: string;
}

/** IPA's serialised SystemVendorInfo. */
export interface SystemVendorInventory {
  product_name: string;
  serial_number: string;
  manufacturer: string;
  firmware: FirmwareInventory;
}

/** `inventory.boot` (IPA BootInfo, get_boot_info). */
export interface BootInfo {
  current_boot_mode: 'uefi' | 'bios';
  /** The kernel's BOOTIF value as given (e.g. `01-52-54-00-aa-bb-cc`), or null. */
  pxe_interface: string | null;
}

/** IPA's inventory. `bmc_mac` is present only when known. */
export interface Inventory {
  interfaces: NetworkInterfaceInventory[];
  cpu: CpuInventory;
  disks: SerializedBlockDevice[];
  memory: MemoryInventory;
  bmc_address: string | null;
  bmc_v6address: string | null;
  system_vendor: SystemVendorInventory;
  boot: BootInfo;
  hostname: string;
  bmc_mac?: string;
}
