import { expect } from 'chai';
import {
  bitString,
  boolean,
  encodeLength,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  tlv,
  unsignedInteger,
  utf8String,
  validityTime,
} from '../../../agent/tls/der.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): string => Buffer.from(text, 'ascii').toString('hex');

describe('tls/der', () => {
  describe('encodeLength (X.690 8.1.3: short form below 128, shortest long form above)', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8180'],
      [255, '81ff'],
      [256, '820100'],
      [65_535, '82ffff'],
      [65_536, '83010000'],
    ];
    for (const [length, expected] of cases) {
      it(`${length} → ${expected}`, () => {
        expect(hex(encodeLength(length))).to.equal(expected);
      });
    }

    for (const bad of [-1, 1.5, Number.NaN]) {
      it(`refuses ${bad}`, () => {
        expect(() => encodeLength(bad)).to.throw(RangeError, 'DER length must be a natural number');
      });
    }
  });

  it('puts the length between tag and content, for 127, 128 and 256 content bytes', () => {
    for (const [size, header] of [
      [127, '047f'],
      [128, '048180'],
      [256, '04820100'],
    ] as const) {
      const encoded = octetString(Buffer.alloc(size, 0xab));

      expect(hex(encoded.subarray(0, header.length / 2))).to.equal(header);
      expect(encoded.length).to.equal(header.length / 2 + size);
    }
  });

  it('refuses multi-byte tags (tag number 31) and values above a byte', () => {
    expect(() => tlv(0x1f, Buffer.alloc(0))).to.throw(RangeError, 'tag number below 31');
    expect(() => tlv(0x100, Buffer.alloc(0))).to.throw(RangeError, 'single byte');
  });

  describe('INTEGER (X.690 8.3: minimal two’s complement, positive values keep a clear high bit)', () => {
    const cases: Array<[string, number[], string]> = [
      ['zero', [0], '020100'],
      ['empty magnitude as zero', [], '020100'],
      ['127', [0x7f], '02017f'],
      ['128: high bit set gets a zero byte', [0x80], '02020080'],
      ['256', [0x01, 0x00], '02020100'],
      ['leading zero bytes dropped', [0x00, 0x00, 0x01], '020101'],
      ['leading zeros dropped but one kept before a high bit', [0x00, 0x00, 0xff], '020200ff'],
      ['16-byte serial with the high bit set', [0xc0, ...new Array<number>(15).fill(1)], `021100c0${'01'.repeat(15)}`],
    ];
    for (const [name, magnitude, expected] of cases) {
      it(name, () => {
        expect(hex(unsignedInteger(Uint8Array.from(magnitude)))).to.equal(expected);
      });
    }

    it('encodes small numbers the same way (X.509 v3 is 2)', () => {
      expect([smallInteger(0), smallInteger(2), smallInteger(128), smallInteger(65_536)].map(hex)).to.deep.equal([
        '020100',
        '020102',
        '02020080',
        '0203010000',
      ]);
      expect(() => smallInteger(-1)).to.throw(RangeError, 'non-negative integer');
    });
  });

  describe('OBJECT IDENTIFIER (X.690 8.19)', () => {
    const cases: Array<[string, string]> = [
      ['2.5.4.3', '0603550403'],
      ['2.5.29.17', '0603551d11'],
      ['1.2.840.113549', '06062a864886f70d'],
      ['1.2.840.10045.2.1', '06072a8648ce3d0201'],
      ['1.2.840.10045.4.3.4', '06082a8648ce3d040304'],
      ['1.3.132.0.34', '06052b81040022'],
      // X.690 8.19.5's example: the first two arcs 2.999 make the subidentifier 1079.
      ['2.999.3', '0603883703'],
    ];
    for (const [dotted, expected] of cases) {
      it(`${dotted} → ${expected}`, () => {
        expect(hex(objectIdentifier(dotted))).to.equal(expected);
      });
    }

    for (const bad of ['', '1', '3.1', '1.40', '0.40.1', '1.2.', '1.02', 'a.b', '1..2']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(() => objectIdentifier(bad)).to.throw(RangeError);
      });
    }
  });

  describe('the other primitives', () => {
    const cases: Array<[string, Buffer, string]> = [
      ['BOOLEAN TRUE is FF', boolean(true), '0101ff'],
      ['BOOLEAN FALSE', boolean(false), '010100'],
      ['UTF8String ASCII', utf8String('cfg-node-1'), `0c0a${ascii('cfg-node-1')}`],
      ['UTF8String counts bytes, not characters', utf8String('né'), '0c036ec3a9'],
      ['BIT STRING of whole bytes: zero unused bits first', bitString(Buffer.of(0x6e, 0x5d)), '0303006e5d'],
      ['OCTET STRING', octetString(Buffer.of(1, 2)), '04020102'],
      ['empty SEQUENCE', sequence(), '3000'],
      ['SEQUENCE keeps the order', sequence(boolean(true), smallInteger(1)), '30060101ff020101'],
      ['SET', set(smallInteger(1)), '3103020101'],
      ['[0] EXPLICIT is constructed', explicit(0, smallInteger(2)), 'a003020102'],
      ['[3] EXPLICIT', explicit(3, sequence()), 'a3023000'],
      ['[7] IMPLICIT primitive (iPAddress)', implicitPrimitive(7, Buffer.of(192, 0, 2, 10)), '8704c000020a'],
    ];
    for (const [name, encoded, expected] of cases) {
      it(name, () => {
        expect(hex(encoded)).to.equal(expected);
      });
    }

    it('refuses context tag numbers that need more than one byte', () => {
      expect(() => explicit(31, sequence())).to.throw(RangeError, 'context tag number must be 0-30');
      expect(() => implicitPrimitive(-1, Buffer.alloc(0))).to.throw(RangeError, 'context tag number must be 0-30');
    });
  });

  describe('validityTime (RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050)', () => {
    const cases: Array<[string, string, string]> = [
      ['2026-03-01T11:00:00Z', '17', '260301110000Z'],
      ['2026-03-01T12:00:00.999Z', '17', '260301120000Z'],
      ['2049-12-31T23:59:59Z', '17', '491231235959Z'],
      ['2050-01-01T00:00:00Z', '18', '20500101000000Z'],
      ['1950-01-01T00:00:00Z', '17', '500101000000Z'],
      ['1949-12-31T23:59:59Z', '18', '19491231235959Z'],
      ['9999-12-31T23:59:59Z', '18', '99991231235959Z'],
    ];
    for (const [iso, tag, text] of cases) {
      it(`${iso} → ${tag === '17' ? 'UTCTime' : 'GeneralizedTime'} ${text}`, () => {
        const length = text.length.toString(16).padStart(2, '0');

        expect(hex(validityTime(new Date(iso)))).to.equal(`${tag}${length}${ascii(text)}`);
      });
    }

    it('refuses an invalid date and years past 9999', () => {
      expect(() => validityTime(new Date(Number.NaN))).to.throw(RangeError, 'years 0000-9999');
      expect(() => validityTime(new Date('+010000-01-01T00:00:00Z'))).to.throw(RangeError, 'years 0000-9999');
    });
  });
});
