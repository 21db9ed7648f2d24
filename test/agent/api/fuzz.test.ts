/**
 * Fuzzes the real API app (express app, body reader, fault handler, journal)
 * over raw loopback sockets: no request, however malformed, may get a 5xx, and
 * the agent must answer normally afterwards. Replay a failure with the seed it
 * prints: FUZZ_SEED=<seed> npx mocha test/agent/api/fuzz.test.ts
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { listenApi, type ApiServer } from '../../../agent/api/server.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { CommandJournal } from '../../../agent/commands/command-journal.js';
import type { Extension } from '../../../agent/commands/types.js';
import { DeploymentError } from '../../../common/errors.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';
import { call } from '../../helpers/http.js';
import { Random, randomRequest, type FuzzCase } from '../../helpers/fuzz-requests.js';
import { rawExchange, type RawReply } from '../../helpers/raw-http.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
/** Requests per run, sent this many at a time. */
const REQUESTS = 1500;
const PARALLEL = 8;
/** Stop sending new requests after this long (the count is the normal bound). */
const BUDGET_MS = 60_000;

describe('api fuzzing: no 5xx for any request, alive afterwards', function () {
  this.timeout(BUDGET_MS + 60_000);
  let dir: string;
  let server: ApiServer;
  const { logger, memory } = createTestLogger();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    const test: Extension = {
      name: 'test',
      commands: {
        echo: defineCommand({ mode: 'sync', parse: (raw) => raw, run: async (params) => params }),
        async: defineCommand({ mode: 'async', parse: (raw) => raw, run: async (params) => params }),
        fail: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            throw new DeploymentError('expected failure');
          },
        }),
      },
    };
    const executor = new CommandExecutor({
      extensions: [test],
      logger,
      observer: new CommandJournal(bootStateStore(join(dir, 'state')), logger),
    });
    const agent: ApiAgent = {
      executor,
      status: () => ({ started_at: 1, version: '0' }),
      validateToken: (t) => t === TOKEN,
    };
    server = await listenApi(createApp(agent, logger), { host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function send(c: FuzzCase): Promise<RawReply> {
    return rawExchange(server.port, [c.bytes], {
      timeoutMs: 10_000,
      untilStatus: true,
      halfClose: c.ending === 'half-close',
      abort: c.ending === 'vanish',
    });
  }

  it(`answers ${REQUESTS} random requests without a 5xx`, async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 32));
    console.log(`      fuzz seed ${seed} (replay: FUZZ_SEED=${seed})`);
    const random = new Random(seed);
    const cases = Array.from({ length: REQUESTS }, () => randomRequest(random, TOKEN));
    const serverErrors: string[] = [];
    const unanswered: string[] = [];
    const statuses = new Map<number, number>();
    const deadline = Date.now() + BUDGET_MS;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length && Date.now() < deadline) {
        const c = cases[next] as FuzzCase;
        next += 1;
        const reply = await send(c);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500) serverErrors.push(`${reply.status} for ${c.label}: ${reply.text.slice(0, 300)}`);
        if (c.ending === 'wait' && reply.status === 0) unanswered.push(c.label);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(
      `      ${next} requests sent; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );

    const first = (list: string[]): string =>
      `seed ${seed}; the first of ${list.length}:\n${list.slice(0, 5).join('\n')}\n`;
    expect(serverErrors.length, first(serverErrors)).to.equal(0);
    expect(unanswered.length, `complete requests without an answer, ${first(unanswered)}`).to.equal(0);
    expect(
      memory.entries.filter((e) => e['message'] === 'Internal server error'),
      `seed ${seed}`,
    ).to.deep.equal([]);
  });

  it('answers /v1/status and GET /v1/commands/ afterwards', async () => {
    const base = `http://127.0.0.1:${server.port}`;

    const status = await call('GET', `${base}/v1/status`);
    const commands = await call('GET', `${base}/v1/commands/?agent_token=${TOKEN}`);

    expect(status.status).to.equal(200);
    expect(commands.status).to.equal(200);
    expect((commands.json as { commands: unknown[] }).commands.length).to.be.above(0);
  });
});
