import { expect } from 'chai';
import { fromDataUrl, isUtf8Text, toDataUrl } from '../../ignition/data-url.js';

describe('ignition/data-url', () => {
  const cases: { name: string; input: string | Uint8Array; expected: string }[] = [
    { name: 'plain text is percent-encoded', input: 'node1\n', expected: 'data:,node1%0A' },
    { name: 'empty text', input: '', expected: 'data:,' },
    { name: 'reserved characters are escaped', input: 'a b/c?d#e%f,g', expected: 'data:,a%20b%2Fc%3Fd%23e%25f%2Cg' },
    {
      name: 'non-ASCII text that grows past base64 uses base64',
      input: 'ééééééééé',
      expected: `data:;base64,${Buffer.from('ééééééééé').toString('base64')}`,
    },
    {
      name: 'binary data always uses base64',
      input: new Uint8Array([0xff, 0xfe, 0x00, 0x41]),
      expected: 'data:;base64,//4AQQ==',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const url = toDataUrl(c.input);

      expect(url).to.equal(c.expected);
      expect(fromDataUrl(url).equals(Buffer.from(c.input))).to.equal(true);
    });
  }

  it('picks the shorter encoding (symbol-heavy text goes base64)', () => {
    const text = '/////////////////////////////';

    const url = toDataUrl(text);

    expect(url.startsWith('data:;base64,')).to.equal(true);
    expect(url.length).to.be.lessThan(`data:,${encodeURIComponent(text)}`.length);
  });

  it('honours a forced encoding', () => {
    expect(toDataUrl('abc', { encoding: 'base64' })).to.equal('data:;base64,YWJj');
    expect(toDataUrl('////', { encoding: 'percent' })).to.equal('data:,%2F%2F%2F%2F');
  });

  it('refuses to percent-encode binary data', () => {
    expect(() => toDataUrl(new Uint8Array([0xc3]), { encoding: 'percent' })).to.throw(TypeError, /binary/);
  });

  it('round-trips every byte value', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);

    expect(fromDataUrl(toDataUrl(bytes)).equals(Buffer.from(bytes))).to.equal(true);
  });

  it('detects UTF-8', () => {
    expect(isUtf8Text(Buffer.from('héllo'))).to.equal(true);
    expect(isUtf8Text(new Uint8Array([0xc3, 0x28]))).to.equal(false);
  });

  it('rejects a non-data URL when decoding', () => {
    expect(() => fromDataUrl('https://example.com/x')).to.throw(TypeError, /not a data URL/);
  });
});
