import { expect } from 'chai';
import { backingRootIdentity } from '../../../reprovision/sysroot/ostree-booted.js';

/**
 * A GVariant a{sv} laid out as ostree-prepare-root writes /run/ostree-booted:
 * entries before the one read (`composefs`: a boolean) shift it, and the
 * value is aligned to 8 from the start of the file.
 */
function ostreeBooted(dev: bigint, ino: bigint, before = ''): Buffer {
  const key = Buffer.from(`${before}backing-root-device-inode\0`, 'latin1');
  const padded = Math.ceil(key.length / 8) * 8;
  const body = Buffer.alloc(16);
  body.writeBigUInt64LE(dev, 0);
  body.writeBigUInt64LE(ino, 8);
  return Buffer.concat([
    key,
    Buffer.alloc(padded - key.length),
    body,
    Buffer.from('\0(tt)', 'latin1'),
    Buffer.from([0x1a, 0x36]),
  ]);
}

describe('reprovision/sysroot/ostree-booted', () => {
  const cases: Array<[string, Uint8Array, string | null]> = [
    ['the entry alone (55 bytes, as ostree writes it without composefs)', ostreeBooted(2050n, 131074n), '2050:131074'],
    [
      'after another entry, at the next 8-byte boundary',
      ostreeBooted(64769n, 7n, 'composefs\0\u0001\0\0\0\0\0'),
      '64769:7',
    ],
    ['a 64-bit device and inode', ostreeBooted(2n ** 40n + 3n, 2n ** 63n), `${2n ** 40n + 3n}:${2n ** 63n}`],
    ['an empty file (older ostree)', new Uint8Array(), null],
    ['no such key', Buffer.from('root.transient\0', 'latin1'), null],
    ['the value cut short', ostreeBooted(1n, 2n).subarray(0, 40), null],
    [
      'another type than (tt)',
      Buffer.from(ostreeBooted(1n, 2n).toString('latin1').replace('(tt)', '(uu)'), 'latin1'),
      null,
    ],
  ];
  for (const [what, bytes, expected] of cases)
    it(`${what}: ${String(expected)}`, () => {
      expect(backingRootIdentity(bytes)).to.equal(expected);
    });
});
