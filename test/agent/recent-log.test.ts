import { expect } from 'chai';
import { createLogger } from '../../agent/logger.js';
import { RECENT_LOG_LIMITS, RecentLogTransport, entryText } from '../../agent/recent-log.js';

/** A logger writing only to `recent`. */
function loggerInto(recent: RecentLogTransport): ReturnType<typeof createLogger> {
  return createLogger({ debug: true, transports: [recent] });
}

/** The kept entries, parsed. */
function entries(recent: RecentLogTransport): Record<string, unknown>[] {
  const text = recent.text();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('RecentLogTransport', () => {
  it('keeps each entry as the JSON object winston gives a transport, oldest first', () => {
    const recent = new RecentLogTransport();
    const logger = loggerInto(recent);
    logger.info('first', { command: 'get_partition_uuids' });
    logger.child({ module: 'commands' }).warn('second');

    const kept = entries(recent);
    expect(kept.map((e) => [e['level'], e['message']])).to.deep.equal([
      ['info', 'first'],
      ['warn', 'second'],
    ]);
    expect(kept[0]).to.include({ command: 'get_partition_uuids' });
    expect(kept[1]).to.include({ module: 'commands' });
    expect(kept[0]?.['timestamp']).to.be.a('string');
  });

  it('keeps the entries redacted, as the logger formats them', () => {
    const recent = new RecentLogTransport();
    loggerInto(recent).info('lookup', { agent_token: 'x'.repeat(40), url: 'http://ironic/v1?agent_token=secret' });

    expect(recent.text()).to.not.contain('x'.repeat(40)).and.not.contain('secret');
  });

  it('holds an entry as it was when logged, whatever happens to its metadata later', () => {
    const recent = new RecentLogTransport();
    const meta = { steps: ['erase_devices_metadata'] };
    loggerInto(recent).info('cleaning', meta);
    meta.steps.push('install_coreos');

    expect(entries(recent)[0]?.['steps']).to.deep.equal(['erase_devices_metadata']);
  });

  const bounds: { name: string; limits: { maxEntries: number; maxChars: number }; logged: number; kept: string[] }[] = [
    { name: 'fewer than the bound', limits: { maxEntries: 3, maxChars: 10_000 }, logged: 2, kept: ['m0', 'm1'] },
    { name: 'exactly the bound', limits: { maxEntries: 3, maxChars: 10_000 }, logged: 3, kept: ['m0', 'm1', 'm2'] },
    {
      name: 'past the entry bound, across the ring more than once',
      limits: { maxEntries: 3, maxChars: 10_000 },
      logged: 8,
      kept: ['m5', 'm6', 'm7'],
    },
    { name: 'past the character bound', limits: { maxEntries: 100, maxChars: 200 }, logged: 10, kept: ['m8', 'm9'] },
  ];
  for (const { name, limits, logged, kept } of bounds) {
    it(`keeps the newest entries: ${name}`, () => {
      const recent = new RecentLogTransport(limits);
      const logger = loggerInto(recent);
      for (let i = 0; i < logged; i += 1) logger.info(`m${i}`, { timestamp: '2026-12-05T00:00:00.000Z' });

      expect(entries(recent).map((e) => e['message'])).to.deep.equal(kept);
      expect(recent.text().length).to.be.at.most(limits.maxChars + kept.length);
    });
  }

  it('cuts one entry longer than the character bound, and marks it', () => {
    const recent = new RecentLogTransport({ maxEntries: 10, maxChars: 100 });
    const logger = loggerInto(recent);
    logger.info('short');
    logger.info('long', { output: 'y'.repeat(500) });

    const lines = recent.text().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0])
      .to.have.length(100)
      .and.match(/^\{.*…\[cut\]$/);
  });

  it('refuses limits it cannot keep an entry in', () => {
    expect(() => new RecentLogTransport({ maxEntries: 0, maxChars: 100 })).to.throw(RangeError, /too small/);
    expect(() => new RecentLogTransport({ maxEntries: 1, maxChars: 2 })).to.throw(RangeError, /too small/);
  });

  it("the agent's bounds: 5,000 entries and 4 Mi characters", () => {
    expect(RECENT_LOG_LIMITS).to.deep.equal({ maxEntries: 5000, maxChars: 4 * 1024 * 1024 });
  });
});

describe('entryText', () => {
  it('is the JSON text of the entry, symbol keys left out', () => {
    const info = { level: 'info', message: 'hello', [Symbol.for('message')]: 'formatted line' };

    expect(entryText(info, 1000)).to.equal('{"level":"info","message":"hello"}');
  });

  it('keeps the level and message of an entry JSON cannot hold, and says why', () => {
    const cyclic: Record<string, unknown> = { level: 'warn', message: 'cyclic', timestamp: 't' };
    cyclic['self'] = cyclic;
    const big = { level: 'info', message: 'big', timestamp: 't', size: 10n };

    for (const info of [cyclic, big]) {
      const parsed = JSON.parse(entryText(info, 1000)) as Record<string, unknown>;
      expect(parsed).to.include({ level: info['level'], message: info['message'], timestamp: 't' });
      expect(parsed['unlogged']).to.match(/^metadata not serialisable: .*(circular|BigInt)/i);
    }
  });
});
