import { expect } from 'chai';
import axios from 'axios';
import { LookupNodeError } from '../../../common/errors.js';
import { IronicClient } from '../../../agent/ironic/client.js';
import { lookupNode, type LookupNodeOptions } from '../../../agent/ironic/lookup.js';
import {
  FAULTS,
  FakeIronic,
  MAC,
  NODE_UUID,
  TOKEN,
  ironicError,
  lookupBody,
  pyJson,
  refusedUrl,
  type Answer,
  type RecordedRequest,
} from '../../helpers/fake-ironic.js';
import { FakeClock, sequence } from '../../helpers/fake-clock.js';
import { createTestLogger } from '../../helpers/logger.js';

describe('ironic/lookup lookupNode', () => {
  let ironic: FakeIronic;
  let log: ReturnType<typeof createTestLogger>;
  let clock: FakeClock;

  beforeEach(async () => {
    ironic = await FakeIronic.start();
    log = createTestLogger();
    clock = new FakeClock({ auto: true });
  });

  afterEach(async () => {
    await ironic.close();
  });

  /** Answer lookups from `answers` in order (the last one repeats). */
  function script(...answers: Answer[]): void {
    let index = 0;
    ironic.handler = (r: RecordedRequest) => {
      if (r.url === '/') return ironic.happyPath(r);
      const answer = answers[Math.min(index, answers.length - 1)];
      index += 1;
      return answer ?? { status: 500 };
    };
  }

  function run(overrides: Partial<LookupNodeOptions> = {}, urls = [ironic.url]) {
    const client = new IronicClient({ http: axios.create(), urls, logger: log.logger, timeoutMs: 5000 });
    return lookupNode(client, {
      macs: [MAC],
      timeoutSec: 600,
      intervalSec: 1,
      clock,
      random: () => 0.5,
      logger: log.logger,
      ...overrides,
    });
  }

  const notFound: Answer = { status: 404, body: ironicError(FAULTS.notFound) };
  const locked: Answer = { status: 409, body: ironicError(FAULTS.locked) };
  const found = (config: Record<string, unknown> = {}): Answer => ({
    status: 200,
    body: lookupBody(ironic.url, config),
  });
  const warnings = (message: string) => log.memory.entries.filter((e) => e['message'] === message);

  it('returns the node, config, heartbeat timeout and token on the first 200', async () => {
    script(found());

    const outcome = await run();

    expect(outcome.node.uuid).to.equal(NODE_UUID);
    expect(outcome.heartbeatTimeoutSec).to.equal(300);
    expect(outcome.token).to.deep.equal({ kind: 'received', token: TOKEN });
    expect(outcome.attempts).to.equal(1);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('keeps polling through 404s with a "Check if inspection has completed?" warning', async () => {
    script(notFound, notFound, found());

    const outcome = await run({ random: () => 1 });

    expect(outcome.attempts).to.equal(3);
    expect(clock.sleeps).to.deep.equal([1000, 2000]);
    const warned = warnings('Failed looking up node. Check if inspection has completed?');
    expect(warned).to.have.length(2);
    expect(warned[0]).to.deep.include({ addresses: MAC, url: ironic.url, error: `Error 404: ${FAULTS.notFound}` });
  });

  it('backs off randomly between interval and min(60, 2^(n-1)) and stops at lookup_timeout', async () => {
    script(notFound);
    const random = sequence(0.999, 0.2, 0.7, 0.999, 0.5);

    const error = await run({ random }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupNodeError);
    const sleeps = clock.sleeps.map((ms) => ms / 1000);
    for (const [index, sleep] of sleeps.slice(0, -1).entries()) {
      const high = Math.min(60, 2 ** index);
      expect(sleep, `wait after attempt ${index + 1}`)
        .to.be.at.least(1)
        .and.at.most(high);
    }
    expect(sleeps.slice(0, 7).map((s) => Math.round(s * 1000) / 1000)).to.deep.equal([
      1, 1.2, 3.1, 7.993, 8.5, 31.969, 12.8,
    ]);
    expect(sleeps.reduce((a, b) => a + b, 0)).to.be.closeTo(600, 1e-6); // the last wait is cut to the deadline
    expect(ironic.calls()).to.have.length(sleeps.length + 1);
  });

  it('uses lookup_interval as the lower bound', async () => {
    script(notFound);

    await run({ intervalSec: 10, timeoutSec: 60, random: () => 0 }).catch(() => undefined);

    expect(clock.sleeps).to.deep.equal([10000, 10000, 10000, 10000, 10000, 10000]);
    expect(ironic.calls()).to.have.length(7);
  });

  it('pauses 5, 10, 30, 30 s on repeated 409s on top of the backoff', async () => {
    script(locked, locked, locked, locked, found());

    const outcome = await run({ random: () => 0 });

    expect(outcome.attempts).to.equal(5);
    expect(clock.sleeps).to.deep.equal([5000, 1000, 10000, 1000, 30000, 1000, 30000, 1000]);
    expect(
      warnings('Ironic answered a conflict: the node is locked, pausing before the next lookup').map(
        (e) => e['pauseSec'],
      ),
    ).to.deep.equal([5, 10, 30, 30]);
  });

  it('throws LookupNodeError naming the last answer once the deadline passes', async () => {
    script(notFound);

    const error = await run({ timeoutSec: 30, random: () => 1 }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupNodeError);
    expect((error as LookupNodeError).details).to.match(
      /^Could not look up node info within 30 s \(\d+ attempts, last: Error 404: Resource could not be found\.\)/,
    );
    expect(clock.now() - 1_000_000).to.equal(30_000);
  });

  it('retries through connection errors until the deadline', async () => {
    const error = await run({ timeoutSec: 20, random: () => 1 }, [await refusedUrl()]).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupNodeError);
    expect((error as LookupNodeError).details).to.match(/cannot reach Ironic: ECONNREFUSED/);
    expect(warnings('Lookup failed, retrying').length).to.be.above(2);
  });

  it('retries an answer without a node and a 400', async () => {
    script(
      { status: 200, body: pyJson({ config: {} }) },
      { status: 400, body: ironicError(FAULTS.incompleteLookup) },
      found(),
    );

    const outcome = await run();

    expect(outcome.attempts).to.equal(3);
    expect(warnings('Lookup failed, retrying').map((e) => e['status'])).to.deep.equal([200, 400]);
  });

  it('counts an unexpected exception from the client as a failed attempt', async () => {
    let calls = 0;
    const client = {
      apiUrls: ['http://192.0.2.1:6385'],
      lookup: async () => {
        calls += 1;
        if (calls === 1) throw new TypeError('socket exploded');
        return { kind: 'found' as const, data: { node: { uuid: NODE_UUID }, config: { heartbeat_timeout: 60 } } };
      },
    };

    const outcome = await lookupNode(client, {
      macs: [MAC],
      timeoutSec: 600,
      intervalSec: 1,
      clock,
      random: () => 0,
      logger: log.logger,
    });

    expect(outcome.attempts).to.equal(2);
    expect(outcome.heartbeatTimeoutSec).to.equal(60);
    expect(
      log.memory.entries.some(
        (e) => e['message'] === 'Unexpected error while looking up the node' && e['error'] === 'socket exploded',
      ),
    ).to.equal(true);
  });

  it('refuses to start without a MAC or a node UUID, before any request', async () => {
    const error = await run({ macs: ['', ''] }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(LookupNodeError);
    expect((error as LookupNodeError).details).to.match(/No MAC address and no node UUID/);
    expect(ironic.requests).to.have.length(0);
  });

  it('looks up by node UUID alone', async () => {
    script(found());

    await run({ macs: [], nodeUuid: NODE_UUID });

    expect(ironic.calls()[0]?.url).to.equal(`/v1/lookup?addresses=&node_uuid=${NODE_UUID}`);
  });

  describe('agent token rules', () => {
    it('reports "******" as already issued, with a warning', async () => {
      script(found({ agent_token: '******' }));

      const outcome = await run();

      expect(outcome.token).to.deep.equal({ kind: 'alreadyIssued' });
      expect(log.memory.text()).to.contain('The agent token has already been retrieved from Ironic');
    });

    it('ignores a short token with a warning', async () => {
      script(found({ agent_token: 'short-token' }));

      const outcome = await run();

      expect(outcome.token).to.deep.equal({ kind: 'none', invalid: true });
      expect(log.memory.text()).to.contain('Ironic sent an invalid agent token; ignoring it');
      expect(log.memory.text()).to.not.contain('short-token');
    });

    it('reports no token when Ironic sends none', async () => {
      script(found({ agent_token: null }));

      expect((await run()).token).to.deep.equal({ kind: 'none', invalid: false });
    });

    it('never logs the token', async () => {
      script(notFound, found());

      await run();

      expect(log.memory.entries.length).to.be.above(2);
      expect(log.memory.text()).to.not.contain(TOKEN);
    });
  });

  describe('heartbeat timeout', () => {
    it('takes an old top-level heartbeat_timeout', async () => {
      script({ status: 200, body: pyJson({ node: { uuid: NODE_UUID }, heartbeat_timeout: 120 }) });

      const outcome = await run();

      expect(outcome.heartbeatTimeoutSec).to.equal(120);
      expect(outcome.config).to.deep.equal({ heartbeat_timeout: 120 });
    });

    it('falls back to 300 with a warning when config has none', async () => {
      script({ status: 200, body: pyJson({ node: { uuid: NODE_UUID }, config: {} }) });

      const outcome = await run();

      expect(outcome.heartbeatTimeoutSec).to.equal(300);
      expect(log.memory.text()).to.contain('no usable heartbeat_timeout');
    });
  });
});
