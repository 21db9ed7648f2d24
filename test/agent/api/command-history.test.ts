import { expect } from 'chai';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { createTestLogger } from '../../helpers/logger.js';
import { call, listen, type Started } from '../../helpers/http.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';

describe('api/app: one unserialisable command result cannot break the command history', () => {
  let server: Started;

  beforeEach(async () => {
    const { logger } = createTestLogger();
    const deep = (): unknown => {
      let value: unknown = 'bottom';
      for (let i = 0; i < 100_000; i += 1) value = { v: value };
      return value;
    };
    const executor = new CommandExecutor({
      extensions: [
        {
          name: 'test',
          commands: {
            ok: defineCommand({ mode: 'sync', parse: noParams, run: async () => 'fine' }),
            deep: defineCommand({ mode: 'sync', parse: noParams, run: async () => deep() }),
          },
        },
      ],
      logger,
    });
    const agent: ApiAgent = {
      executor,
      status: () => ({ started_at: 1, version: '0' }),
      validateToken: (t) => t === TOKEN,
    };
    server = await listen(createApp(agent, logger));
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers the POST, the list and the entry with a FAILED placeholder for it and the others intact', async () => {
    const post = (name: string): ReturnType<typeof call> =>
      call('POST', `${server.url}/v1/commands/?agent_token=${TOKEN}`, JSON.stringify({ name, params: {} }));
    await post('test.ok');
    const deep = await post('test.deep');
    await post('test.ok');

    const list = await call('GET', `${server.url}/v1/commands/`);
    const one = await call('GET', `${server.url}/v1/commands/${(deep.json as { id: string }).id}`);

    expect(deep.status).to.equal(200);
    expect(deep.json).to.deep.include({ command_name: 'deep', command_status: 'FAILED', command_result: null });
    expect(list.status).to.equal(200);
    const commands = (list.json as { commands: Array<Record<string, unknown>> }).commands;
    expect(commands.map((c) => [c['command_name'], c['command_status']])).to.deep.equal([
      ['ok', 'SUCCEEDED'],
      ['deep', 'FAILED'],
      ['ok', 'SUCCEEDED'],
    ]);
    expect(commands[0]?.['command_result']).to.deep.equal({ result: 'fine' });
    expect(one.json).to.deep.equal(deep.json);
  });
});
