import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { extraHardwareCollector } from '../../../../../agent/inspection/collectors/extra-hardware/index.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { makeTree, removeTree } from '../../../../helpers/fs-tree.js';
import { fakeDisk, fakeInterface, fakeInventory } from '../../../../helpers/inventory-fixtures.js';
import { fixtureContext } from '../helpers.js';

const fixture = (name: string): Promise<string> =>
  readFile(new URL(`../../../../fixtures/inspection/${name}`, import.meta.url), 'utf8');
const INVENTORY = fakeInventory({
  disks: [fakeDisk({ name: '/dev/loop5', size: 9663676416 })],
  interfaces: [fakeInterface({ name: 'eth0', mac_address: '52:54:00:12:34:56', has_carrier: true, driver: null })],
});
const TREE = {
  'sys/block/loop5/size': '18874368\n',
  'sys/block/loop5/queue/rotational': '1\n',
  'sys/block/loop5/queue/scheduler': 'none\n',
  'sys/class/dmi/id/sys_vendor': 'QEMU\n',
  'sys/class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n',
  'sys/class/dmi/id/bios_version': '1.16.2-debian-1.16.2-1\n',
  'proc/cmdline': 'ipa-inspection-collectors=default,extra-hardware,logs ipa-debug=1\n',
  'host/etc/os-release': 'NAME="Fedora Linux"\nPRETTY_NAME="Fedora CoreOS 42.20250705.3.0"\n',
};

describe('inspection/collectors/extra-hardware', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTree('xhw', TREE);
  });
  afterEach(async () => {
    await removeTree(root);
  });

  it('without lshw: facts from lscpu, sysfs, DMI attributes, ip and the command line, none invented', async () => {
    const runner = new FakeRunner().expect(
      { match: ['lshw', '-quiet', '-json'], notFound: true },
      {
        match: ['ip', '-j', 'addr'],
        stdout: JSON.stringify([
          { ifname: 'eth0', addr_info: [{ family: 'inet', local: '10.1.2.10', prefixlen: 32 }] },
        ]),
      },
      { match: ['lscpu'], stdout: await fixture('lscpu-kvm-epyc.txt') },
      { match: ['lscpu', '-x'], stdout: await fixture('lscpu-x-kvm-epyc.txt') },
    );
    const { context, memory } = fixtureContext(root, { runner, inventory: INVENTORY });
    const data: Record<string, unknown> = {};

    await extraHardwareCollector.collect(data, context);

    const facts = data['data'] as Array<[string, string, string, unknown]>;
    expect(facts.every((f) => Array.isArray(f) && f.length === 4)).to.equal(true);
    expect(facts.filter((f) => f[0] !== 'cpu')).to.deep.equal([
      ['disk', 'logical', 'count', '1'],
      ['disk', 'loop5', 'size', '9'],
      ['disk', 'loop5', 'rotational', '1'],
      ['system', 'product', 'name', 'Standard PC (Q35 + ICH9, 2009)'],
      ['system', 'product', 'vendor', 'QEMU'],
      ['firmware', 'bios', 'version', '1.16.2-debian-1.16.2-1'],
      ['network', 'eth0', 'ipv4', '10.1.2.10'],
      ['network', 'eth0', 'ipv4-netmask', '255.255.255.255'],
      ['network', 'eth0', 'ipv4-cidr', '32'],
      ['network', 'eth0', 'ipv4-network', '10.1.2.10'],
      ['network', 'eth0', 'link', 'yes'],
      ['network', 'eth0', 'serial', '52:54:00:12:34:56'],
      ['numa', 'nodes', 'count', 1],
      ['numa', 'node_0', 'cpu_count', 2],
      ['numa', 'node_0', 'cpu_mask', '3'],
      ['system', 'os', 'vendor', 'Fedora Linux'],
      ['system', 'os', 'version', 'Fedora CoreOS 42.20250705.3.0'],
      ['system', 'kernel', 'version', '6.1.0-test'],
      ['system', 'kernel', 'arch', 'x86_64'],
      ['system', 'kernel', 'cmdline', 'ipa-inspection-collectors=default,extra-hardware,logs ipa-debug=1'],
    ]);
    expect(facts).to.deep.include(['cpu', 'logical', 'number', 2]);
    expect(facts.some((f) => f[0] === 'memory')).to.equal(false);
    expect(memory.text()).to.contain('lshw is not available');
  });

  it('with lshw: its facts first, the fallbacks only fill what it did not say', async () => {
    const lshw = {
      id: 'vm',
      class: 'system',
      product: 'KVM',
      children: [
        {
          id: 'core',
          class: 'bus',
          physid: '0',
          children: [
            { id: 'memory', class: 'memory', physid: '0', size: 8589934592, units: 'bytes' },
            {
              id: 'network',
              class: 'network',
              logicalname: 'eth0',
              serial: '52:54:00:12:34:56',
              configuration: { link: 'no', speed: '1Gbit/s' },
            },
          ],
        },
      ],
    };
    const runner = new FakeRunner().expect(
      { match: ['lshw', '-quiet', '-json'], stdout: JSON.stringify([lshw]) },
      { match: ['ip', '-j', 'addr'], notFound: true },
      { match: ['lscpu'], notFound: true },
    );
    const { context, memory } = fixtureContext(root, { runner, inventory: INVENTORY });
    const data: Record<string, unknown> = {};

    await extraHardwareCollector.collect(data, context);

    const facts = data['data'] as Array<[string, string, string, unknown]>;
    expect(facts.filter((f) => f[0] === 'memory' || f[1] === 'product' || f[0] === 'network')).to.deep.equal([
      ['system', 'product', 'name', 'KVM'],
      ['memory', 'total', 'size', '8589934592'],
      ['network', 'eth0', 'link', 'no'],
      ['network', 'eth0', 'speed', '1Gbit/s'],
      ['network', 'eth0', 'serial', '52:54:00:12:34:56'],
      ['system', 'product', 'vendor', 'QEMU'],
    ]);
    expect(facts.some((f) => f[0] === 'cpu')).to.equal(false);
    expect(memory.text()).to.contain('lscpu failed; cpu and numa facts left out').and.contain('IPv4 facts left out');
  });

  it('says that requested benchmarks are not run', async () => {
    const tree = await makeTree('xhw-bench', { 'proc/cmdline': 'ipa-inspection-benchmarks=cpu,mem ipa-debug=1\n' });
    const runner = new FakeRunner().expect({ match: () => true, notFound: true, repeat: true });
    const { context, memory } = fixtureContext(tree, { runner });
    const data: Record<string, unknown> = {};

    try {
      await extraHardwareCollector.collect(data, context);
    } finally {
      await removeTree(tree);
    }

    expect(memory.text()).to.contain('ipa-inspection-benchmarks is not supported').and.contain('cpu,mem');
    expect((data['data'] as unknown[][]).filter((f) => f[0] === 'cpu')).to.deep.equal([]);
  });
});
