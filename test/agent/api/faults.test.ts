import { expect } from 'chai';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import type { MemoryTransport } from '../../../agent/logger.js';
import { createTestLogger } from '../../helpers/logger.js';
import { call, listen, type Started } from '../../helpers/http.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';

describe('api/faults (client errors are 4xx faults, never 500)', () => {
  let server: Started;
  let memory: MemoryTransport;
  const commands = (): string => `${server.url}/v1/commands/?agent_token=${TOKEN}`;
  const body = JSON.stringify({ name: 'test.echo', params: {} });

  beforeEach(async () => {
    const test = createTestLogger();
    memory = test.memory;
    const executor = new CommandExecutor({
      extensions: [
        { name: 'test', commands: { echo: defineCommand({ mode: 'sync', parse: noParams, run: async () => null }) } },
      ],
      logger: test.logger,
    });
    const agent: ApiAgent = {
      executor,
      status: () => ({ started_at: 1, version: '0' }),
      validateToken: (t) => t === TOKEN,
    };
    server = await listen(createApp(agent, test.logger));
  });

  afterEach(async () => {
    await server.close();
  });

  const errors = (): unknown[] => memory.entries.filter((e) => e['level'] === 'error');

  it('a malformed percent-escape in the path is 400 in the werkzeug shape', async () => {
    const reply = await call('GET', `${server.url}/v1/commands/%zz`);

    expect(reply.status).to.equal(400);
    expect(reply.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: "400 Bad Request: Failed to decode param '%zz'",
    });
    expect(reply.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(errors()).to.deep.equal([]);
  });

  it('an unsupported content encoding is 415', async () => {
    const reply = await call('POST', commands(), body, { 'content-encoding': 'bogus' });

    expect(reply.status).to.equal(415);
    expect(reply.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: '415 Unsupported Media Type: Unsupported content encoding "bogus"',
    });
  });

  it('an unsupported charset is 415', async () => {
    const reply = await call('POST', commands(), body, { 'content-type': 'application/json; charset=bogus' });

    expect(reply.status).to.equal(415);
    expect(reply.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: '415 Unsupported Media Type: Unsupported charset "BOGUS"',
    });
  });

  it('a broken gzip body is 400', async () => {
    const broken = gzipSync(body).subarray(0, 12);

    const reply = await call('POST', commands(), broken, { 'content-encoding': 'gzip' });

    expect(reply.status).to.equal(400);
    expect((reply.json as { faultcode: string }).faultcode).to.equal('Client');
    expect((reply.json as { faultstring: string }).faultstring).to.match(/^400 Bad Request: /);
    expect(errors()).to.deep.equal([]);
  });

  it('a gzip body is accepted', async () => {
    const reply = await call('POST', commands(), gzipSync(body), { 'content-encoding': 'gzip' });

    expect(reply.status).to.equal(200);
  });

  it('a client that disconnects mid-body is logged at debug, not as an internal error', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));

    socket.write(
      `POST /v1/commands/?agent_token=${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const status = await call('GET', `${server.url}/v1/status`);

    expect(errors()).to.deep.equal([]);
    expect(memory.entries.some((e) => e['level'] === 'debug' && String(e['message']).includes('aborted'))).to.equal(
      true,
    );
    expect(status.status).to.equal(200);
  });
});
