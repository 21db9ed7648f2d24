import { expect } from 'chai';
import {
  assertIpv4,
  assertMac,
  assertTag,
  fnv1a,
  nodeLinkNames,
  randomSuffix,
  testbedAddresses,
} from '../../testbed/addresses.js';

describe('testbed/addresses', () => {
  describe('testbedAddresses', () => {
    it('derives host, node and MAC from the tag, index and salt, the same way every time', () => {
      const a = testbedAddresses('tb', 0, 1234);
      const b = testbedAddresses('tb', 0, 1234);

      expect(a).to.deep.equal(b);
      expect(a.hostIp).to.match(/^10\.\d{1,3}\.\d{1,3}\.1$/);
      expect(a.nodeIp).to.equal(a.hostIp.replace(/\.1$/, '.10'));
      expect(a.mac).to.match(/^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:0a$/);
    });

    it('gives each node index its own address and MAC on the same host address', () => {
      const first = testbedAddresses('tb', 0, 7);
      const third = testbedAddresses('tb', 2, 7);

      expect(third.hostIp).to.equal(first.hostIp);
      expect(third.nodeIp).to.not.equal(first.nodeIp);
      expect(third.nodeIp.endsWith('.12')).to.equal(true);
      expect(third.mac.endsWith(':0c')).to.equal(true);
    });

    it('separates tags and salts (different second or third octet)', () => {
      const tags = new Set(['tb', 'e2e', 'demo', 'lead'].map((t) => testbedAddresses(t, 0, 0).hostIp));
      const salts = new Set([1, 2, 3, 4, 5].map((s) => testbedAddresses('tb', 0, s).hostIp));

      expect(tags.size).to.equal(4);
      expect(salts.size).to.be.greaterThan(1);
    });

    for (const index of [-1, 201, 1.5]) {
      it(`rejects node index ${index}`, () => {
        expect(() => testbedAddresses('tb', index)).to.throw(/Invalid node index/);
      });
    }
  });

  describe('assertTag', () => {
    for (const good of ['tb', 'e2e', 'abcdef']) {
      it(`accepts "${good}"`, () => expect(() => assertTag(good)).to.not.throw());
    }
    for (const bad of ['', 'TB', '1tb', 'abcdefg', 'tb-1', 't b']) {
      it(`rejects "${bad}" with the rule`, () =>
        expect(() => assertTag(bad)).to.throw(/1-6 lower-case letters or digits/));
    }
  });

  describe('assertIpv4 / assertMac', () => {
    const table: Array<[string, boolean]> = [
      ['10.1.2.3', true],
      ['10.1.2', false],
      ['10.1.2.256', false],
      ['10.01.2.3', false],
      ['a.b.c.d', false],
    ];
    for (const [ip, ok] of table) {
      it(`${ok ? 'accepts' : 'rejects'} IPv4 "${ip}"`, () => {
        const check = (): void => assertIpv4(ip, 'hostIp');
        if (ok) expect(check).to.not.throw();
        else expect(check).to.throw(`Invalid hostIp "${ip}"`);
      });
    }

    it('accepts a unicast MAC and rejects malformed or multicast ones', () => {
      expect(() => assertMac('52:54:00:12:34:56')).to.not.throw();
      expect(() => assertMac('52:54:00:12:34')).to.throw(/six colon-separated hex pairs/);
      expect(() => assertMac('01:00:5e:00:00:01')).to.throw(/multicast/);
    });
  });

  describe('names', () => {
    it('keeps interface names within the 15-character Linux limit for the longest tag', () => {
      const names = nodeLinkNames('abcdef', randomSuffix());

      expect(names.hostIf.length).to.be.at.most(15);
      expect(names.namespace.startsWith('abcdef-node-')).to.equal(true);
      expect(names.nodeIf).to.equal('eth0');
    });

    it('hashes with FNV-1a (known vector)', () => {
      expect(fnv1a('')).to.equal(0x811c9dc5);
      expect(fnv1a('a')).to.equal(0xe40c292c);
    });
  });
});
