import { expect } from 'chai';
import {
  BmcDetector,
  parseLan6Addresses,
  parseLan6Enables,
  parseLanPrint,
} from '../../../../agent/hardware/generic/bmc.js';
import { FakeRunner, type Scripted } from '../../../helpers/fake-runner.js';
import { makeTree, RecordingFsReader, removeTree } from '../../../helpers/fs-tree.js';
import { createTestLogger } from '../../../helpers/logger.js';

const lanPrint = (ip: string, mac: string): string =>
  [
    'Set in Progress         : Set Complete',
    'IP Address Source       : DHCP Address',
    `IP Address              : ${ip}`,
    'Subnet Mask             : 255.255.255.0',
    `MAC Address             : ${mac}`,
    'Default Gateway MAC     : 00:00:00:00:00:00',
    '',
  ].join('\n');

const DYNAMIC = [
  'IPv6 Dynamic Address 0:',
  '    Source/Type:    DHCPv6',
  '    Address:        2001:1234:1234:1234:1234:1234:1234:1234/64',
  '    Status:         active',
  'IPv6 Dynamic Address 1:',
  '    Source/Type:    DHCPv6',
  '    Address:        ::/0',
  '    Status:         active',
  '',
].join('\n');
const STATIC = [
  'IPv6 Static Address 0:',
  '    Enabled:        yes',
  '    Address:        2001:5678:5678:5678:5678:5678:5678:5678/64',
  '    Status:         active',
  'IPv6 Static Address 1:',
  '    Enabled:        no',
  '    Address:        ::/0',
  '    Status:         disabled',
  '',
].join('\n');

const invalid = (args: string[]): Scripted => ({
  match: ['ipmitool', ...args],
  exitCode: 1,
  stderr: `Invalid channel ${args[2] ?? ''}\n`,
});
const channels = (from: number, make: (ch: string) => Scripted): Scripted[] =>
  Array.from({ length: 12 - from }, (_, i) => make(String(from + i)));

describe('generic/bmc', () => {
  describe('parsers', () => {
    it('reads IP and MAC from lan print, not "IP Address Source"', () => {
      expect(parseLanPrint(lanPrint('192.0.2.200', 'AA:bb:cc:dd:ee:ff'))).to.deep.equal({
        ip: '192.0.2.200',
        mac: 'AA:bb:cc:dd:ee:ff',
      });
      expect(parseLanPrint('')).to.deep.equal({ ip: null, mac: null });
    });

    it('reads the addressing mode and the lan6 address blocks', () => {
      expect(
        parseLan6Enables(
          'IPv6/IPv4 Support      : IPv6 and IPv4 simultaneously\nIPv6/IPv4 Addressing Enables : both\n',
        ),
      ).to.equal('both');
      expect(parseLan6Addresses(DYNAMIC)).to.deep.equal([
        { kind: 'dynamic', address: '2001:1234:1234:1234:1234:1234:1234:1234/64', status: 'active', enabled: true },
        { kind: 'dynamic', address: '::/0', status: 'active', enabled: true },
      ]);
      expect(parseLan6Addresses(STATIC).map((a) => a.enabled)).to.deep.equal([true, false]);
    });
  });

  describe('BmcDetector', () => {
    let withIpmi = '';
    let withoutIpmi = '';

    before(async () => {
      withIpmi = await makeTree('hints-bmc', { 'dev/ipmi0': '', 'dev/null': '' });
      withoutIpmi = await makeTree('hints-bmc-none', { 'dev/null': '', 'dev/ipmi': { dir: true } });
    });

    after(async () => {
      await removeTree(withIpmi);
      await removeTree(withoutIpmi);
    });

    const detector = (root: string, runner: FakeRunner): BmcDetector =>
      new BmcDetector(runner, new RecordingFsReader(), createTestLogger().logger, `${root}/dev`);

    it('reports nulls and runs nothing without an IPMI device node', async () => {
      const runner = new FakeRunner();

      expect(await detector(withoutIpmi, runner).detect()).to.deep.equal({ address: null, v6address: null, mac: null });
      expect(runner.calls).to.deep.equal([]);
    });

    it('finds the first configured channel, skipping invalid and 0.0.0.0 ones', async () => {
      const runner = new FakeRunner().expect(
        invalid(['lan', 'print', '1']),
        { match: ['ipmitool', 'lan', 'print', '2'], stdout: lanPrint('0.0.0.0', '00:00:00:00:00:00') },
        { match: ['ipmitool', 'lan', 'print', '3'], stdout: lanPrint('192.0.2.200', 'AA:BB:CC:DD:EE:FF') },
        ...channels(4, (ch) => invalid(['lan', 'print', ch])),
        ...channels(1, (ch) => ({
          match: ['ipmitool', 'lan6', 'print', ch, 'enables'],
          stdout: 'IPv6/IPv4 Addressing Enables : ipv4\n',
        })),
      );

      expect(await detector(withIpmi, runner).detect()).to.deep.equal({
        address: '192.0.2.200',
        v6address: '::/0',
        mac: 'aa:bb:cc:dd:ee:ff',
      });
      expect(runner.pending()).to.deep.equal([]);
    });

    it('reports 0.0.0.0 and no MAC when no channel is configured', async () => {
      const runner = new FakeRunner().expect(
        ...channels(1, (ch) => ({
          match: ['ipmitool', 'lan', 'print', ch],
          stdout: lanPrint('0.0.0.0', '00:00:00:00:00:00'),
        })),
        ...channels(1, (ch) => invalid(['lan6', 'print', ch, 'enables'])),
      );

      expect(await detector(withIpmi, runner).detect()).to.deep.equal({
        address: '0.0.0.0',
        v6address: '::/0',
        mac: null,
      });
    });

    it('uses the MAC of a channel that only has IPv6, and finds the dynamic IPv6 address', async () => {
      const runner = new FakeRunner().expect(
        { match: ['ipmitool', 'lan', 'print', '1'], stdout: lanPrint('0.0.0.0', '01:02:03:04:05:06') },
        ...channels(2, (ch) => invalid(['lan', 'print', ch])),
        { match: ['ipmitool', 'lan6', 'print', '1', 'enables'], stdout: 'IPv6/IPv4 Addressing Enables : ipv6\n' },
        { match: ['ipmitool', 'lan6', 'print', '1', 'dynamic_addr'], stdout: DYNAMIC },
        { match: ['ipmitool', 'lan6', 'print', '1'], stdout: DYNAMIC },
      );

      expect(await detector(withIpmi, runner).detect()).to.deep.equal({
        address: '0.0.0.0',
        v6address: '2001:1234:1234:1234:1234:1234:1234:1234',
        mac: '01:02:03:04:05:06',
      });
    });

    it('skips a channel without IPv6 addressing even when ipmitool first warns that the IANA registry is absent', async () => {
      const runner = new FakeRunner().expect(
        ...channels(1, (ch) => invalid(['lan', 'print', ch])),
        {
          match: ['ipmitool', 'lan6', 'print', '1', 'enables'],
          exitCode: 1,
          stderr:
            'IANA PEN registry open failed: No such file or directory\nFailed to get IPv6/IPv4 Addressing Enables\n',
        },
        { match: ['ipmitool', 'lan6', 'print', '2', 'enables'], stdout: 'IPv6/IPv4 Addressing Enables : both\n' },
        { match: ['ipmitool', 'lan6', 'print', '2', 'dynamic_addr'], stdout: DYNAMIC },
      );

      expect((await detector(withIpmi, runner).detect()).v6address).to.equal('2001:1234:1234:1234:1234:1234:1234:1234');
    });

    it('falls back to the static IPv6 address when no dynamic one is active', async () => {
      const runner = new FakeRunner().expect(
        ...channels(1, (ch) => invalid(['lan', 'print', ch])),
        { match: ['ipmitool', 'lan6', 'print', '1', 'enables'], stdout: 'IPv6/IPv4 Addressing Enables : both\n' },
        { match: ['ipmitool', 'lan6', 'print', '1', 'dynamic_addr'], stdout: DYNAMIC.replace(/active/g, 'disabled') },
        { match: ['ipmitool', 'lan6', 'print', '1', 'static_addr'], stdout: STATIC },
      );

      expect((await detector(withIpmi, runner).detect()).v6address).to.equal('2001:5678:5678:5678:5678:5678:5678:5678');
    });

    it('gives nulls when ipmitool cannot talk to a BMC (virtual machines) and warns', async () => {
      const runner = new FakeRunner().expect({ match: (argv) => argv[0] === 'ipmitool', notFound: true, repeat: true });
      const { logger, memory } = createTestLogger();

      const info = await new BmcDetector(runner, new RecordingFsReader(), logger, `${withIpmi}/dev`).detect();

      expect(info).to.deep.equal({ address: null, v6address: null, mac: null });
      expect(memory.entries.some((e) => e['message'] === 'Cannot get BMC information from ipmitool')).to.equal(true);
    });
  });
});
