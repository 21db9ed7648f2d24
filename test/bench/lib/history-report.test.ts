import { expect } from 'chai';
import { historyRows, renderHistoryReport, type HistorySample } from '../../../bench/lib/history-report.js';

const MiB = 1024 * 1024;

describe('bench history-report', () => {
  const WHEN = { settle: '1 s', rest: '15 s' };
  const sample = (late: number, final: number, rested = 84): HistorySample => ({
    earlyP50Ms: 1,
    lateP50Ms: late,
    idleRssBytes: 80 * MiB,
    finalRssBytes: final * MiB,
    unrecordedRssBytes: 100 * MiB,
    idleRestedRssBytes: 70 * MiB,
    restedRssBytes: rested * MiB,
    unrecordedRestedRssBytes: 80 * MiB,
  });

  it('compares medians over the runs and gives the verdict against 1.2x', () => {
    const rows = historyRows([sample(1.1, 130, 84), sample(1.0, 90, 77), sample(5, 96, 91)], 4000, WHEN);

    expect(rows.map((r) => [r[0], r[3], r[4]])).to.deep.equal([
      ['POST /v1/commands/ p50 after 2000 vs after 100', '1.10x', 'meets ≤ 1.2x'],
      ['RSS 1 s after 4000 commands vs idle', '1.20x', 'meets ≤ 1.2x'],
      ['RSS 15 s after 4000 commands vs idle 15 s after start', '1.20x', 'meets ≤ 1.2x'],
      ['RSS 1 s after 4000 commands vs 4000 unrecorded POSTs', '0.96x', ''],
      ['RSS 1 s after 4000 unrecorded POSTs vs idle', '1.25x', ''],
      ['RSS 15 s after 4000 commands vs 4000 unrecorded POSTs', '1.05x', ''],
    ]);
    expect(rows[0]?.[1]).to.equal('1.10 ms (1.00 ms–5.00 ms)');
    expect(historyRows([sample(2, 200, 85)], 4000, WHEN).map((r) => r[4])).to.deep.equal([
      'misses ≤ 1.2x',
      'misses ≤ 1.2x',
      'misses ≤ 1.2x',
      '',
      '',
      '',
    ]);
  });

  it('names the readings after the settle and rest times it was given', () => {
    const rows = historyRows([sample(1, 90)], 3000, { settle: '0.5 s', rest: '20 s' });

    expect(rows[1]?.[0]).to.equal('RSS 0.5 s after 3000 commands vs idle');
    expect(rows[2]?.[0]).to.equal('RSS 20 s after 3000 commands vs idle 20 s after start');
  });

  it('renders the context and the table', () => {
    const text = renderHistoryReport({
      context: { runs: 1, stateDir: '/dev/shm' },
      rows: historyRows([sample(1, 90)], 4000, WHEN),
    });

    expect(text.split('\n')[0]).to.equal('command history (runs=1 stateDir=/dev/shm):');
    expect(text).to.contain('RSS 1 s after 4000 commands vs idle');
  });
});
