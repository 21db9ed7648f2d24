import { expect } from 'chai';
import { AgentState } from '../../../agent/agent.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import type { Extension } from '../../../agent/commands/types.js';
import { HeartbeatError, LookupNodeError } from '../../../common/errors.js';
import type { HeartbeatRequest, LookupResult } from '../../../agent/ironic/client.js';
import { IronicResponseError } from '../../../agent/ironic/response.js';
import { IronicSession } from '../../../agent/lifecycle/session.js';
import { EMPTY_SESSION, type AgentSession } from '../../../agent/state/session.js';
import type { SessionStore } from '../../../agent/state/session-store.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { createTestLogger } from '../../helpers/logger.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const UUID = '6df241ec-4d0e-4b9c-ad67-789584931f8f';
const TOKEN_A = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
const TOKEN_B = '3rMWh5Muh4BdulWNbVYgQk4i3RqoDLCAF_ztrDCJEi0';

function found(token: unknown): LookupResult {
  return {
    kind: 'found',
    data: { node: { uuid: UUID, properties: {} }, config: { heartbeat_timeout: 60, agent_token: token } },
  };
}

class MemoryStore implements Pick<SessionStore, 'load' | 'update'> {
  saved: AgentSession | null;
  constructor(initial: Partial<AgentSession> | null = null) {
    this.saved = initial === null ? null : { ...EMPTY_SESSION, ...initial };
  }
  load(): AgentSession | null {
    return this.saved;
  }
  update(changes: Partial<AgentSession>): void {
    this.saved = { ...(this.saved ?? EMPTY_SESSION), ...changes };
  }
}

describe('lifecycle/session', () => {
  const { logger, memory } = createTestLogger();
  const ext: Extension = {
    name: 'x',
    commands: { ok: defineCommand({ mode: 'sync', parse: noParams, run: async () => null }) },
  };

  function setup(answers: LookupResult[], store: MemoryStore, preshared: string | null = null) {
    const state = new AgentState('0.1.0', logger, { now: 0 });
    const executor = new CommandExecutor({ extensions: [ext], logger });
    const lookups: Array<{ macs: readonly string[]; nodeUuid?: string | null | undefined }> = [];
    const client = {
      apiUrls: ['http://ironic:6385'],
      lookup: async (request: { macs: readonly string[]; nodeUuid?: string | null }) => {
        lookups.push(request);
        return answers.shift() ?? { kind: 'notFound' as const, message: 'Resource could not be found.' };
      },
      heartbeat: async () => undefined,
    };
    const session = new IronicSession({
      client,
      state,
      executor,
      store,
      logger,
      clock: new FakeClock({ auto: true }),
      random: () => 0.5,
      macs: async () => ['52:54:00:7e:51:0a'],
      presharedToken: preshared,
      lookupTimeoutSec: 30,
      lookupIntervalSec: 1,
      callbackUrl: () => 'https://10.0.0.2:9999',
      verifyCa: () => null,
      agentVersion: '0.1.0',
      onFatal: () => undefined,
    });
    return { session, state, executor, lookups };
  }

  it('adopts a fresh token from lookup and persists it with the node', async () => {
    const store = new MemoryStore();
    const { session, state } = setup([found(TOKEN_A)], store);

    await session.connect();

    expect(state.currentToken()).to.equal(TOKEN_A);
    expect(state.node?.uuid).to.equal(UUID);
    expect(state.heartbeatTimeoutSec).to.equal(60);
    expect(store.saved).to.deep.equal({ ...EMPTY_SESSION, nodeUuid: UUID, agentToken: TOKEN_A });
    expect(memory.text()).not.to.contain(TOKEN_A);
  });

  it('uses the token persisted earlier in this boot when Ironic answers ****** (agent restarted)', async () => {
    const store = new MemoryStore({ nodeUuid: UUID, agentToken: TOKEN_A });
    const { session, state, lookups } = setup([found('******')], store);

    await session.connect();

    expect(state.currentToken()).to.equal(TOKEN_A);
    expect(lookups[0]?.macs).to.deep.equal(['52:54:00:7e:51:0a']);
  });

  it('looks up by MAC only: a node UUID left in the state dir is never sent (Ironic would look only for that node)', async () => {
    const store = new MemoryStore({ nodeUuid: '11111111-2222-3333-4444-555555555555', agentToken: TOKEN_A });
    const { session, state, lookups } = setup([found(TOKEN_B)], store);

    await session.connect();

    expect(lookups).to.have.length(1);
    expect(lookups[0]?.nodeUuid ?? null).to.equal(null);
    expect(state.currentToken()).to.equal(TOKEN_B);
  });

  it('falls back to the pre-shared token when nothing was persisted', async () => {
    const { session, state } = setup([found('******')], new MemoryStore(), TOKEN_B);

    await session.connect();

    expect(state.currentToken()).to.equal(TOKEN_B);
  });

  it('does not use a persisted token that belongs to another node', async () => {
    const store = new MemoryStore({ nodeUuid: '11111111-2222-3333-4444-555555555555', agentToken: TOKEN_A });
    const { session } = setup([found('******'), found('******')], store);

    const error = await session.connect().catch((e: unknown) => e);

    expect(error).to.be.instanceOf(LookupNodeError);
    expect((error as LookupNodeError).details).to.contain('already handed out the agent token');
  });

  it('keeps looking up until Ironic issues a token it can use', async () => {
    const store = new MemoryStore();
    const { session, state } = setup(
      [found('******'), { kind: 'notFound', message: 'Resource could not be found.' }, found(TOKEN_B)],
      store,
    );

    await session.connect();

    expect(state.currentToken()).to.equal(TOKEN_B);
  });

  it('starts a new command history when Ironic issues a new token (the node was power-cycled)', async () => {
    const store = new MemoryStore();
    const { session, executor } = setup([found(TOKEN_A), found(TOKEN_B)], store);
    await session.connect();
    await executor.execute('x.ok', {});

    await session.connect();

    expect(executor.list()).to.have.length(0);
    expect(store.saved?.agentToken).to.equal(TOKEN_B);
  });
});

describe('lifecycle/session after a process restart', () => {
  const { logger } = createTestLogger();

  it('a new token from Ironic (new operation) drops the previous history and the step to resume', async () => {
    const state = new AgentState('0.1.0', logger, { now: 0 });
    const ext: Extension = {
      name: 'x',
      commands: { ok: defineCommand({ mode: 'sync', parse: noParams, run: async () => null }) },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });
    await executor.execute('x.ok', {});
    let newTokens = 0;
    const session = new IronicSession({
      client: { apiUrls: ['http://ironic:6385'], lookup: async () => found(TOKEN_B), heartbeat: async () => undefined },
      state,
      executor,
      store: new MemoryStore({ nodeUuid: UUID, agentToken: TOKEN_A }),
      logger,
      clock: new FakeClock({ auto: true }),
      random: () => 0.5,
      macs: async () => ['52:54:00:7e:51:0a'],
      presharedToken: null,
      lookupTimeoutSec: 30,
      lookupIntervalSec: 1,
      callbackUrl: () => 'https://10.0.0.2:9999',
      verifyCa: () => null,
      agentVersion: '0.1.0',
      onFatal: () => undefined,
      onNewToken: () => {
        newTokens += 1;
      },
    });

    await session.connect();

    expect(executor.list()).to.have.length(0);
    expect(newTokens).to.equal(1);
    expect(state.currentToken()).to.equal(TOKEN_B);
  });
});

describe('lifecycle/session with leftovers of another node in the state dir (node re-enrolled, same boot)', () => {
  const { logger } = createTestLogger();

  it("a fresh token drops the history and the step to resume left by the other node's agent", async () => {
    const state = new AgentState('0.1.0', logger, { now: 0 });
    const ext: Extension = {
      name: 'x',
      commands: { ok: defineCommand({ mode: 'sync', parse: noParams, run: async () => null }) },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });
    await executor.execute('x.ok', {});
    let newTokens = 0;
    const lookups: Array<string | null | undefined> = [];
    const session = new IronicSession({
      client: {
        apiUrls: ['http://ironic:6385'],
        lookup: async (r) => {
          lookups.push(r.nodeUuid);
          return found(TOKEN_B);
        },
        heartbeat: async () => undefined,
      },
      state,
      executor,
      store: new MemoryStore({ nodeUuid: '11111111-2222-3333-4444-555555555555', agentToken: TOKEN_A }),
      logger,
      clock: new FakeClock({ auto: true }),
      random: () => 0.5,
      macs: async () => ['52:54:00:7e:51:0a'],
      presharedToken: null,
      lookupTimeoutSec: 30,
      lookupIntervalSec: 1,
      callbackUrl: () => 'https://10.0.0.2:9999',
      verifyCa: () => null,
      agentVersion: '0.1.0',
      onFatal: () => undefined,
      onNewToken: () => {
        newTokens += 1;
      },
    });

    await session.connect();

    expect(lookups).to.deep.equal([null]);
    expect(executor.list()).to.have.length(0);
    expect(newTokens).to.equal(1);
    expect(state.node?.uuid).to.equal(UUID);
  });
});

describe('lifecycle/session once stopped (a power action was issued)', () => {
  const { logger } = createTestLogger();
  const rejected = (): Error =>
    new HeartbeatError('Invalid or missing agent token received.', {
      cause: new IronicResponseError(400, 'Invalid or missing agent token received.'),
    });

  function setup(heartbeat: () => Promise<void>, lookup: () => Promise<LookupResult>, clock: FakeClock) {
    const lookups: string[] = [];
    const fatal: unknown[] = [];
    const session = new IronicSession({
      client: {
        apiUrls: ['http://ironic:6385'],
        lookup: async () => {
          lookups.push('lookup');
          return lookup();
        },
        heartbeat,
      },
      state: new AgentState('0.1.0', logger, { now: 0 }),
      executor: new CommandExecutor({ extensions: [], logger }),
      store: new MemoryStore(),
      logger,
      clock,
      random: () => 0.5,
      macs: async () => ['52:54:00:7e:51:0a'],
      presharedToken: null,
      lookupTimeoutSec: 600,
      lookupIntervalSec: 1,
      callbackUrl: () => 'https://10.0.0.2:9999',
      verifyCa: () => null,
      agentVersion: '0.1.0',
      onFatal: (e) => {
        fatal.push(e);
      },
    });
    return { session, lookups, fatal };
  }

  it('a heartbeat refused while stopping does not start a new lookup', async () => {
    const clock = new FakeClock();
    let stopping: Promise<void> = Promise.resolve();
    const { session, lookups, fatal } = setup(
      async () => {
        stopping = session.stop();
        throw rejected();
      },
      async () => found(TOKEN_A),
      clock,
    );
    await session.connect();

    session.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stopping;
    clock.advance(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lookups).to.have.length(1);
    expect(fatal).to.deep.equal([]);
  });

  it('stop() ends a re-lookup that is backing off: no more lookups, no fatal exit', async () => {
    const clock = new FakeClock();
    const answers: LookupResult[] = [found(TOKEN_A)];
    const { session, lookups, fatal } = setup(
      async () => {
        throw rejected();
      },
      async () => answers.shift() ?? { kind: 'notFound', message: 'Resource could not be found.' },
      clock,
    );
    await session.connect();
    session.start();
    // The lookup's back-off is pending; the heartbeater waits for the re-lookup and schedules nothing meanwhile.
    while (lookups.length < 2 || clock.pending < 1) await new Promise((resolve) => setTimeout(resolve, 5));

    await session.stop();
    clock.advance(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lookups).to.have.length(2);
    expect(fatal).to.deep.equal([]);
    expect(clock.pending).to.equal(0);
  });
});

describe('lifecycle/session when Ironic refuses the agent token', () => {
  const NOT_FOUND: LookupResult = { kind: 'notFound', message: 'Resource could not be found.' };

  /** A session whose Ironic refuses TOKEN_A in heartbeats (wiped), with a non-automatic clock. */
  function setup(answers: LookupResult[], options: { store?: MemoryStore; preshared?: string } = {}) {
    const { logger, memory } = createTestLogger();
    const clock = new FakeClock();
    const sent: (string | null)[] = [];
    const fatal: unknown[] = [];
    const store = options.store ?? new MemoryStore();
    const client = {
      apiUrls: ['http://ironic:6385'],
      lookup: async () => answers.shift() ?? NOT_FOUND,
      heartbeat: async (request: HeartbeatRequest) => {
        sent.push(request.token);
        if (request.token === TOKEN_A) {
          throw new HeartbeatError('Error 400: Invalid or missing agent token received.', {
            cause: new IronicResponseError(400, 'Invalid or missing agent token received.'),
          });
        }
      },
    };
    const session = new IronicSession({
      client,
      state: new AgentState('0.1.0', logger, { now: 0 }),
      executor: new CommandExecutor({ extensions: [], logger }),
      store,
      logger,
      clock,
      random: () => 0.5,
      macs: async () => ['52:54:00:7e:51:0a'],
      presharedToken: options.preshared ?? null,
      lookupTimeoutSec: 60,
      lookupIntervalSec: 1,
      callbackUrl: () => 'https://10.0.0.2:9999',
      verifyCa: () => null,
      agentVersion: '0.1.0',
      onFatal: (error) => {
        fatal.push(error);
      },
    });
    /** Let `seconds` of fake time pass, one second at a time. */
    const pass = async (seconds: number): Promise<void> => {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1000);
        for (let j = 0; j < 10; j++) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { session, clock, sent, fatal, store, pass, memory };
  }

  it('deploy failed (token wiped, lookup 404): one heartbeat with the refused token, none while looking up, none after giving up', async () => {
    const { session, clock, sent, fatal, store, pass, memory } = setup([found(TOKEN_A)]);
    await session.connect();

    session.start();
    await pass(120);

    expect(sent).to.deep.equal([TOKEN_A]);
    expect(fatal).to.have.length(1);
    expect(fatal[0]).to.be.instanceOf(LookupNodeError);
    expect(clock.pending).to.equal(0);
    expect(store.saved?.agentToken).to.equal(null);
    expect(memory.text()).not.to.contain(TOKEN_A);
  });

  it('a new operation (new token from lookup): heartbeats resume with the new token only', async () => {
    const { session, sent, fatal, pass } = setup([found(TOKEN_A), NOT_FOUND, found(TOKEN_B)]);
    await session.connect();

    session.start();
    await pass(120);
    await session.stop();

    expect(sent[0]).to.equal(TOKEN_A);
    expect(sent.slice(1)).to.have.length.above(0);
    expect(sent.slice(1).every((t) => t === TOKEN_B)).to.equal(true);
    expect(fatal).to.deep.equal([]);
  });

  it('never takes the refused token back when lookup answers ****** (a pre-shared token Ironic wiped)', async () => {
    const { session, sent, fatal, pass } = setup(
      Array.from({ length: 100 }, () => found('******')),
      { preshared: TOKEN_A },
    );
    await session.connect();

    session.start();
    await pass(120);

    expect(sent).to.deep.equal([TOKEN_A]);
    expect(fatal).to.have.length(1);
    expect((fatal[0] as LookupNodeError).details).to.contain('already handed out the agent token');
  });
});
