/**
 * Bodies the agent never reads: answered with `Connection: close` so node:http
 * does not drain them, and `Expect: 100-continue` answered only for a token
 * holder (the real listener of server.ts, raw sockets on loopback).
 */
import { expect } from 'chai';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { listenApi, type ApiServer } from '../../../agent/api/server.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { createTestLogger } from '../../helpers/logger.js';
import { rawExchange } from '../../helpers/raw-http.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
const MIB = 1024 * 1024;

describe('api: bodies the agent never reads, and Expect: 100-continue', () => {
  let server: ApiServer;

  beforeEach(async () => {
    const { logger } = createTestLogger();
    const executor = new CommandExecutor({
      extensions: [
        { name: 'test', commands: { ping: defineCommand({ mode: 'sync', parse: noParams, run: async () => 'pong' }) } },
      ],
      logger,
    });
    const agent: ApiAgent = {
      executor,
      status: () => ({ started_at: 1, version: '0' }),
      validateToken: (t) => t === TOKEN,
    };
    server = await listenApi(createApp(agent, logger), { host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    await server.close();
  });

  const request = (line: string, headers: string[]): string =>
    `${line} HTTP/1.1\r\nHost: agent\r\n${headers.join('\r\n')}\r\n\r\n`;

  const unread: { title: string; line: string; status: number }[] = [
    { title: 'GET /v1/status', line: 'GET /v1/status', status: 200 },
    { title: 'the 308 slash redirect', line: 'POST /v1/commands', status: 308 },
    { title: 'GET /v1/commands/ before any token', line: 'GET /v1/commands/', status: 200 },
  ];
  for (const row of unread) {
    it(`answers ${row.title} with a 63 MiB body announced with Connection: close and closes, without draining it`, async () => {
      const reply = await rawExchange(
        server.port,
        [request(row.line, [`Content-Length: ${63 * MIB}`]), 'x'.repeat(1024)],
        { timeoutMs: 5000 },
      );

      expect(reply.status).to.equal(row.status);
      expect(reply.text).to.match(/\r\nConnection: close\r\n/i);
      expect(reply.closedByServer).to.equal(true);
    });
  }

  it('keeps the connection of a body-less GET alive', async () => {
    const reply = await rawExchange(server.port, [request('GET /v1/status', [])], {
      timeoutMs: 500,
      untilStatus: true,
    });

    expect(reply.status).to.equal(200);
    expect(reply.text).to.match(/\r\nConnection: keep-alive\r\n/i);
  });

  it('does not invite a tokenless client to send its body (no 100 Continue, 401 at once)', async () => {
    const reply = await rawExchange(
      server.port,
      [
        request('POST /v1/commands/', [
          `Content-Length: ${63 * MIB}`,
          'Content-Type: application/json',
          'Expect: 100-continue',
        ]),
      ],
      { timeoutMs: 5000 },
    );

    expect(reply.text.startsWith('HTTP/1.1 401 ')).to.equal(true);
    expect(reply.text).not.to.contain('100 Continue');
    expect(reply.closedByServer).to.equal(true);
  });

  it('sends 100 Continue to a token holder, then runs the command', async () => {
    const body = JSON.stringify({ name: 'test.ping', params: {} });
    const head = request(`POST /v1/commands/?agent_token=${TOKEN}`, [
      `Content-Length: ${body.length}`,
      'Content-Type: application/json',
      'Expect: 100-continue',
    ]);

    const reply = await rawExchange(server.port, [head, body], { timeoutMs: 2000 });

    expect(reply.text.startsWith('HTTP/1.1 100 Continue\r\n')).to.equal(true);
    expect(reply.text).to.contain('HTTP/1.1 200 OK');
    expect(reply.text).to.contain('"command_status":"SUCCEEDED"');
    expect(reply.text).to.contain('"command_result":{"result":"pong"}');
  });
});
