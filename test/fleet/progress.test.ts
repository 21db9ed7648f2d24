import { expect } from 'chai';
import { progressJson, progressLine } from '../../fleet/progress.js';

describe('fleet/progress', () => {
  const cases: [Parameters<typeof progressLine>[0], string][] = [
    [{ node: 'w1', phase: 'waiting', method: 'ssh' }, 'w1: waiting (ssh)'],
    [{ node: 'w2', phase: 'failed', message: 'timed out' }, 'w2: failed: timed out'],
    [{ node: null, phase: 'healthy' }, 'fleet: healthy'],
  ];
  for (const [event, line] of cases) it(`writes ${line}`, () => expect(progressLine(event)).to.equal(line));

  it('writes JSON lines in snake_case wire form with nulls, never undefined', () => {
    expect(
      JSON.parse(progressJson({ node: 'w1', phase: 'done', method: 'ironic' }, Date.UTC(2026, 0, 2))),
    ).to.deep.equal({
      time: '2026-01-02T00:00:00.000Z',
      node: 'w1',
      phase: 'done',
      method: 'ironic',
      message: null,
    });
  });
});
