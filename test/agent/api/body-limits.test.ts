import { expect } from 'chai';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { COMMAND_BODY_LIMITS } from '../../../agent/api/request-body.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { createTestLogger } from '../../helpers/logger.js';
import { call, listen, type Started } from '../../helpers/http.js';
import { rawExchange } from '../../helpers/raw-http.js';
import { defineCommand } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
const MIB = 1024 * 1024;

/** A JSON value nested `depth` containers deep (the command body adds 2: the body and params). */
function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('api/app: request body limits and the token check before the body', () => {
  let server: Started;
  let port: number;

  beforeEach(async () => {
    const { logger } = createTestLogger();
    const executor = new CommandExecutor({
      extensions: [
        {
          name: 'test',
          commands: {
            size: defineCommand({ mode: 'sync', parse: (raw) => raw, run: async (p) => JSON.stringify(p).length }),
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
    port = Number(new URL(server.url).port);
  });

  afterEach(async () => {
    await server.close();
  });

  const head = (query: string, length: number): string =>
    `POST /v1/commands/${query} HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('answers an unauthenticated 63 MiB POST with 401 before its body arrives, and closes the connection', async () => {
    const reply = await rawExchange(port, [head('', 63 * MIB), '{"name": "standby.sync", "params": {"x": "'], {
      timeoutMs: 5000,
    });

    expect(reply.status).to.equal(401);
    expect(reply.text).to.match(/\r\nConnection: close\r\n/i);
    expect(reply.text).to.contain('{"faultcode":"Client","faultstring":"401 Unauthorized: Token invalid."}');
    expect(reply.closedByServer).to.equal(true);
  });

  it("checks the token before the body: a tokenless malformed body is 401, not IPA's 400", async () => {
    const reply = await call('POST', `${server.url}/v1/commands/`, '{nope');

    expect(reply.status).to.equal(401);
  });

  it('refuses an authenticated body declared over the cap (80 MiB) with 413 at once, and closes the connection', async () => {
    const reply = await rawExchange(port, [head(`?agent_token=${TOKEN}`, COMMAND_BODY_LIMITS.wireBytes + 1), '{'], {
      timeoutMs: 5000,
    });

    expect(reply.status).to.equal(413);
    expect(reply.text).to.contain(
      `413 Request Entity Too Large: The request body is larger than the limit of ${COMMAND_BODY_LIMITS.wireBytes} bytes`,
    );
    expect(reply.closedByServer).to.equal(true);
  });

  it('accepts an authenticated 20 MiB body (a node with a large configdrive)', async () => {
    const params = { node: { instance_info: { configdrive: { user_data: 'A'.repeat(20 * MIB) } } } };

    const reply = await call(
      'POST',
      `${server.url}/v1/commands/?agent_token=${TOKEN}`,
      JSON.stringify({ name: 'test.size', params }),
    );

    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.include({ command_status: 'SUCCEEDED', command_result: JSON.stringify(params).length });
  });

  it('refuses params nested deeper than 100 levels with a 400 naming the limit; 100 is accepted', async () => {
    const post = (value: string): ReturnType<typeof call> =>
      call(
        'POST',
        `${server.url}/v1/commands/?agent_token=${TOKEN}`,
        `{"name": "test.size", "params": {"v": ${value}}}`,
      );

    const deep = await post(nested(5000));
    const limit = await post(nested(98));
    const list = await call('GET', `${server.url}/v1/commands/`);

    expect(deep.status).to.equal(400);
    expect(deep.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: '400 Bad Request: The request body nests JSON deeper than 100 levels',
    });
    expect(limit.status).to.equal(200);
    expect(list.status).to.equal(200);
  });
});
