import { expect } from 'chai';
import { historyRows, renderHistoryReport, type HistorySample } from '../../../bench/lib/history-report.js';

const MiB = 1024 * 1024;

describe('bench history-report', () => {
  const sample = (late: number, final: number): HistorySample => ({
    earlyP50Ms: 1,
    lateP50Ms: late,
    idleRssBytes: 80 * MiB,
    finalRssBytes: final * MiB,
    unrecordedRssBytes: 100 * MiB,
  });

  it('compares medians over the runs and gives the verdict against 1.2x', () => {
    const rows = historyRows([sample(1.1, 130), sample(1.0, 90), sample(5, 96)], 4000);

    expect(rows.map((r) => [r[0], r[3], r[4]])).to.deep.equal([
      ['POST /v1/commands/ p50 after 2000 vs after 100', '1.10x', 'meets ≤ 1.2x'],
      ['RSS after 4000 commands vs idle', '1.20x', 'meets ≤ 1.2x'],
      ['RSS after 4000 commands vs 4000 unrecorded POSTs', '0.96x', ''],
      ['RSS after 4000 unrecorded POSTs vs idle', '1.25x', ''],
    ]);
    expect(rows[0]?.[1]).to.equal('1.10 ms (1.00 ms–5.00 ms)');
    expect(historyRows([sample(2, 200)], 4000).map((r) => r[4])).to.deep.equal([
      'misses ≤ 1.2x',
      'misses ≤ 1.2x',
      '',
      '',
    ]);
  });

  it('renders the context and the table', () => {
    const text = renderHistoryReport({
      context: { runs: 1, stateDir: '/dev/shm' },
      rows: historyRows([sample(1, 90)], 4000),
    });

    expect(text.split('\n')[0]).to.equal('command history (runs=1 stateDir=/dev/shm):');
    expect(text).to.contain('RSS after 4000 commands vs idle');
  });
});
