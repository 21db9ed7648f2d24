import { expect } from 'chai';
import { Buffer } from 'node:buffer';
import { decode, encodingExists, getDecoder } from '../../../common/text/iconv-lite-shim.js';

/** How stream-utils/raw-body index.js tells iconv-lite's unknown-encoding error from any other (then 415). */
const RAW_BODY_UNKNOWN_ENCODING = /^Encoding not recognized: /;

describe('common/text/iconv-lite-shim', () => {
  const cases: { encoding: string; bytes: number[]; text: string }[] = [
    { encoding: 'utf-8', bytes: [0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d], text: '{"é"}' },
    { encoding: 'UTF8', bytes: [0xe2, 0x82, 0xac], text: '€' },
    { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf, 0x7b, 0x7d], text: '{}' }, // the byte order mark is dropped, as iconv-lite does
    { encoding: 'utf-16le', bytes: [0x7b, 0x00, 0x7d, 0x00], text: '{}' },
    { encoding: 'latin1', bytes: [0x7b, 0xe9, 0x7d], text: '{é}' },
  ];
  for (const { encoding, bytes, text } of cases) {
    it(`decodes ${JSON.stringify(bytes)} in ${encoding} as ${JSON.stringify(text)}, whole and streamed byte by byte`, () => {
      const decoder = getDecoder(encoding);

      const streamed = bytes.map((byte) => decoder.write(Uint8Array.of(byte))).join('') + (decoder.end() ?? '');

      expect(encodingExists(encoding)).to.equal(true);
      expect(decode(Buffer.from(bytes), encoding)).to.equal(text);
      expect(streamed).to.equal(text);
    });
  }

  it("ends a stream that stopped inside a character with the replacement character, and an empty one with undefined, as iconv-lite's decoder does", () => {
    const cut = getDecoder('utf-8');

    expect(cut.write(Uint8Array.of(0xe2, 0x82))).to.equal('');
    expect(cut.end()).to.equal('\ufffd');
    expect(getDecoder('utf-8').end()).to.equal(undefined);
  });

  it('decodes a binary string as iconv-lite does (each character a byte)', () => {
    expect(decode('\u00c3\u00a9', 'utf-8')).to.equal('é');
  });

  it("refuses an unknown encoding with iconv-lite's message, which raw-body answers with 415", () => {
    expect(encodingExists('x-nope')).to.equal(false);
    expect(() => getDecoder('x-nope')).to.throw(RAW_BODY_UNKNOWN_ENCODING);
    expect(() => decode(Buffer.from('{}'), 'x-nope')).to.throw(RAW_BODY_UNKNOWN_ENCODING);
  });
});
