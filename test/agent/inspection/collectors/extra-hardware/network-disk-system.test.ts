import { expect } from 'chai';
import {
  cacheFlags,
  diskFacts,
  readDiskSysfs,
  sizeInGb,
} from '../../../../../agent/inspection/collectors/extra-hardware/disk-facts.js';
import { FactList } from '../../../../../agent/inspection/collectors/extra-hardware/facts.js';
import {
  ipv4Prefixes,
  netmask,
  networkAddress,
  networkFacts,
} from '../../../../../agent/inspection/collectors/extra-hardware/network-facts.js';
import { kernelFacts, parseOsRelease } from '../../../../../agent/inspection/collectors/extra-hardware/system-facts.js';
import { NodeFs } from '../../../../../common/fs/node-fs.js';
import { makeTree, removeTree } from '../../../../helpers/fs-tree.js';

describe('inspection/collectors/extra-hardware: network, disk and system facts', () => {
  it('computes netmasks and networks from prefixes', () => {
    for (const [prefix, mask] of [
      [0, '0.0.0.0'],
      [8, '255.0.0.0'],
      [20, '255.255.240.0'],
      [24, '255.255.255.0'],
      [32, '255.255.255.255'],
    ] as const) {
      expect(netmask(prefix), String(prefix)).to.equal(mask);
    }
    expect(networkAddress('192.0.2.77', 20)).to.equal('192.0.0.0');
    expect(networkAddress('10.1.2.10', 32)).to.equal('10.1.2.10');
  });

  it('takes the first IPv4 with its prefix from ip -j addr', () => {
    const json = JSON.stringify([
      { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      {
        ifname: 'eth0',
        addr_info: [
          { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
          { family: 'inet', local: '192.0.2.2', prefixlen: 24 },
          { family: 'inet', local: '192.0.2.3', prefixlen: 24 },
        ],
      },
      { ifname: 'eth1', addr_info: [] },
    ]);

    expect([...ipv4Prefixes(json)]).to.deep.equal([
      ['lo', { address: '127.0.0.1', prefix: 8 }],
      ['eth0', { address: '192.0.2.2', prefix: 24 }],
    ]);
  });

  it('describes inventory interfaces; a fallback never overrides what lshw said', () => {
    const facts = new FactList();
    facts.add([['network', 'eth0', 'link', 'no']]);

    facts.addMissing(
      networkFacts(
        [
          { name: 'eth0', mac_address: '52:54:00:AA:BB:CC', has_carrier: true, driver: 'virtio_net' },
          { name: 'eth1', mac_address: '52:54:00:aa:bb:cd', has_carrier: false, driver: null },
        ],
        new Map([['eth0', { address: '192.0.2.2', prefix: 24 }]]),
      ),
    );

    expect(facts.list()).to.deep.equal([
      ['network', 'eth0', 'link', 'no'],
      ['network', 'eth0', 'ipv4', '192.0.2.2'],
      ['network', 'eth0', 'ipv4-netmask', '255.255.255.0'],
      ['network', 'eth0', 'ipv4-cidr', '24'],
      ['network', 'eth0', 'ipv4-network', '192.0.2.0'],
      ['network', 'eth0', 'driver', 'virtio_net'],
      ['network', 'eth0', 'serial', '52:54:00:aa:bb:cc'],
      ['network', 'eth1', 'link', 'no'],
      ['network', 'eth1', 'serial', '52:54:00:aa:bb:cd'],
    ]);
  });

  it('sizes disks in GB of 10^9 bytes and maps SCSI cache types', () => {
    expect(sizeInGb(18874368)).to.equal(9);
    expect(sizeInGb(12582912)).to.equal(6);
    expect(sizeInGb(1000)).to.equal(0);
    expect(cacheFlags('write back')).to.deep.equal({ wce: '1', rcd: '0' });
    expect(cacheFlags('write through')).to.deep.equal({ wce: '0', rcd: '0' });
    expect(cacheFlags('none')).to.deep.equal({ wce: '0', rcd: '1' });
    expect(cacheFlags('write back, no read (daft)')).to.deep.equal({ wce: '1', rcd: '1' });
  });

  it('reads a SCSI disk from sysfs and /dev/disk/by-id (and leaves out empty disks)', async () => {
    const root = await makeTree('disk', {
      'sys/block/sda/size': '937703088\n',
      'sys/block/sda/device/vendor': 'ATA     \n',
      'sys/block/sda/device/model': 'SAMSUNG MZ7LH480\n',
      'sys/block/sda/device/rev': '904Q\n',
      'sys/block/sda/queue/optimal_io_size': '0\n',
      'sys/block/sda/queue/physical_block_size': '4096\n',
      'sys/block/sda/queue/rotational': '0\n',
      'sys/block/sda/queue/nr_requests': '64\n',
      'sys/block/sda/queue/scheduler': 'none [mq-deadline] kyber bfq\n',
      'sys/block/sda/device/scsi_disk/0:0:0:0/cache_type': 'write back\n',
      'sys/block/sr0/size': '0\n',
      'dev/disk/by-id/wwn-0x5002538e40a1b2c3': { link: '../../sda' },
      'dev/disk/by-id/ata-SAMSUNG_MZ7LH480_S45PNA0M': { link: '../../sda' },
      'dev/disk/by-id/ata-SAMSUNG_MZ7LH480_S45PNA0M-part1': { link: '../../sda1' },
    });
    try {
      const fs = new NodeFs();
      const disks = [
        await readDiskSysfs(fs, `${root}/sys`, `${root}/dev`, 'sda'),
        await readDiskSysfs(fs, `${root}/sys`, `${root}/dev`, 'sr0'),
      ];

      expect(diskFacts(disks)).to.deep.equal([
        ['disk', 'logical', 'count', '1'],
        ['disk', 'sda', 'size', '480'],
        ['disk', 'sda', 'vendor', 'ATA'],
        ['disk', 'sda', 'model', 'SAMSUNG MZ7LH480'],
        ['disk', 'sda', 'rev', '904Q'],
        ['disk', 'sda', 'optimal_io_size', '0'],
        ['disk', 'sda', 'physical_block_size', '4096'],
        ['disk', 'sda', 'rotational', '0'],
        ['disk', 'sda', 'nr_requests', '64'],
        ['disk', 'sda', 'scheduler', 'mq-deadline'],
        ['disk', 'sda', 'Write Cache Enable', '1'],
        ['disk', 'sda', 'Read Cache Disable', '0'],
        ['disk', 'sda', 'id', 'ata-SAMSUNG_MZ7LH480_S45PNA0M'],
        ['disk', 'sda', 'wwn-id', 'wwn-0x5002538e40a1b2c3'],
      ]);
    } finally {
      await removeTree(root);
    }
  });

  it('reports the kernel, the command line and the host OS', () => {
    const osRelease =
      'NAME="Red Hat Enterprise Linux CoreOS"\nVERSION="9.6.20250701-0"\nID="rhcos"\nPRETTY_NAME="Red Hat Enterprise Linux CoreOS 9.6.20250701-0 (Plow)"\n';

    expect(parseOsRelease(osRelease)).to.deep.equal({
      name: 'Red Hat Enterprise Linux CoreOS',
      prettyName: 'Red Hat Enterprise Linux CoreOS 9.6.20250701-0 (Plow)',
    });
    expect(
      kernelFacts({ release: '5.14.0-570.el9.x86_64', machine: 'x86_64', cmdline: 'ipa-debug=1', osRelease }),
    ).to.deep.equal([
      ['system', 'os', 'vendor', 'Red Hat Enterprise Linux CoreOS'],
      ['system', 'os', 'version', 'Red Hat Enterprise Linux CoreOS 9.6.20250701-0 (Plow)'],
      ['system', 'kernel', 'version', '5.14.0-570.el9.x86_64'],
      ['system', 'kernel', 'arch', 'x86_64'],
      ['system', 'kernel', 'cmdline', 'ipa-debug=1'],
    ]);
    expect(kernelFacts({ release: 'r', machine: 'm', cmdline: null, osRelease: null })).to.deep.equal([
      ['system', 'kernel', 'version', 'r'],
      ['system', 'kernel', 'arch', 'm'],
    ]);
  });
});
