import { expect } from 'chai';
import { createApp, type ApiAgent } from '../../../agent/api/app.js';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import type { Extension } from '../../../agent/commands/types.js';
import { DeploymentError, VersionMismatch } from '../../../common/errors.js';
import { createTestLogger } from '../../helpers/logger.js';
import { call, listen, type Started } from '../../helpers/http.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';

/** A release gate for the slow async command. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('api/app (IPA v1 wire contract)', () => {
  let server: Started;
  let release: ReturnType<typeof gate>;
  const post = (body: unknown, query = `?agent_token=${TOKEN}`) =>
    call('POST', `${server.url}/v1/commands/${query}`, JSON.stringify(body));

  beforeEach(async () => {
    release = gate();
    const test: Extension = {
      name: 'test',
      commands: {
        echo: defineCommand({ mode: 'sync', parse: (raw) => raw, run: async (p) => p['text'] ?? null }),
        slow: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            await release.promise;
            return 'done';
          },
        }),
        explode: defineCommand({
          mode: 'sync',
          parse: noParams,
          run: async () => {
            throw new TypeError("Cannot read properties of undefined (reading 'x')");
          },
        }),
        fail_async: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            throw new DeploymentError('coreos-installer failed with code 1: Error: install failed');
          },
        }),
        mismatch: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            throw new VersionMismatch({ a: '2' }, { a: '1' });
          },
        }),
      },
    };
    const { logger } = createTestLogger();
    const executor = new CommandExecutor({ extensions: [test], logger });
    const agent: ApiAgent = {
      executor,
      status: () => ({ started_at: 1700000000.5, version: '0.1.0' }),
      validateToken: (t) => t === TOKEN,
    };
    server = await listen(createApp(agent, logger));
  });

  afterEach(async () => {
    release.open();
    await server.close();
  });

  it('GET / returns the root document with version links', async () => {
    const reply = await call('GET', `${server.url}/`);

    expect(reply.status).to.equal(200);
    expect(reply.headers['content-type']).to.equal('application/json; charset=utf-8');
    const v1 = {
      id: 'v1',
      links: [
        { href: `${server.url}/v1`, rel: 'self' },
        { href: 'https://docs.openstack.org/ironic-python-agent/', rel: 'describedby', type: 'text/html' },
      ],
    };
    expect(reply.json).to.deep.equal({
      name: 'OpenStack Ironic Python Agent API',
      description: 'Ironic Python Agent is a provisioning agent for OpenStack Ironic',
      versions: [v1],
      default_version: v1,
    });
  });

  it('GET /v1/ returns commands, status and media type links', async () => {
    const reply = await call('GET', `${server.url}/v1/`);

    expect(reply.json).to.deep.include({
      id: 'v1',
      commands: [
        { href: `${server.url}/v1/commands`, rel: 'self' },
        { href: `${server.url}/commands`, rel: 'bookmark' },
      ],
      status: [
        { href: `${server.url}/v1/status`, rel: 'self' },
        { href: `${server.url}/status`, rel: 'bookmark' },
      ],
      media_types: [{ base: 'application/json', type: 'application/vnd.openstack.ironic-python-agent.v1+json' }],
    });
  });

  it('GET /v1/status and /status return started_at and version', async () => {
    for (const path of ['/v1/status', '/status']) {
      const reply = await call('GET', `${server.url}${path}`);
      expect(reply.json).to.deep.equal({ started_at: 1700000000.5, version: '0.1.0' });
    }
  });

  it('redirects unslashed collections like werkzeug (relative Location, whatever the Host) and 404s a slashed status', async () => {
    const commands = await call('GET', `${server.url}/v1/commands?wait=true`, undefined, { host: 'evil.example:1' });
    const v1 = await call('GET', `${server.url}/v1`);
    const status = await call('GET', `${server.url}/v1/status/`);

    expect(commands.status).to.equal(308);
    expect(commands.headers['location']).to.equal('/v1/commands/?wait=true');
    expect(v1.headers['location']).to.equal('/v1/');
    expect(status.status).to.equal(404);
    expect(status.json).to.deep.equal({
      faultcode: 'Client',
      faultstring:
        '404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
    });
  });

  it('answers 405 for a wrong method on a known route', async () => {
    const reply = await call('PUT', `${server.url}/v1/commands/`, '{}');

    expect(reply.status).to.equal(405);
    expect(reply.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: '405 Method Not Allowed: The method is not allowed for the requested URL.',
    });
  });

  it('POST without or with a wrong agent_token is 401 Token invalid', async () => {
    for (const query of ['', '?agent_token=wrong']) {
      const reply = await post({ name: 'test.echo', params: {} }, query);
      expect(reply.status).to.equal(401);
      expect(reply.json).to.deep.equal({ faultcode: 'Client', faultstring: '401 Unauthorized: Token invalid.' });
    }
  });

  it('POST with a bad body is 400 with IPA texts', async () => {
    const missing = await post({ name: 'test.echo' });
    const badParams = await post({ name: 'test.echo', params: [] });
    const notJson = await call('POST', `${server.url}/v1/commands/?agent_token=${TOKEN}`, '{nope');

    expect(missing.status).to.equal(400);
    expect(missing.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: '400 Bad Request: Missing or invalid name or params',
    });
    expect(badParams.json).to.deep.equal(missing.json);
    expect(notJson.status).to.equal(400);
    expect((notJson.json as { faultstring: string }).faultstring).to.match(
      /^400 Bad Request: Failed to decode JSON object: /,
    );
  });

  it('unknown extension is 404, unknown command and bad names are 400', async () => {
    const ext = await post({ name: 'nope.run', params: {} });
    const cmd = await post({ name: 'test.nope', params: {} });
    const form = await post({ name: 'nodot', params: {} });

    expect(ext.status).to.equal(404);
    expect(ext.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: 'Not found: Extension with id nope not found.',
    });
    expect(cmd.status).to.equal(400);
    expect(cmd.json).to.deep.equal({ faultcode: 'Client', faultstring: 'Invalid command: Unknown command: nope' });
    expect(form.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: 'Invalid command: Command name must be of the form <extension>.<name>',
    });
  });

  it('a sync command returns the IPA result object with wrapped string result', async () => {
    const reply = await post({ name: 'test.echo', params: { text: 'hi' } });

    expect(reply.status).to.equal(200);
    const body = reply.json as Record<string, unknown>;
    expect(Object.keys(body)).to.deep.equal([
      'id',
      'command_name',
      'command_status',
      'command_error',
      'command_result',
    ]);
    expect(body).to.deep.include({
      command_name: 'echo',
      command_status: 'SUCCEEDED',
      command_error: null,
      command_result: { result: 'hi' },
    });
    expect(body['id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('an async command answers RUNNING, then 409 busy, then SUCCEEDED with the command name in the result', async () => {
    const started = await post({ name: 'test.slow', params: {} }, `?wait=false&agent_token=${TOKEN}`);
    const busy = await post({ name: 'test.echo', params: {} });
    release.open();
    const id = (started.json as { id: string }).id;
    const done = await call('GET', `${server.url}/v1/commands/${id}?wait=true`);

    expect(started.json).to.deep.include({ command_status: 'RUNNING', command_result: null, command_error: null });
    expect(busy.status).to.equal(409);
    expect(busy.json).to.deep.equal({ faultcode: 'Client', faultstring: 'Agent is busy: executing command slow' });
    expect(done.json).to.deep.include({ id, command_status: 'SUCCEEDED', command_result: { result: 'slow: done' } });
  });

  it('?wait=true blocks until an async command finished', async () => {
    setTimeout(() => release.open(), 50);

    const reply = await post({ name: 'test.slow', params: {} }, `?wait=true&agent_token=${TOKEN}`);

    expect(reply.json).to.deep.include({ command_status: 'SUCCEEDED' });
  });

  it('a failed async step carries command_error {type, code, message, details}', async () => {
    await post({ name: 'test.fail_async', params: {} }, `?wait=true&agent_token=${TOKEN}`);
    const list = await call('GET', `${server.url}/v1/commands/`);

    const [entry] = (list.json as { commands: Array<Record<string, unknown>> }).commands;
    expect(entry).to.deep.include({ command_status: 'FAILED', command_result: null });
    expect(entry?.['command_error']).to.deep.equal({
      type: 'DeploymentError',
      code: 500,
      message: 'Deploy step failed',
      details: 'coreos-installer failed with code 1: Error: install failed',
    });
  });

  it('a version mismatch ends as CLEAN_VERSION_MISMATCH', async () => {
    const reply = await post({ name: 'test.mismatch', params: {} }, `?wait=true&agent_token=${TOKEN}`);

    expect(reply.json).to.deep.include({ command_status: 'CLEAN_VERSION_MISMATCH' });
  });

  it('never answers 500 for an unserialisable error: a sync TypeError is a FAILED result', async () => {
    const reply = await post({ name: 'test.explode', params: {} });
    const list = await call('GET', `${server.url}/v1/commands/`);

    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.include({ command_status: 'FAILED' });
    expect((reply.json as { command_error: unknown }).command_error).to.deep.equal({
      type: 'CommandExecutionError',
      code: 500,
      message: 'Command execution failed',
      details: "Cannot read properties of undefined (reading 'x')",
    });
    expect(list.status).to.equal(200);
  });

  it('GET /v1/commands/ works without a token (Ironic 21.4) until a GET carried one', async () => {
    await post({ name: 'test.echo', params: {} });

    const anonymous = await call('GET', `${server.url}/v1/commands/`);
    const alias = await call('GET', `${server.url}/commands/`);
    const withToken = await call('GET', `${server.url}/v1/commands/?agent_token=${TOKEN}`);
    const anonymousAfter = await call('GET', `${server.url}/v1/commands/`);

    expect(anonymous.status).to.equal(200);
    expect((anonymous.json as { commands: unknown[] }).commands).to.have.length(1);
    expect(alias.status).to.equal(200);
    expect(withToken.status).to.equal(200);
    expect(anonymousAfter.status).to.equal(401);
  });

  it('a GET with a wrong token does not lock token-less pollers out', async () => {
    const wrong = await call('GET', `${server.url}/v1/commands/?agent_token=guess`);
    const anonymous = await call('GET', `${server.url}/v1/commands/`);

    expect(wrong.status).to.equal(200);
    expect(anonymous.status).to.equal(200);
  });

  it('GET of an unknown command id is 404 with IPA text', async () => {
    const reply = await call('GET', `${server.url}/v1/commands/abc`);

    expect(reply.status).to.equal(404);
    expect(reply.json).to.deep.equal({
      faultcode: 'Client',
      faultstring: 'Not found: Command Result with id abc not found.',
    });
  });

  it('serves the unversioned POST alias', async () => {
    const reply = await call(
      'POST',
      `${server.url}/commands/?agent_token=${TOKEN}`,
      JSON.stringify({ name: 'test.echo', params: {} }),
    );

    expect(reply.status).to.equal(200);
  });
});
