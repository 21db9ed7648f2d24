import { expect } from 'chai';
import { median, percentile, summarize } from '../../../bench/lib/stats.js';

describe('bench stats', () => {
  const medians: Array<[number[], number]> = [
    [[7], 7],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1, 1000, 10], 10],
  ];
  for (const [samples, expected] of medians) {
    it(`median of [${samples.join(', ')}] is ${expected}`, () => {
      expect(median(samples)).to.equal(expected);
    });
  }

  const percentiles: Array<[number[], number, number]> = [
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 95, 95],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
    [[5, 1, 9], 95, 9],
    [[5, 1, 9], 100, 9],
    [[5, 1, 9], 1, 1],
  ];
  for (const [samples, p, expected] of percentiles) {
    it(`p${p} of ${samples.length} samples is ${expected} (nearest rank)`, () => {
      expect(percentile(samples, p)).to.equal(expected);
    });
  }

  it('summarize gives median, min, max and count without reordering the input', () => {
    const samples = [30, 10, 20, 40];

    const summary = summarize(samples);

    expect(summary).to.deep.equal({ median: 25, min: 10, max: 40, count: 4 });
    expect(samples).to.deep.equal([30, 10, 20, 40]);
  });

  it('rejects empty sample lists and percentiles outside (0, 100]', () => {
    expect(() => median([])).to.throw(RangeError, 'median of an empty sample list');
    expect(() => summarize([])).to.throw(RangeError, 'empty');
    expect(() => percentile([1], 0)).to.throw(RangeError, 'percentile must be in (0, 100], got 0');
    expect(() => percentile([1], 101)).to.throw(RangeError, 'got 101');
  });
});
