import { expect } from 'chai';
import axios from 'axios';
import { IronicClient, type HeartbeatRequest } from '../../../agent/ironic/client.js';
import { Heartbeater, type HeartbeaterOptions } from '../../../agent/ironic/heartbeater.js';
import { FAULTS, FakeIronic, NODE_UUID, TOKEN, ironicError, type Answer } from '../../helpers/fake-ironic.js';
import { FakeClock, sequence } from '../../helpers/fake-clock.js';
import { createTestLogger } from '../../helpers/logger.js';

const START = 1_000_000;

/** Let real I/O (the fake Ironic) and pending promises run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Wait (real time, bounded) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done()) throw new Error('condition not reached');
}

describe('ironic/heartbeater Heartbeater', () => {
  let ironic: FakeIronic;
  let log: ReturnType<typeof createTestLogger>;
  let clock: FakeClock;
  let heartbeater: Heartbeater | null;

  beforeEach(async () => {
    ironic = await FakeIronic.start();
    log = createTestLogger();
    clock = new FakeClock({ start: START });
    heartbeater = null;
  });

  afterEach(async () => {
    await heartbeater?.stop();
    await ironic.close();
  });

  function create(overrides: Partial<HeartbeaterOptions> = {}): Heartbeater {
    const client = new IronicClient({
      http: axios.create(),
      urls: [ironic.url],
      logger: log.logger,
      timeoutMs: 5000,
      pinnedVersion: '1.68',
    });
    const request = (): HeartbeatRequest => ({
      nodeUuid: NODE_UUID,
      callbackUrl: 'http://127.0.0.1:9999',
      token: TOKEN,
      agentVersion: '9.4.1',
    });
    heartbeater = new Heartbeater({
      client,
      request,
      heartbeatTimeoutSec: () => 300,
      clock,
      random: () => 0,
      logger: log.logger,
      ...overrides,
    });
    return heartbeater;
  }

  /** Answer heartbeats with `answer` from now on. */
  function answer(a: Answer | (() => Answer)): void {
    ironic.handler = () => (typeof a === 'function' ? a() : a);
  }

  const beats = () => ironic.requests.filter((r) => r.url === `/v1/heartbeat/${NODE_UUID}`).length;

  it('heartbeats at once, then waits heartbeat_timeout × U(0.3, 0.6)', async () => {
    const hb = create({ random: sequence(0, 0.5, 0.999) });

    hb.start();
    const first = await clock.nextSleep();

    expect(beats()).to.equal(1);
    expect(first).to.equal(90_000);
    expect(hb.lastHeartbeat).to.deep.equal({ at: START, ok: true });
    expect(hb.nextHeartbeatAt).to.equal(START + 90_000);

    clock.advance(89_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(beats()).to.equal(1);

    clock.advance(1);
    const second = await clock.nextSleep();
    expect(beats()).to.equal(2);
    expect(second).to.equal(135_000);

    clock.advance(second);
    const third = await clock.nextSleep();
    expect(beats()).to.equal(3);
    expect(third).to.be.closeTo(179_910, 1e-6);
    expect(third).to.be.below(180_000);
  });

  it('reads heartbeat_timeout before each scheduling', async () => {
    const timeouts = [300, 60];
    const hb = create({ heartbeatTimeoutSec: () => timeouts.shift() ?? 10 });

    hb.start();
    const first = await clock.nextSleep();
    clock.advance(first);
    const second = await clock.nextSleep();

    expect([first, second]).to.deep.equal([90_000, 18_000]);
  });

  it('retries after an error within 5–10 s and goes back to the normal interval after a success', async () => {
    let status = 500;
    answer(() => (status === 202 ? { status } : { status, body: ironicError('boom', 'Server') }));
    const hb = create({ random: sequence(0.5, 0) });

    hb.start();
    const retry = await clock.nextSleep();

    expect(retry).to.equal(7_500);
    expect(hb.lastHeartbeat).to.deep.equal({
      at: START,
      ok: false,
      error: 'Error heartbeating to agent API: Error 500: boom',
    });
    expect(
      log.memory.entries.some((e) => e['message'] === 'Error sending heartbeat' && e['level'] === 'error'),
    ).to.equal(true);

    status = 202;
    clock.advance(retry);
    const next = await clock.nextSleep();

    expect(next).to.equal(90_000);
    expect(hb.lastHeartbeat).to.deep.equal({ at: START + 7_500, ok: true });
  });

  it('treats 409 as a warning and retries within 5–10 s', async () => {
    answer({ status: 409, body: ironicError(FAULTS.locked) });
    const hb = create({ random: () => 0.999 });

    hb.start();
    const retry = await clock.nextSleep();

    expect(retry).to.be.at.least(5_000).and.below(10_000);
    expect(
      log.memory.entries.some((e) => e['message'] === 'Conflict error sending heartbeat' && e['level'] === 'warn'),
    ).to.equal(true);
  });

  it('keeps going when Ironic is unreachable', async () => {
    const hb = create();
    await ironic.close();

    hb.start();
    const retry = await clock.nextSleep();

    expect(retry).to.equal(5_000);
    expect(hb.lastHeartbeat?.error).to.match(/^Error attempting to heartbeat.*ECONNREFUSED/);
  });

  it('force() heartbeats at once, with no 5 s floor', async () => {
    const hb = create();
    hb.start();
    await clock.nextSleep();

    hb.force();
    await clock.nextSleep();
    hb.force();
    await clock.nextSleep();

    expect(beats()).to.equal(3);
    expect(clock.now()).to.equal(START);
    expect(clock.pending).to.equal(1);
  });

  it('force() during a heartbeat in flight sends another one right after it', async () => {
    let forcedOnce = false;
    const hb = create();
    answer(() => {
      if (!forcedOnce) {
        forcedOnce = true;
        hb.force();
      }
      return { status: 202 };
    });

    hb.start();
    await clock.nextSleep();

    expect(beats()).to.equal(2);
    expect(clock.sleeps).to.deep.equal([2_000]);
  });

  it('follows a forced heartbeat with another one 2 s later (Ironic skips heartbeats while the node is locked), then the usual interval', async () => {
    const hb = create();
    hb.start();
    await clock.nextSleep();

    hb.force();
    const followUp = await clock.nextSleep();
    clock.advance(followUp);
    const normal = await clock.nextSleep();

    expect(followUp).to.equal(2_000);
    expect(normal).to.equal(90_000);
    expect(beats()).to.equal(3);
  });

  it('calls onTokenRejected on "Invalid or missing agent token" and sends no heartbeat until it has finished', async () => {
    answer({ status: 400, body: ironicError(FAULTS.invalidToken) });
    let calls = 0;
    let release: () => void = () => undefined;
    const hb = create({
      onTokenRejected: () => {
        calls += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });

    hb.start();
    await until(() => calls === 1);
    clock.advance(600_000);
    hb.force();
    await settle();

    expect(beats()).to.equal(1);
    expect(clock.pending).to.equal(0);

    release();
    await until(() => calls === 2);

    expect(beats()).to.equal(2);
  });

  it('stop() while onTokenRejected runs ends the loop at once; nothing is sent afterwards', async () => {
    answer({ status: 400, body: ironicError(FAULTS.invalidToken) });
    let release: () => void = () => undefined;
    const hb = create({
      onTokenRejected: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    hb.start();
    await until(() => beats() === 1);
    await settle();

    await hb.stop();
    release();
    clock.advance(600_000);
    await settle();

    expect(beats()).to.equal(1);
    expect(clock.pending).to.equal(0);
  });

  it('also treats "Agent token is required" as a token rejection, but not other 400s', async () => {
    let body = ironicError(FAULTS.tokenRequired);
    answer(() => ({ status: 400, body }));
    let calls = 0;
    const hb = create({
      onTokenRejected: () => {
        calls += 1;
      },
    });

    hb.start();
    await clock.nextSleep();
    body = ironicError('Detected change in ramdisk provided "callback_url"');
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10_000);
    await clock.nextSleep();

    expect(beats()).to.equal(2);
    expect(calls).to.equal(1);
  });

  it('lets onTokenRejected stop the heartbeater without deadlock', async () => {
    answer({ status: 400, body: ironicError(FAULTS.invalidToken) });
    let stopped: (value: Promise<void>) => void = () => undefined;
    const stopping = new Promise<void>((resolve) => {
      stopped = resolve;
    }); // settles when the hook's stop() does
    const hb = create({
      onTokenRejected: async () => {
        const stop = hb.stop();
        stopped(stop);
        await stop;
      },
    });

    hb.start();
    await stopping;

    expect(clock.pending).to.equal(0);
    expect(beats()).to.equal(1);
  });

  it('a heartbeat refused after stop() (the host is powering off) does not ask for a new lookup', async () => {
    let stopping: Promise<void> = Promise.resolve();
    let calls = 0;
    const hb = create({
      onTokenRejected: () => {
        calls += 1;
      },
    });
    // Ironic wipes the token when it powers the node off; a heartbeat in flight at that moment is refused.
    answer(() => {
      stopping = hb.stop();
      return { status: 400, body: ironicError(FAULTS.invalidToken) };
    });

    hb.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stopping;

    expect(beats()).to.equal(1);
    expect(calls).to.equal(0);
    expect(clock.pending).to.equal(0);
  });

  it('never throws out of its loop when building the request fails', async () => {
    let fail = true;
    const hb = create({
      request: () => {
        if (fail) throw new Error('node not known yet');
        return { nodeUuid: NODE_UUID, callbackUrl: 'http://127.0.0.1:9999', token: TOKEN, agentVersion: '9.4.1' };
      },
    });

    hb.start();
    const retry = await clock.nextSleep();
    fail = false;
    clock.advance(retry);
    await clock.nextSleep();

    expect(retry).to.equal(5_000);
    expect(
      log.memory.entries.some((e) => e['message'] === 'Error sending heartbeat' && e['error'] === 'node not known yet'),
    ).to.equal(true);
    expect(beats()).to.equal(1);
    expect(hb.lastHeartbeat?.ok).to.equal(true);
  });

  it('stop() ends the loop while it sleeps; nothing is sent afterwards', async () => {
    const hb = create();
    hb.start();
    await clock.nextSleep();

    await hb.stop();
    clock.advance(1_000_000);
    await new Promise((resolve) => setImmediate(resolve));

    expect(beats()).to.equal(1);
    expect(clock.pending).to.equal(0);
  });

  it('never logs the agent token', async () => {
    answer({ status: 400, body: ironicError(FAULTS.invalidToken) });
    const hb = create({ onTokenRejected: () => undefined });

    hb.start();
    clock.advance(await clock.nextSleep());
    await clock.nextSleep();

    expect(log.memory.entries.length).to.be.above(3);
    expect(log.memory.text()).to.not.contain(TOKEN);
    expect(ironic.requests[0]?.body).to.contain(TOKEN);
  });
});
