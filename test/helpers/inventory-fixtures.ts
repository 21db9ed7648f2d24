/**
 * Shared inventory fixtures: a sysfs network tree and the matching `ip -j addr`
 * output, and builders of typed inventories for fake managers and collectors.
 */
import type { TreeSpec } from './fs-tree.js';
import type { Inventory, NetworkInterfaceInventory, SerializedBlockDevice } from '../../agent/hardware/inventory.js';

/** A NIC in sysfs: class/net/<name>/device → devices/<pci>, with vendor, device and driver. */
export function nic(name: string, pci: string, driver: string, extra: TreeSpec = {}): TreeSpec {
  return {
    [`sys/devices/pci0000:00/${pci}/vendor`]: '0x8086\n',
    [`sys/devices/pci0000:00/${pci}/device`]: '0x1572\n',
    [`sys/devices/pci0000:00/${pci}/driver`]: { link: `../../../bus/pci/drivers/${driver}` },
    [`sys/class/net/${name}/device`]: { link: `../../../devices/pci0000:00/${pci}` },
    ...extra,
  };
}

/** NICs: eno1/eno2/eno4 (PCI), usb0/usb1 (BMC USB NICs), nomac, fa0, lo, bond0, VLAN eno1.100, virbr0. */
export const NET_TREE: TreeSpec = {
  ...nic('eno1', '0000:3b:00.0', 'i40e', { 'sys/class/net/eno1/carrier': '1\n', 'sys/class/net/eno1/speed': '1000\n' }),
  ...nic('eno2', '0000:3b:00.1', 'ixgbe', { 'sys/class/net/eno2/carrier': '0\n', 'sys/class/net/eno2/speed': '-1\n' }),
  ...nic('eno4', '0000:3b:00.3', 'igb', { 'sys/class/net/eno4/speed': '1000\n' }),
  ...nic('usb0', '1-1.3:1.0', 'cdc_ether'),
  ...nic('usb1', '1-1.4:1.0', 'cdc_ncm'),
  ...nic('nomac', '0000:3b:00.2', 'i40e'),
  ...nic('fa0', '0000:5e:00.0', 'virtio_net'),
  'sys/class/net/lo/address': '00:00:00:00:00:00\n',
  'sys/class/net/bond0/bonding/mode': 'active-backup 1\n',
  'sys/class/net/eno1.100/address': '3c:fd:fe:00:00:01\n',
  'sys/class/net/virbr0/address': '52:54:00:00:00:99\n',
};

/** `ip -j addr` for {@link NET_TREE}. */
export const IP_ADDR = JSON.stringify([
  { ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', scope: 'host' }] },
  {
    ifname: 'eno1',
    address: '3C:FD:FE:00:00:01',
    addr_info: [
      { family: 'inet', local: '192.0.2.10', scope: 'global' },
      { family: 'inet', local: '192.0.2.11', scope: 'global' },
      { family: 'inet6', local: 'fe80::3efd:feff:fe00:1', scope: 'link' },
    ],
  },
  {
    ifname: 'eno2',
    address: '3c:fd:fe:00:00:99',
    permaddr: '3c:fd:fe:00:00:02',
    addr_info: [{ family: 'inet6', local: '2001:db8::2', scope: 'global' }],
  },
  { ifname: 'eno4', address: '3c:fd:fe:00:00:04', addr_info: [] },
  {
    ifname: 'usb0',
    address: '0a:94:ef:00:00:01',
    addr_info: [{ family: 'inet', local: '169.254.0.17', scope: 'global' }],
  },
  { ifname: 'usb1', address: '0a:94:ef:00:00:02', addr_info: [] },
  { ifname: 'nomac', address: '00:00:00:00:00:00', addr_info: [] },
  { ifname: 'fa0', address: 'fa:16:3e:00:00:01', addr_info: [] },
  { ifname: 'bond0', address: '3c:fd:fe:00:00:01', addr_info: [] },
  {
    ifname: 'eno1.100',
    address: '3c:fd:fe:00:00:01',
    addr_info: [{ family: 'inet', local: '198.51.100.5', scope: 'global' }],
  },
]);

/** A network interface of the inventory: `overrides` over a NIC with no addresses. */
export function fakeInterface(overrides: Partial<NetworkInterfaceInventory> = {}): NetworkInterfaceInventory {
  return {
    name: 'eth0',
    mac_address: '52:54:00:00:00:01',
    ipv4_address: null,
    ipv6_address: null,
    has_carrier: true,
    lldp: null,
    vendor: null,
    product: null,
    client_id: null,
    biosdevname: null,
    speed_mbps: null,
    pci_address: null,
    driver: null,
    ...overrides,
  };
}

/** A disk of the inventory: `overrides` over a 10 GiB disk that knows nothing else. */
export function fakeDisk(overrides: Partial<SerializedBlockDevice> = {}): SerializedBlockDevice {
  return {
    name: '/dev/vda',
    model: null,
    size: 10 * 1024 ** 3,
    rotational: false,
    wwn: null,
    serial: null,
    vendor: null,
    wwn_with_extension: null,
    wwn_vendor_extension: null,
    hctl: null,
    by_path: null,
    logical_sectors: null,
    physical_sectors: null,
    tran: null,
    ...overrides,
  };
}

/** A whole inventory: `overrides` over a BIOS machine without NICs, disks or BMC. */
export function fakeInventory(overrides: Partial<Inventory> = {}): Inventory {
  return {
    interfaces: [],
    cpu: {
      model_name: 'QEMU Virtual CPU',
      frequency: '',
      count: 1,
      architecture: 'x86_64',
      flags: [],
      socket_count: 1,
    },
    disks: [],
    memory: { total: 2 * 1024 ** 3, physical_mb: 2048 },
    bmc_address: null,
    bmc_v6address: null,
    system_vendor: {
      product_name: '',
      serial_number: '',
      manufacturer: '',
      firmware: { vendor: '', version: '', build_date: '' },
    },
    boot: { current_boot_mode: 'bios', pxe_interface: null },
    hostname: 'localhost',
    ...overrides,
  };
}
