import { isIP, isIPv6 } from 'node:net';
import { expect } from 'chai';
import { ipFamily, isIpv6 } from '../../../common/net/ip.js';

/** Addresses and near misses around every rule of RFC 4291 §2.2 and node's zone ids. */
const CASES: [string, boolean][] = [
  ['::', true],
  ['::1', true],
  ['1::', true],
  ['fd00::2', true],
  ['FE80::1', true],
  ['2001:db8:0:0:0:0:2:1', true],
  ['2001:db8::2:1', true],
  ['1:2:3:4:5:6:7::', true],
  ['::2:3:4:5:6:7:8', true],
  ['1:2:3:4:5:6:7:8', true],
  ['::ffff:192.0.2.1', true],
  ['::192.0.2.1', true],
  ['1:2:3:4:5:6:192.0.2.1', true],
  ['1:2:3:4:5::192.0.2.1', true],
  ['fe80::1%eth0', true],
  ['fe80::1%en-p0.1:x', true],
  ['fe80::1%', false],
  ['fe80::1%eth 0', false],
  ['1:2:3:4:5:6:7:8:9', false],
  ['1:2:3:4:5:6:7', false],
  ['1::2:3:4:5:6:7:8', false],
  ['1:2:3:4:5:6::192.0.2.1', false],
  ['1:2:3:4:5:6:7:192.0.2.1', false],
  ['::192.0.2.256', false],
  ['::192.0.2.01', false],
  ['192.0.2.1::', false],
  ['192.0.2.1', false],
  [':::', false],
  ['1:::2', false],
  ['1::2::3', false],
  [':1:2:3:4:5:6:7', false],
  ['1:2:3:4:5:6:7:', false],
  ['12345::', false],
  ['g::1', false],
  ['[::1]', false],
  ['agent.example.com', false],
  ['', false],
];

/** Strings over the characters IPv6 text uses, to compare with node's own function. */
function* generated(count: number): Generator<string> {
  const alphabet = '0123456789abcdefAF:::::..%-zg';
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i += 1) {
    const valid = CASES[next(CASES.length)]?.[0] ?? '';
    if (i % 2 === 0) {
      const at = next(valid.length + 1);
      yield valid.slice(0, at) + alphabet[next(alphabet.length)] + valid.slice(at + next(2));
    } else {
      yield Array.from({ length: next(24) }, () => alphabet[next(alphabet.length)]).join('');
    }
  }
}

describe('common/net/ip', () => {
  describe('isIpv6', () => {
    for (const [text, expected] of CASES) {
      it(`${JSON.stringify(text)} → ${expected}, as node's net.isIPv6`, () => {
        expect(isIpv6(text)).to.equal(expected);
        expect(isIPv6(text)).to.equal(expected);
      });
    }

    it("agrees with node's net.isIPv6 on 20000 generated strings", () => {
      let valid = 0;
      for (const text of generated(20000)) {
        expect(isIpv6(text), JSON.stringify(text)).to.equal(isIPv6(text));
        if (isIPv6(text)) valid += 1;
      }
      // Both answers must occur, or the comparison proves little.
      expect(valid).to.be.greaterThan(500);
    });
  });

  describe('ipFamily', () => {
    for (const text of ['192.0.2.1', '0.0.0.0', '::1', 'fe80::1%eth0', 'host', '256.1.1.1', '']) {
      it(`${JSON.stringify(text)} as node's net.isIP`, () => {
        expect(ipFamily(text)).to.equal(isIP(text));
      });
    }
  });
});
