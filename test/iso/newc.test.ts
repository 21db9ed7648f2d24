import { expect } from 'chai';
import { decodeNewc, encodeNewc, S_IFDIR, S_IFREG } from '../../iso/newc.js';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';

/** The 34-byte config of the golden values (note: one closing brace short of valid JSON). */
const REFERENCE_CONFIG = Buffer.from('{"ignition": {"version": "3.0.0"}\n');

/** Split a newc header into its 13 numeric fields. */
function fields(header: Buffer): number[] {
  const text = header.toString('latin1', 6, 110);
  return Array.from({ length: 13 }, (_, i) => Number.parseInt(text.slice(i * 8, i * 8 + 8), 16));
}

function capture(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('iso/newc', () => {
  describe('encodeNewc', () => {
    it('writes the 284-byte archive of the reference config exactly', () => {
      const cpio = encodeNewc([{ name: 'config.ign', mode: S_IFREG | 0o600, data: REFERENCE_CONFIG }]);

      expect(REFERENCE_CONFIG.length).to.equal(34);
      expect(cpio.length).to.equal(284);
      expect(cpio.toString('latin1', 0, 6)).to.equal('070701');
      expect(fields(cpio.subarray(0, 110))).to.deep.equal([0, 0x8180, 0, 0, 1, 0, 0x22, 0, 0, 0, 0, 0x0b, 0]);
      expect(cpio.toString('latin1', 6, 110)).to.match(/^[0-9a-f]{104}$/);
      expect(cpio.subarray(110, 124)).to.deep.equal(Buffer.from('config.ign\0\0\0\0', 'latin1'));
      expect(cpio.subarray(124, 158)).to.deep.equal(REFERENCE_CONFIG);
      expect(cpio.subarray(158, 160)).to.deep.equal(Buffer.alloc(2));
      expect(fields(cpio.subarray(160, 270))).to.deep.equal([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x0b, 0]);
      expect(cpio.subarray(270, 284)).to.deep.equal(Buffer.from('TRAILER!!!\0\0\0\0', 'latin1'));
    });

    it('numbers inodes by entry index and pads names and data to 4 bytes', () => {
      const cpio = encodeNewc([
        { name: 'etc', mode: S_IFDIR | 0o755, data: Buffer.alloc(0) },
        { name: 'etc/a', mode: S_IFREG | 0o600, data: Buffer.from('12345') },
      ]);

      const second = cpio.indexOf('070701', 1, 'latin1');
      const third = cpio.indexOf('070701', second + 1, 'latin1');

      expect(second).to.equal(116);
      expect(fields(cpio.subarray(second, second + 110))[0]).to.equal(1);
      expect(third - second).to.equal(124);
      expect(cpio.length % 4).to.equal(0);
    });
  });

  describe('decodeNewc', () => {
    it('reads back what encodeNewc wrote and stops after the trailer', () => {
      const entries = [
        { name: 'dir', mode: S_IFDIR | 0o755, data: Buffer.alloc(0) },
        { name: 'dir/file', mode: S_IFREG | 0o600, data: Buffer.from('hello') },
      ];
      const cpio = encodeNewc(entries);

      const decoded = decodeNewc(Buffer.concat([cpio, Buffer.from('rest')]));

      expect(decoded.entries).to.deep.equal(entries);
      expect(decoded.end).to.equal(cpio.length);
    });

    it('starts at an offset and ends names at the first NUL (dracut padding)', () => {
      const padded = encodeNewc([
        { name: `dir/world${'\0'.repeat(40)}`, mode: S_IFREG | 0o644, data: Buffer.from('q') },
      ]);
      const buffer = Buffer.concat([Buffer.from('xyz'), padded]);

      const decoded = decodeNewc(buffer, 3);

      expect(decoded.entries.map((e) => e.name)).to.deep.equal(['dir/world']);
      expect(decoded.end).to.equal(buffer.length);
    });

    const bad: Array<[string, Buffer, string]> = [
      ['a bad magic', Buffer.from(`070707${'0'.repeat(200)}`), 'invalid newc magic at offset 0'],
      [
        'a non-hex field',
        Buffer.from(`070701${'z'.repeat(104)}${'\0'.repeat(40)}`),
        'invalid hex field "zzzzzzzz" at offset 0',
      ],
      ['a truncated header', Buffer.from('070701000'), 'truncated header at offset 0'],
      [
        'a truncated entry',
        encodeNewc([{ name: 'f', mode: S_IFREG, data: Buffer.alloc(100) }]).subarray(0, 150),
        'truncated entry at offset 0',
      ],
      ['a missing trailer', encodeNewc([]).subarray(0, 0), 'truncated header at offset 0'],
    ];
    for (const [what, input, cause] of bad) {
      it(`rejects ${what}`, () => {
        const error = capture(() => decodeNewc(input));

        expect(error).to.be.instanceOf(IsoError);
        expect(errorChain(error)).to.deep.equal(['reading CPIO entry', cause]);
      });
    }
  });
});
