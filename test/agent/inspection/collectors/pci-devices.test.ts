import { expect } from 'chai';
import { pciDeviceFromSysfs, pciDevicesCollector } from '../../../../agent/inspection/collectors/pci-devices.js';
import { makeTree, removeTree } from '../../../helpers/fs-tree.js';
import { fixtureContext } from './helpers.js';

describe('inspection/collectors/pci-devices', () => {
  const trees: string[] = [];
  afterEach(async () => {
    for (const t of trees.splice(0)) await removeTree(t);
  });

  it('turns sysfs attributes into IPA entries, ids without 0x', () => {
    const table: Array<[Parameters<typeof pciDeviceFromSysfs>[1], ReturnType<typeof pciDeviceFromSysfs>]> = [
      [
        { vendor: '0x8086', device: '0x0d57', class: '0x060000', revision: '0x00', numa_node: '-1' },
        {
          vendor_id: '8086',
          product_id: '0d57',
          class: '060000',
          revision: '00',
          bus: '0000:00:00.0',
          numa_node_id: '-1',
        },
      ],
      [
        { vendor: '0x15b3', device: '0x1017', class: '0x020000', revision: null, numa_node: null },
        {
          vendor_id: '15b3',
          product_id: '1017',
          class: '020000',
          revision: null,
          bus: '0000:00:00.0',
          numa_node_id: null,
        },
      ],
      [
        { vendor: '0x15b3', device: '0x1017', class: '0x020000', revision: 'bogus', numa_node: '0' },
        {
          vendor_id: '15b3',
          product_id: '1017',
          class: '020000',
          revision: null,
          bus: '0000:00:00.0',
          numa_node_id: '0',
        },
      ],
      [
        { vendor: null, device: '0x1017', class: '0x020000', revision: null, numa_node: null },
        { skip: 'vendor, device or class unreadable' },
      ],
      [
        { vendor: '8086', device: '0x1017', class: '0x020000', revision: null, numa_node: null },
        { skip: 'vendor, device or class not in 0x form' },
      ],
    ];
    for (const [files, expected] of table)
      expect(pciDeviceFromSysfs('0000:00:00.0', files), JSON.stringify(files)).to.deep.equal(expected);
  });

  it('lists /sys/bus/pci/devices in bus order, skipping unreadable devices', async () => {
    // the attribute values of this machine's virtio PCI devices (cat /sys/bus/pci/devices/*/{vendor,device,class,revision,numa_node})
    const root = await makeTree('pci', {
      'sys/bus/pci/devices/0000:00:03.0/vendor': '0x1af4\n',
      'sys/bus/pci/devices/0000:00:03.0/device': '0x1041\n',
      'sys/bus/pci/devices/0000:00:03.0/class': '0x020000\n',
      'sys/bus/pci/devices/0000:00:03.0/revision': '0x01\n',
      'sys/bus/pci/devices/0000:00:03.0/numa_node': '-1\n',
      'sys/bus/pci/devices/0000:00:00.0/vendor': '0x8086\n',
      'sys/bus/pci/devices/0000:00:00.0/device': '0x0d57\n',
      'sys/bus/pci/devices/0000:00:00.0/class': '0x060000\n',
      'sys/bus/pci/devices/0000:00:00.0/revision': '0x00\n',
      'sys/bus/pci/devices/0000:00:00.0/numa_node': '-1\n',
      'sys/bus/pci/devices/0000:00:09.0/vendor': '0x1af4\n',
    });
    trees.push(root);
    const { context, memory } = fixtureContext(root);
    const data: Record<string, unknown> = {};

    await pciDevicesCollector.collect(data, context);

    expect(data['pci_devices']).to.deep.equal([
      {
        vendor_id: '8086',
        product_id: '0d57',
        class: '060000',
        revision: '00',
        bus: '0000:00:00.0',
        numa_node_id: '-1',
      },
      {
        vendor_id: '1af4',
        product_id: '1041',
        class: '020000',
        revision: '01',
        bus: '0000:00:03.0',
        numa_node_id: '-1',
      },
    ]);
    expect(memory.text()).to.contain('Skipping a PCI device').and.contain('0000:00:09.0');
  });

  it('leaves pci_devices out when there is no PCI bus', async () => {
    const root = await makeTree('pci', { 'sys/class/net/lo/address': '00:00:00:00:00:00\n' });
    trees.push(root);
    const { context, memory } = fixtureContext(root);
    const data: Record<string, unknown> = {};

    await pciDevicesCollector.collect(data, context);

    expect(data).to.deep.equal({});
    expect(memory.text()).to.contain('No PCI devices directory');
  });
});
