import { expect } from 'chai';
import { atLeast, compareVersions, formatVersion, minVersion, parseApiVersion } from '../../../agent/ironic/version.js';

describe('ironic/version', () => {
  const parses: [string, { major: number; minor: number } | null][] = [
    ['1.82', { major: 1, minor: 82 }],
    ['1.9', { major: 1, minor: 9 }],
    [' 2.0 ', { major: 2, minor: 0 }],
    ['1', null],
    ['1.x', null],
    ['v1.2', null],
    ['', null],
    ['1.2.3', null],
    ['-1.2', null],
  ];
  for (const [text, expected] of parses) {
    it(`parses ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => {
      expect(parseApiVersion(text)).to.deep.equal(expected);
    });
  }

  it('compares numerically, not as text (1.9 < 1.62 < 1.68 < 2.0)', () => {
    const v = (t: string) => parseApiVersion(t)!;
    expect(compareVersions(v('1.9'), v('1.62'))).to.be.below(0);
    expect(compareVersions(v('1.68'), v('1.62'))).to.be.above(0);
    expect(compareVersions(v('2.0'), v('1.99'))).to.be.above(0);
    expect(compareVersions(v('1.36'), v('1.36'))).to.equal(0);
    expect(atLeast(v('1.62'), v('1.62'))).to.equal(true);
    expect(atLeast(v('1.61'), v('1.62'))).to.equal(false);
    expect(formatVersion(minVersion(v('1.82'), v('1.62')))).to.equal('1.62');
    expect(formatVersion(minVersion(v('1.40'), v('1.68')))).to.equal('1.40');
  });
});
