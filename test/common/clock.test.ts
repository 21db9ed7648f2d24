import { expect } from 'chai';
import { createSystemClock } from '../../common/clock.js';

describe('common/clock createSystemClock', () => {
  it('reports the wall clock', () => {
    const before = Date.now();

    const now = createSystemClock().now();

    expect(now).to.be.at.least(before).and.at.most(Date.now());
  });

  it('resolves a sleep when its signal aborts, long before the timer', async () => {
    const controller = new AbortController();
    const sleeping = createSystemClock().sleep(3_600_000, controller.signal);

    controller.abort();

    await sleeping; // would hang for an hour (and time the test out) if abort did not wake it
  });

  it('resolves at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();

    await createSystemClock().sleep(3_600_000, controller.signal);
  });

  it('resolves a zero-length sleep', async () => {
    await createSystemClock().sleep(0);
  });

  it('waits the given time before resolving, and takes a negative time as zero', async () => {
    const clock = createSystemClock();
    const start = clock.now();

    await clock.sleep(30);
    const slept = clock.now() - start;
    await clock.sleep(-1000);

    expect(slept).to.be.at.least(25); // timers may fire a millisecond early on some platforms
    expect(clock.now() - start).to.be.below(1000);
  });
});
