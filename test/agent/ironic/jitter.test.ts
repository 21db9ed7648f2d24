import { expect } from 'chai';
import {
  heartbeatDelayAfterError,
  heartbeatDelayAfterSuccess,
  inspectionBackoff,
  lookupBackoff,
  nextConflictPause,
  uniform,
} from '../../../agent/ironic/jitter.js';

const fixed = (value: number) => () => value;

describe('ironic/jitter', () => {
  describe('uniform', () => {
    const cases: [number, number, number, number][] = [
      [1, 2, 0, 1],
      [1, 2, 0.5, 1.5],
      [0.3, 0.6, 0.25, 0.375],
      [5, 5, 0.7, 5],
    ];
    for (const [min, max, r, expected] of cases) {
      it(`U(${min}, ${max}) with r=${r} is ${expected}`, () => {
        expect(uniform(min, max, fixed(r))).to.be.closeTo(expected, 1e-9);
      });
    }
  });

  describe('heartbeatDelayAfterSuccess', () => {
    const cases: [number, number, number][] = [
      [300, 0, 90],
      [300, 0.5, 135],
      [300, 0.999999, 179.99991],
      [10, 0, 3],
      [60, 1 / 3, 24],
    ];
    for (const [timeout, r, expected] of cases) {
      it(`is ${expected} s for heartbeat_timeout ${timeout} and r=${r}`, () => {
        expect(heartbeatDelayAfterSuccess(timeout, fixed(r))).to.be.closeTo(expected, 1e-6);
      });
    }

    it('stays within 0.3–0.6 × timeout for any random value', () => {
      for (let i = 0; i < 1000; i++) {
        const delay = heartbeatDelayAfterSuccess(300, Math.random);
        expect(delay).to.be.at.least(90).and.below(180);
      }
    });
  });

  describe('heartbeatDelayAfterError', () => {
    const cases: [number, number][] = [
      [0, 5],
      [0.5, 7.5],
      [0.999999, 9.999995],
    ];
    for (const [r, expected] of cases) {
      it(`is ${expected} s for r=${r}`, () => {
        expect(heartbeatDelayAfterError(fixed(r))).to.be.closeTo(expected, 1e-6);
      });
    }
  });

  describe('lookupBackoff', () => {
    // [attempt, interval, r, expected]: U(interval, clamp(2^(n-1), interval, 60))
    const cases: [number, number, number, number][] = [
      [1, 1, 0.99, 1], // 2^0 = 1: the window is [1, 1]
      [2, 1, 1, 2],
      [2, 1, 0.5, 1.5],
      [3, 1, 1, 4],
      [4, 1, 1, 8],
      [6, 1, 1, 32],
      [7, 1, 1, 60],
      [7, 1, 0, 1],
      [20, 1, 1, 60],
      [200, 1, 1, 60],
      [1, 10, 0.5, 10],
      [4, 10, 1, 10],
      [5, 10, 0.5, 13], // 2^4 = 16 → U(10, 16)
      [3, 0, 0.5, 2],
    ];
    for (const [attempt, interval, r, expected] of cases) {
      it(`after attempt ${attempt} with interval ${interval} and r=${r} waits ${expected} s`, () => {
        expect(lookupBackoff(attempt, interval, fixed(r))).to.be.closeTo(expected, 1e-9);
      });
    }
  });

  describe('nextConflictPause', () => {
    const cases: [number, number][] = [
      [0, 5],
      [5, 10],
      [10, 30],
      [30, 30],
    ];
    for (const [previous, next] of cases) {
      it(`goes from ${previous} to ${next} s`, () => {
        expect(nextConflictPause(previous)).to.equal(next);
      });
    }
  });

  describe('inspectionBackoff', () => {
    const cases: [number, number][] = [
      [1, 5],
      [2, 5],
      [3, 6],
      [4, 12],
      [5, 24],
      [6, 30],
      [10, 30],
    ];
    for (const [attempt, expected] of cases) {
      it(`waits ${expected} s after attempt ${attempt}`, () => {
        expect(inspectionBackoff(attempt)).to.equal(expected);
      });
    }
  });
});
