import { expect } from 'chai';
import { formatMiB, formatMs, formatRatio, formatTable, msNumber } from '../../../bench/lib/table.js';

describe('bench table', () => {
  it('pads columns to the widest cell, right-aligns where asked and rules the header', () => {
    const text = formatTable(
      ['name', 'value'],
      [
        ['a', '1'],
        ['longer', '100'],
      ],
      ['left', 'right'],
    );

    expect(text.split('\n')).to.deep.equal(['name    value', '------  -----', 'a           1', 'longer    100']);
  });

  const ms: Array<[number, string]> = [
    [0.12345, '0.123 ms'],
    [4.567, '4.57 ms'],
    [45.67, '45.7 ms'],
    [456.7, '457 ms'],
  ];
  for (const [value, expected] of ms) {
    it(`formats ${value} ms as ${expected}`, () => {
      expect(formatMs(value)).to.equal(expected);
    });
  }

  it('formats numbers with a given precision, MiB and ratios', () => {
    expect(msNumber(655.4, 1)).to.equal('655.4');
    expect(formatMiB(44.4 * 1024 * 1024)).to.equal('44.4 MiB');
    expect(formatRatio(673 / 81.9)).to.equal('8.22x');
  });
});
