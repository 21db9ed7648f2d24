import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BlockDeviceLister } from '../../../../agent/hardware/generic/block-devices.js';
import { InventoryCollector } from '../../../../agent/hardware/generic/inventory.js';
import { lsblkArgv } from '../../../../agent/hardware/generic/lsblk.js';
import { readSystemVendor } from '../../../../agent/hardware/generic/system-vendor.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeRunner, type Scripted } from '../../../helpers/fake-runner.js';
import { makeTree, RecordingFsReader, removeTree, type TreeSpec } from '../../../helpers/fs-tree.js';
import { IP_ADDR, NET_TREE } from '../../../helpers/inventory-fixtures.js';
import { createTestLogger } from '../../../helpers/logger.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

const HOST: TreeSpec = {
  ...NET_TREE,
  'sys/class/dmi/id/product_name': 'PowerEdge R640\n',
  'sys/class/dmi/id/product_serial': 'ABC1234\n',
  'sys/class/dmi/id/sys_vendor': 'Dell Inc.\n',
  'sys/class/dmi/id/bios_vendor': 'Dell Inc.\n',
  'sys/class/dmi/id/bios_version': '2.1.0\n',
  'sys/class/dmi/id/bios_date': '01/01/2024\n',
  'sys/firmware/efi/systab': 'ACPI20=0x6a9fe014\n',
  'sys/class/block/sda/dev': '8:0\n',
  'proc/meminfo': 'MemTotal:       131633152 kB\nMemFree:        1 kB\n',
  'proc/cpuinfo': readFileSync(new URL('../../../fixtures/inventory/cpuinfo-epyc.txt', import.meta.url), 'utf8'),
  'dev/null': '',
};

const LSBLK = JSON.stringify({
  blockdevices: [
    {
      kname: 'sda',
      model: 'PERC H730',
      size: 479559942144,
      rota: false,
      type: 'disk',
      uuid: null,
      partuuid: null,
      serial: '00a1',
      wwn: '0x6d0946606d2a4f00',
      'log-sec': 512,
      'phy-sec': 512,
      tran: null,
      ro: false,
      rm: false,
      pkname: null,
      hctl: null,
      vendor: 'DELL',
    },
  ],
});

const base = (extra: Scripted[] = []): FakeRunner =>
  new FakeRunner().expect(
    { match: lsblkArgv(), stdout: LSBLK },
    { match: ['blkid', '-p', '-o', 'export', '/dev/sda'], exitCode: 2 },
    { match: ['ip', '-j', 'addr'], stdout: IP_ADDR },
    { match: (argv) => argv[0] === 'biosdevname', notFound: true, repeat: true },
    ...extra,
  );

describe('generic/inventory InventoryCollector', () => {
  let root = '';
  let bare = '';

  before(async () => {
    root = await makeTree('hints-inventory', HOST);
    bare = await makeTree('hints-inventory-bare', {
      'proc/meminfo': 'MemTotal: 3880000 kB\n',
      'proc/cpuinfo': fixture('inventory/cpuinfo-arm.txt'),
      'dev/null': '',
    });
  });

  after(async () => {
    await removeTree(root);
    await removeTree(bare);
  });

  const collector = (
    runner: FakeRunner,
    at: string,
    bootif: string | null = '01-3c-fd-fe-00-00-01',
  ): InventoryCollector => {
    const { logger } = createTestLogger();
    const fs = new RecordingFsReader();
    const paths = { sys: `${at}/sys`, proc: `${at}/proc`, dev: `${at}/dev` };
    const blockDevices = new BlockDeviceLister({
      runner,
      fs,
      logger,
      allowlist: ['/dev/sd*'],
      paths: { ...paths, run: `${at}/run` },
    });
    return new InventoryCollector({
      runner,
      fs,
      clock: new FakeClock(),
      logger,
      config: { bootif },
      blockDevices,
      paths,
      hostname: () => 'worker-0',
      architecture: () => 'aarch64',
    });
  };

  it("produces IPA's inventory shape from fixture sysfs/procfs trees and scripted tools", async () => {
    const runner = base([
      { match: ['lshw', '-quiet', '-json'], stdout: fixture('inventory/lshw.json') },
      { match: ['lscpu'], stdout: fixture('inventory/lscpu-xeon.txt') },
    ]);

    const inventory = await collector(runner, root).collect();

    expect(Object.keys(inventory)).to.deep.equal([
      'interfaces',
      'cpu',
      'disks',
      'memory',
      'bmc_address',
      'bmc_v6address',
      'system_vendor',
      'boot',
      'hostname',
    ]);
    expect(inventory.interfaces.map((i) => i.name)).to.deep.equal(['bond0', 'eno1', 'eno1.100', 'eno2', 'eno4']);
    expect(inventory.cpu).to.deep.include({
      model_name: 'Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz',
      count: 32,
      socket_count: 2,
      frequency: '3000.0000',
    });
    expect(inventory.disks).to.deep.equal([
      {
        name: '/dev/sda',
        model: 'PERC H730',
        size: 479559942144,
        rotational: false,
        wwn: '0x6d0946606d2a4f00',
        serial: '00a1',
        vendor: 'DELL',
        wwn_with_extension: null,
        wwn_vendor_extension: null,
        hctl: null,
        by_path: null,
        logical_sectors: 512,
        physical_sectors: 512,
        tran: null,
      },
    ]);
    expect(inventory.memory).to.deep.equal({ total: 131633152 * 1024, physical_mb: 40960 });
    expect(inventory).to.deep.include({ bmc_address: null, bmc_v6address: null, hostname: 'worker-0' });
    expect(inventory.system_vendor).to.deep.equal({
      product_name: 'PowerEdge R640',
      serial_number: 'ABC1234',
      manufacturer: 'Dell Inc.',
      firmware: { vendor: 'Dell Inc.', version: '2.1.0', build_date: '01/01/2024' },
    });
    expect(inventory.boot).to.deep.equal({ current_boot_mode: 'uefi', pxe_interface: '01-3c-fd-fe-00-00-01' });
    expect(runner.calls.some((c) => c.argv[0] === 'ipmitool')).to.equal(false);
    expect(runner.calls.some((c) => c.argv[0] === 'dmidecode')).to.equal(false);
    expect(runner.calls.find((c) => c.argv[0] === 'lscpu')?.options.env).to.deep.equal({ LC_ALL: 'C' });
  });

  it('adds bmc_mac and the BMC addresses when an IPMI device exists', async () => {
    const withIpmi = await makeTree('hints-inventory-ipmi', { ...HOST, 'dev/ipmi0': '' });
    try {
      const lan = (ch: string): Scripted =>
        ch === '1'
          ? {
              match: ['ipmitool', 'lan', 'print', ch],
              stdout: 'IP Address              : 192.0.2.200\nMAC Address             : 3c:fd:fe:aa:bb:cc\n',
            }
          : { match: ['ipmitool', 'lan', 'print', ch], exitCode: 1, stderr: `Invalid channel ${ch}` };
      const runner = base([
        { match: ['lshw', '-quiet', '-json'], notFound: true },
        { match: ['dmidecode', '-t', 'memory'], stdout: fixture('inventory/dmidecode-memory.txt') },
        { match: ['lscpu'], stdout: fixture('inventory/lscpu-xeon.txt') },
        ...Array.from({ length: 11 }, (_, i) => lan(String(i + 1))),
        {
          match: (argv) => argv[1] === 'lan6' && argv[4] === 'enables',
          stdout: 'IPv6/IPv4 Addressing Enables : ipv4\n',
          repeat: true,
        },
      ]);

      const inventory = await collector(runner, withIpmi).collect();

      expect(inventory).to.deep.include({
        bmc_address: '192.0.2.200',
        bmc_v6address: '::/0',
        bmc_mac: '3c:fd:fe:aa:bb:cc',
      });
      expect(Object.keys(inventory).at(-1)).to.equal('bmc_mac');
      expect(inventory.memory.physical_mb).to.equal(24577);
    } finally {
      await removeTree(withIpmi);
    }
  });

  it('skipBmc reports null BMC addresses without running ipmitool', async () => {
    const withIpmi = await makeTree('hints-inventory-skip', { ...HOST, 'dev/ipmi0': '' });
    try {
      const runner = base([
        { match: ['lshw', '-quiet', '-json'], stdout: fixture('inventory/lshw.json') },
        { match: ['lscpu'], stdout: fixture('inventory/lscpu-xeon.txt') },
      ]);

      const inventory = await collector(runner, withIpmi).collect({ skipBmc: true });

      expect(inventory).to.deep.include({ bmc_address: null, bmc_v6address: null });
      expect(inventory).not.to.have.property('bmc_mac');
    } finally {
      await removeTree(withIpmi);
    }
  });

  it('falls back: /proc/cpuinfo without lscpu, estimated RAM without lshw/dmidecode, BIOS boot, empty DMI, no BOOTIF', async () => {
    const runner = new FakeRunner().expect(
      { match: lsblkArgv(), stdout: JSON.stringify({ blockdevices: [] }) },
      { match: ['ip', '-j', 'addr'], stdout: '[]' },
      { match: ['lshw', '-quiet', '-json'], notFound: true },
      {
        match: ['dmidecode', '-t', 'memory'],
        exitCode: 1,
        stderr: '/sys/firmware/dmi/tables/smbios_entry_point: Permission denied',
      },
      { match: ['lscpu'], notFound: true },
    );
    const { logger, memory } = createTestLogger();
    const paths = { sys: `${bare}/sys`, proc: `${bare}/proc`, dev: `${bare}/dev` };
    const blockDevices = new BlockDeviceLister({
      runner,
      fs: new RecordingFsReader(),
      logger,
      allowlist: ['/dev/*'],
      paths: { ...paths, run: `${bare}/run` },
    });
    const c = new InventoryCollector({
      runner,
      fs: new RecordingFsReader(),
      clock: new FakeClock(),
      logger,
      config: { bootif: null },
      blockDevices,
      paths,
      hostname: () => 'h',
      architecture: () => 'aarch64',
    });

    const inventory = await c.collect();

    expect(inventory.cpu).to.deep.equal({
      model_name: '',
      frequency: '',
      count: 2,
      architecture: 'aarch64',
      flags: ['fp', 'asimd', 'evtstrm', 'crc32', 'cpuid'],
      socket_count: 0,
    });
    expect(inventory.memory).to.deep.equal({ total: 3880000 * 1024, physical_mb: 4096 });
    expect(memory.entries.find((e) => e['message'] === 'Physical memory size')).to.deep.include({
      source: 'MemTotal rounded up to whole GiB',
    });
    expect(inventory.boot).to.deep.equal({ current_boot_mode: 'bios', pxe_interface: null });
    expect(inventory.system_vendor).to.deep.equal({
      product_name: '',
      serial_number: '',
      manufacturer: '',
      firmware: { vendor: '', version: '', build_date: '' },
    });
    expect(inventory.interfaces).to.deep.equal([]);
    expect(inventory.disks).to.deep.equal([]);
  });

  it('readSystemVendor reads DMI from sysfs', async () => {
    expect((await readSystemVendor(new RecordingFsReader(), `${root}/sys`)).manufacturer).to.equal('Dell Inc.');
  });
});
