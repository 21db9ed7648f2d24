import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { InterfaceCollector, parseIpAddr, speedFromLshw } from '../../../../agent/hardware/generic/interfaces.js';
import { ExecaRunner } from '../../../../common/exec/execa-runner.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { makeTree, RecordingFsReader, removeTree, type TreeSpec } from '../../../helpers/fs-tree.js';
import { IP_ADDR, NET_TREE, nic } from '../../../helpers/inventory-fixtures.js';
import { createTestLogger } from '../../../helpers/logger.js';

const lshw = JSON.parse(
  readFileSync(new URL('../../../fixtures/inventory/lshw.json', import.meta.url), 'utf8'),
) as unknown;

describe('generic/interfaces', () => {
  let root = '';

  before(async () => {
    root = await makeTree('hints-net', NET_TREE);
  });

  after(async () => {
    await removeTree(root);
  });

  it('parses ip -j addr: permanent MAC first, first IPv4, link-local IPv6 with %scope', () => {
    const parsed = parseIpAddr(IP_ADDR);

    expect(parsed.get('eno1')).to.deep.equal({
      mac: '3C:FD:FE:00:00:01',
      ipv4: '192.0.2.10',
      ipv6: 'fe80::3efd:feff:fe00:1%eno1',
    });
    expect(parsed.get('eno2')).to.deep.equal({ mac: '3c:fd:fe:00:00:02', ipv4: null, ipv6: '2001:db8::2' });
  });

  it('reads NIC speed from lshw: capacity, else size, in Mbit/s', () => {
    expect(speedFromLshw(lshw, 'eno1')).to.equal(10000);
    expect(speedFromLshw(lshw, 'eno2np0')).to.equal(25000);
    expect(speedFromLshw(lshw, 'eno3')).to.equal(null);
    expect(speedFromLshw(lshw, 'missing')).to.equal(null);
  });

  it("lists physical NICs, VLANs and bonds with IPA's fields; drops lo, MAC-less, fa: and BMC USB NICs", async () => {
    const runner = new FakeRunner().expect(
      { match: ['ip', '-j', 'addr'], stdout: IP_ADDR },
      { match: ['biosdevname', '-i', 'eno1'], stdout: 'em1\n' },
      { match: ['biosdevname', '-i', 'eno2'], exitCode: 4 },
      { match: ['biosdevname', '-i', 'eno4'], notFound: true },
      { match: ['biosdevname', '-i', 'bond0'], notFound: true },
    );
    const { logger, memory } = createTestLogger();

    const nics = await new InterfaceCollector(runner, new RecordingFsReader(), logger, `${root}/sys`).collect(lshw);

    expect(nics.map((n) => n.name)).to.deep.equal(['bond0', 'eno1', 'eno1.100', 'eno2', 'eno4']);
    expect(nics.find((n) => n.name === 'eno1')).to.deep.equal({
      name: 'eno1',
      mac_address: '3c:fd:fe:00:00:01',
      ipv4_address: '192.0.2.10',
      ipv6_address: 'fe80::3efd:feff:fe00:1%eno1',
      has_carrier: true,
      lldp: null,
      vendor: '0x8086',
      product: '0x1572',
      client_id: null,
      biosdevname: 'em1',
      speed_mbps: 10000,
      pci_address: '0000:3b:00.0',
      driver: 'i40e',
    });
    expect(nics.find((n) => n.name === 'eno2')).to.deep.include({
      mac_address: '3c:fd:fe:00:00:02',
      has_carrier: false,
      speed_mbps: 25000,
      biosdevname: null,
      driver: 'ixgbe',
    });
    expect(nics.find((n) => n.name === 'eno4')).to.deep.include({
      speed_mbps: 1000,
      ipv4_address: null,
      ipv6_address: null,
    });
    expect(nics.find((n) => n.name === 'eno1.100')).to.deep.include({
      ipv4_address: '198.51.100.5',
      biosdevname: null,
      pci_address: null,
      driver: null,
    });
    expect(nics.find((n) => n.name === 'bond0')).to.deep.include({ vendor: null, has_carrier: false });
    expect(
      memory.entries.filter((e) => e['message'] === 'Ignoring a BMC USB network interface').map((e) => e['driver']),
    ).to.deep.equal(['cdc_ether', 'cdc_ncm']);
    expect(memory.entries.some((e) => e['level'] === 'warn' && e['interface'] === 'fa0')).to.equal(true);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('also reports the configured network_interface when it is virtual (veth in containers and test beds)', async () => {
    const runner = new FakeRunner().expect(
      { match: ['ip', '-j', 'addr'], stdout: IP_ADDR },
      { match: (argv) => argv[0] === 'biosdevname', notFound: true, repeat: true },
    );

    const nics = await new InterfaceCollector(
      runner,
      new RecordingFsReader(),
      createTestLogger().logger,
      `${root}/sys`,
      ['virbr0'],
    ).collect(lshw);

    expect(nics.map((n) => n.name)).to.include('virbr0');
    expect(nics.find((n) => n.name === 'virbr0')).to.deep.include({
      mac_address: '52:54:00:00:00:99',
      pci_address: null,
      driver: null,
    });
  });

  for (const alwaysInclude of [[], ['virbr0']]) {
    it(`lists for lookup the MACs of exactly the NICs collect() reports, in its order, running only ip (extra: ${alwaysInclude.join() || 'none'})`, async () => {
      const collector = (runner: FakeRunner): InterfaceCollector =>
        new InterfaceCollector(
          runner,
          new RecordingFsReader(),
          createTestLogger().logger,
          `${root}/sys`,
          alwaysInclude,
        );
      const full = new FakeRunner().expect(
        { match: ['ip', '-j', 'addr'], stdout: IP_ADDR },
        { match: (argv) => argv[0] === 'biosdevname', notFound: true, repeat: true },
      );
      const lean = new FakeRunner().expect({ match: ['ip', '-j', 'addr'], stdout: IP_ADDR });

      const nics = await collector(full).collect(lshw);
      const macs = await collector(lean).macAddresses();

      expect(macs).to.deep.equal(nics.map((n) => n.mac_address));
      expect(macs).to.have.length(alwaysInclude.length === 0 ? 5 : 6);
      expect(lean.calls.map((c) => c.argv)).to.deep.equal([['ip', '-j', 'addr']]);
    });
  }

  describe('MACs for lookup from sysfs alone', () => {
    /** eno1 and eno2 with their sysfs address and addr_assign_type, a BMC USB NIC and an fa: one. */
    const tree = (eno2AssignType: string): TreeSpec => ({
      ...nic('eno1', '0000:3b:00.0', 'i40e', {
        'sys/class/net/eno1/address': '3c:fd:fe:00:00:01\n',
        'sys/class/net/eno1/addr_assign_type': '0\n',
      }),
      // As a bond member: the bond set its address to eno1's; ip shows the permanent one.
      ...nic('eno2', '0000:3b:00.1', 'ixgbe', {
        'sys/class/net/eno2/address': eno2AssignType === '0' ? '3c:fd:fe:00:00:02\n' : '3c:fd:fe:00:00:01\n',
        'sys/class/net/eno2/addr_assign_type': `${eno2AssignType}\n`,
      }),
      ...nic('usb0', '1-1.3:1.0', 'cdc_ether', {
        'sys/class/net/usb0/address': '0a:94:ef:00:00:01\n',
        'sys/class/net/usb0/addr_assign_type': '0\n',
      }),
      ...nic('fa0', '0000:5e:00.0', 'virtio_net', {
        'sys/class/net/fa0/address': 'fa:16:3e:00:00:01\n',
        'sys/class/net/fa0/addr_assign_type': '0\n',
      }),
      'sys/class/net/lo/address': '00:00:00:00:00:00\n',
    });
    const ipAddr = JSON.stringify([
      { ifname: 'eno1', address: '3c:fd:fe:00:00:01', addr_info: [] },
      { ifname: 'eno2', address: '3c:fd:fe:00:00:01', permaddr: '3c:fd:fe:00:00:02', addr_info: [] },
      { ifname: 'usb0', address: '0a:94:ef:00:00:01', addr_info: [] },
      { ifname: 'fa0', address: 'fa:16:3e:00:00:01', addr_info: [] },
    ]);
    const macsOf = async (assignType: string, runner: FakeRunner): Promise<string[]> => {
      const sysRoot = await makeTree('net-permanent', tree(assignType));
      try {
        return await new InterfaceCollector(
          runner,
          new RecordingFsReader(),
          createTestLogger().logger,
          `${sysRoot}/sys`,
        ).macAddresses();
      } finally {
        await removeTree(sysRoot);
      }
    };

    it('runs no command when every candidate has its permanent address (addr_assign_type 0)', async () => {
      const runner = new FakeRunner();

      const macs = await macsOf('0', runner);

      expect(macs).to.deep.equal(['3c:fd:fe:00:00:01', '3c:fd:fe:00:00:02']);
      expect(runner.calls).to.deep.equal([]);
    });

    it("agrees with ip on this machine's kernel for its interfaces of addr_assign_type 0 (lo at least)", async function () {
      let json: string;
      try {
        json = (await new ExecaRunner().run(['ip', '-j', 'addr'])).stdout;
      } catch (error) {
        if ((error as { notFound?: boolean }).notFound !== true) throw error;
        this.skip();
      }
      const fromIp = parseIpAddr(json);
      const read = (path: string): Promise<string | null> =>
        readFile(path, 'utf8').then(
          (text) => text.trim(),
          () => null, // an interface another test removed meanwhile
        );
      const checked: string[] = [];

      for (const name of await readdir('/sys/class/net')) {
        const address = await read(`/sys/class/net/${name}/address`);
        const type = await read(`/sys/class/net/${name}/addr_assign_type`);
        if (address === null || type !== '0' || !fromIp.has(name)) continue;
        expect(fromIp.get(name)?.mac?.toLowerCase(), name).to.equal(address);
        checked.push(name);
      }

      expect(checked).to.include('lo');
    });

    it('asks ip when the kernel does not say how an address was assigned (no addr_assign_type)', async () => {
      const runner = new FakeRunner().expect({ match: ['ip', '-j', 'addr'], stdout: ipAddr });
      const spec = tree('0');
      delete spec['sys/class/net/eno2/addr_assign_type'];
      const sysRoot = await makeTree('net-permanent', spec);
      try {
        const macs = await new InterfaceCollector(
          runner,
          new RecordingFsReader(),
          createTestLogger().logger,
          `${sysRoot}/sys`,
        ).macAddresses();

        expect(macs).to.deep.equal(['3c:fd:fe:00:00:01', '3c:fd:fe:00:00:02']);
        expect(runner.pending()).to.deep.equal([]);
      } finally {
        await removeTree(sysRoot);
      }
    });

    for (const [assignType, what] of [
      ['3', 'set (a bond member)'],
      ['1', 'random'],
      ['2', 'stolen'],
    ] as const) {
      it(`asks ip for the permanent address when one address is ${what} (addr_assign_type ${assignType})`, async () => {
        const runner = new FakeRunner().expect({ match: ['ip', '-j', 'addr'], stdout: ipAddr });

        const macs = await macsOf(assignType, runner);

        expect(macs).to.deep.equal(['3c:fd:fe:00:00:01', '3c:fd:fe:00:00:02']);
        expect(runner.pending()).to.deep.equal([]);
      });
    }
  });

  it('without lshw takes the current speed from sysfs, and none when the link is down (-1)', async () => {
    const runner = new FakeRunner().expect(
      { match: ['ip', '-j', 'addr'], stdout: IP_ADDR },
      { match: (argv) => argv[0] === 'biosdevname', notFound: true, repeat: true },
    );

    const nics = await new InterfaceCollector(
      runner,
      new RecordingFsReader(),
      createTestLogger().logger,
      `${root}/sys`,
    ).collect(null);

    expect(Object.fromEntries(nics.map((n) => [n.name, n.speed_mbps]))).to.deep.equal({
      bond0: null,
      eno1: 1000,
      'eno1.100': null,
      eno2: null,
      eno4: 1000,
    });
  });
});
