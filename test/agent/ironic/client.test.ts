import { expect } from 'chai';
import axios from 'axios';
import {
  ConfigError,
  HeartbeatConflictError,
  HeartbeatConnectionError,
  HeartbeatError,
} from '../../../common/errors.js';
import { IronicClient, type IronicClientOptions } from '../../../agent/ironic/client.js';
import { isTokenRejection } from '../../../agent/ironic/heartbeater.js';
import { IronicResponseError } from '../../../agent/ironic/response.js';
import { formatVersion } from '../../../agent/ironic/version.js';
import {
  FAULTS,
  FakeIronic,
  MAC,
  NODE_UUID,
  TOKEN,
  ironicError,
  pyJson,
  refusedUrl,
  rootBody,
} from '../../helpers/fake-ironic.js';
import { createTestLogger } from '../../helpers/logger.js';

const HEARTBEAT = { nodeUuid: NODE_UUID, callbackUrl: 'http://127.0.0.1:9999', token: TOKEN, agentVersion: '9.4.1' };

describe('ironic/client IronicClient', () => {
  let ironic: FakeIronic;
  let log: ReturnType<typeof createTestLogger>;

  function client(overrides: Partial<IronicClientOptions> = {}): IronicClient {
    return new IronicClient({
      http: axios.create(),
      urls: [ironic.url],
      logger: log.logger,
      timeoutMs: 5000,
      ...overrides,
    });
  }

  beforeEach(async () => {
    ironic = await FakeIronic.start();
    log = createTestLogger();
  });

  afterEach(async () => {
    await ironic.close();
  });

  describe('constructor', () => {
    const bad: [string, Partial<IronicClientOptions>, RegExp][] = [
      ['no URL', { urls: [] }, /No Ironic API URL: set api_url/],
      ['only empty URLs', { urls: ['', ' '] }, /No Ironic API URL/],
      ['a non-http URL', { urls: ['ftp://192.0.2.1/'] }, /must start with http:\/\/ or https:\/\//],
      ['a non-URL', { urls: ['192.0.2.1:6385'] }, /api_url "192.0.2.1:6385"/],
      ['a malformed pinned version', { pinnedVersion: 'latest' }, /ironic_api_version "latest" is not a version/],
    ];
    for (const [name, options, message] of bad) {
      it(`refuses ${name} with a ConfigError`, () => {
        expect(() => client(options))
          .to.throw(ConfigError)
          .with.property('message')
          .that.matches(message);
      });
    }

    it('strips trailing slashes from the URLs', async () => {
      const c = client({ urls: [`${ironic.url}/`] });

      await c.lookup({ macs: [MAC] });

      expect(c.apiUrls).to.deep.equal([ironic.url]);
      expect(ironic.requests.map((r) => r.url)).to.deep.equal([
        '/',
        '/v1/lookup?addresses=52%3A54%3A00%3Ad4%3A61%3Ab7',
      ]);
    });
  });

  describe('discoverVersion', () => {
    it('asks GET / without a version header and caches default_version.version', async () => {
      const c = client();

      const first = await c.discoverVersion();
      const second = await c.discoverVersion();

      expect(formatVersion(first)).to.equal('1.82');
      expect(second).to.deep.equal(first);
      expect(ironic.requests).to.have.length(1);
      const [request] = ironic.requests;
      expect(request?.method).to.equal('GET');
      expect(request?.url).to.equal('/');
      expect(request?.headers['x-openstack-ironic-api-version']).to.equal(undefined);
      expect(request?.headers['content-type']).to.equal('application/json');
      expect(request?.headers['accept']).to.equal('application/json');
    });

    it('sends one GET / for calls made while it is in flight (discovery started beside the MAC listing)', async () => {
      const c = client();

      const [early, lookup] = await Promise.all([c.discoverVersion(), c.lookup({ macs: [MAC] })]);

      expect(formatVersion(early)).to.equal('1.82');
      expect(lookup.kind).to.equal('found');
      expect(ironic.requests.map((r) => r.url.split('?')[0])).to.deep.equal(['/', '/v1/lookup']);
    });

    it('asks again after a failed discovery that was shared', async () => {
      ironic.handler = () => ({ status: 500, body: '<html>Internal Server Error</html>' });
      const c = client();

      await Promise.all([c.discoverVersion(), c.discoverVersion()]);
      await c.discoverVersion();

      expect(ironic.requests.map((r) => r.url)).to.deep.equal(['/', '/']);
    });

    it('uses the pinned version without asking', async () => {
      const c = client({ pinnedVersion: '1.50' });

      const version = await c.discoverVersion();

      expect(formatVersion(version)).to.equal('1.50');
      expect(ironic.requests).to.have.length(0);
    });

    it('assumes 1.31 when GET / has no usable answer, and asks again next time', async () => {
      ironic.handler = () => ({ status: 500, body: '<html>Internal Server Error</html>' });
      const c = client();

      const first = await c.discoverVersion();
      const second = await c.discoverVersion();

      expect(formatVersion(first)).to.equal('1.31');
      expect(formatVersion(second)).to.equal('1.31');
      expect(ironic.requests.map((r) => r.url)).to.deep.equal(['/', '/']);
      expect(log.memory.text()).to.contain('Could not discover the Ironic API version');
    });

    it('assumes 1.31 when Ironic cannot be reached', async () => {
      const c = client({ urls: [await refusedUrl()] });

      expect(formatVersion(await c.discoverVersion())).to.equal('1.31');
    });

    it('reports auto-TLS support from 1.68 on', async () => {
      expect(await client().supportsAutoTls()).to.equal(true);
      expect(await client({ pinnedVersion: '1.67' }).supportsAutoTls()).to.equal(false);
    });
  });

  describe('lookup', () => {
    it('sends the captured request: comma-joined, url-encoded MACs, node_uuid, 1.62, request id', async () => {
      const c = client({ requestId: 'req-5e1d7a42-0000-4000-8000-000000000001' });

      const result = await c.lookup({ macs: [MAC, '52:54:00:00:00:02'], nodeUuid: NODE_UUID });

      const lookup = ironic.calls()[0];
      expect(lookup?.method).to.equal('GET');
      expect(lookup?.url).to.equal(
        `/v1/lookup?addresses=52%3A54%3A00%3Ad4%3A61%3Ab7%2C52%3A54%3A00%3A00%3A00%3A02&node_uuid=${NODE_UUID}`,
      );
      expect(lookup?.headers['x-openstack-ironic-api-version']).to.equal('1.62');
      expect(lookup?.headers['content-type']).to.equal('application/json');
      expect(lookup?.headers['accept']).to.equal('application/json');
      expect(lookup?.headers['x-openstack-request-id']).to.equal('req-5e1d7a42-0000-4000-8000-000000000001');
      expect(ironic.requests[0]?.headers['x-openstack-request-id']).to.equal(
        'req-5e1d7a42-0000-4000-8000-000000000001',
      );
      expect(result.kind).to.equal('found');
      if (result.kind !== 'found') return;
      expect(result.data.node.uuid).to.equal(NODE_UUID);
      expect(result.data.config['heartbeat_timeout']).to.equal(300);
      expect(result.data.config['agent_token']).to.equal(TOKEN);
    });

    it('sends no request id header unless configured, and only addresses without a node UUID', async () => {
      await client().lookup({ macs: [MAC] });

      const lookup = ironic.calls()[0];
      expect(lookup?.url).to.equal('/v1/lookup?addresses=52%3A54%3A00%3Ad4%3A61%3Ab7');
      expect(lookup?.headers).to.not.have.property('x-openstack-request-id');
    });

    const versions: [string, string][] = [
      ['1.82', '1.62'],
      ['1.62', '1.62'],
      ['1.46', '1.46'],
    ];
    for (const [server, sent] of versions) {
      it(`sends version ${sent} to a server whose maximum is ${server}`, async () => {
        ironic.maxVersion = server;

        await client().lookup({ macs: [MAC] });

        expect(ironic.calls()[0]?.headers['x-openstack-ironic-api-version']).to.equal(sent);
      });
    }

    const failures: [string, number, string, string, string][] = [
      ['404', 404, ironicError(FAULTS.notFound), 'notFound', `Error 404: ${FAULTS.notFound}`],
      ['409', 409, ironicError(FAULTS.locked), 'conflict', `Error 409: ${FAULTS.locked}`],
      ['400', 400, ironicError(FAULTS.incompleteLookup), 'error', `Error 400: ${FAULTS.incompleteLookup}`],
      [
        '503 with an HTML body',
        503,
        '<html>Service Unavailable</html>',
        'error',
        'Error 503: <html>Service Unavailable</html>',
      ],
    ];
    for (const [name, status, body, kind, message] of failures) {
      it(`maps ${name} to ${kind} with Ironic's faultstring`, async () => {
        ironic.handler = (r) => (r.url === '/' ? ironic.happyPath(r) : { status, body });

        const result = await client().lookup({ macs: [MAC] });

        expect(result).to.deep.include({ kind, message });
      });
    }

    it('maps an answer without node.uuid to error', async () => {
      ironic.handler = (r) =>
        r.url === '/' ? ironic.happyPath(r) : { status: 200, body: pyJson({ node: {}, config: {} }) };

      const result = await client().lookup({ macs: [MAC] });

      expect(result).to.deep.equal({
        kind: 'error',
        status: 200,
        message: 'invalid lookup answer: the answer has no node.uuid',
      });
    });

    it('normalises an old top-level heartbeat_timeout into config', async () => {
      ironic.handler = (r) =>
        r.url === '/'
          ? ironic.happyPath(r)
          : { status: 200, body: pyJson({ node: { uuid: NODE_UUID }, heartbeat_timeout: 120 }) };

      const result = await client().lookup({ macs: [MAC] });

      expect(result).to.deep.equal({
        kind: 'found',
        data: { node: { uuid: NODE_UUID }, config: { heartbeat_timeout: 120 } },
      });
    });

    it('maps a refused connection to error', async () => {
      const result = await client({ urls: [await refusedUrl()] }).lookup({ macs: [MAC] });

      expect(result.kind).to.equal('error');
      expect(result.kind === 'error' ? result.message : '').to.match(/^cannot reach Ironic: ECONNREFUSED/);
    });
  });

  describe('heartbeat', () => {
    it('posts the captured request at 1.68 and accepts 202 with an empty body', async () => {
      const c = client({ requestId: 'req-1' });

      await c.heartbeat(HEARTBEAT);

      const beat = ironic.calls()[0];
      expect(beat?.method).to.equal('POST');
      expect(beat?.url).to.equal(`/v1/heartbeat/${NODE_UUID}`);
      expect(beat?.headers['x-openstack-ironic-api-version']).to.equal('1.68');
      expect(beat?.headers['content-type']).to.equal('application/json');
      expect(beat?.headers['accept']).to.equal('application/json');
      expect(beat?.headers['x-openstack-request-id']).to.equal('req-1');
      expect(beat?.body).to.equal(
        JSON.stringify({ callback_url: 'http://127.0.0.1:9999', agent_token: TOKEN, agent_version: '9.4.1' }),
      );
    });

    it('adds agent_verify_ca when a certificate is given and the server has 1.68', async () => {
      await client().heartbeat({
        ...HEARTBEAT,
        callbackUrl: 'https://127.0.0.1:9999',
        verifyCa: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
      });

      expect(JSON.parse(ironic.calls()[0]?.body ?? '')).to.deep.equal({
        callback_url: 'https://127.0.0.1:9999',
        agent_token: TOKEN,
        agent_version: '9.4.1',
        agent_verify_ca: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
      });
    });

    const gates: [string, string, string[]][] = [
      ['1.82', '1.68', ['callback_url', 'agent_token', 'agent_version', 'agent_verify_ca']],
      ['1.67', '1.67', ['callback_url', 'agent_token', 'agent_version']],
      ['1.62', '1.62', ['callback_url', 'agent_token', 'agent_version']],
      ['1.61', '1.61', ['callback_url', 'agent_version']],
      ['1.36', '1.36', ['callback_url', 'agent_version']],
      ['1.35', '1.35', ['callback_url']],
    ];
    for (const [server, sent, fields] of gates) {
      it(`sends ${fields.join(', ')} at ${sent} to a server whose maximum is ${server}`, async () => {
        ironic.maxVersion = server;

        await client().heartbeat({ ...HEARTBEAT, verifyCa: 'PEM' });

        const beat = ironic.calls()[0];
        expect(beat?.headers['x-openstack-ironic-api-version']).to.equal(sent);
        expect(Object.keys(JSON.parse(beat?.body ?? '{}') as object)).to.deep.equal(fields);
      });
    }

    it('throws HeartbeatConflictError on 409', async () => {
      ironic.handler = (r) => (r.url === '/' ? ironic.happyPath(r) : { status: 409, body: ironicError(FAULTS.locked) });

      const error = await client()
        .heartbeat(HEARTBEAT)
        .then(
          () => null,
          (e: unknown) => e,
        );

      expect(error).to.be.instanceOf(HeartbeatConflictError);
      expect((error as HeartbeatConflictError).details).to.equal(`Error 409: ${FAULTS.locked}`);
    });

    it('throws HeartbeatError with the decoded faultstring on 400, chaining status and fault', async () => {
      ironic.handler = (r) =>
        r.url === '/' ? ironic.happyPath(r) : { status: 400, body: ironicError(FAULTS.invalidToken) };

      const error = await client()
        .heartbeat(HEARTBEAT)
        .then(
          () => null,
          (e: unknown) => e,
        );

      expect(error).to.be.instanceOf(HeartbeatError);
      expect(error).to.not.be.instanceOf(HeartbeatConflictError);
      const heartbeatError = error as HeartbeatError;
      expect(heartbeatError.details).to.equal('Error 400: Invalid or missing agent token received.');
      expect(heartbeatError.toJSON().type).to.equal('HeartbeatError');
      expect(heartbeatError.cause).to.be.instanceOf(IronicResponseError);
      expect((heartbeatError.cause as IronicResponseError).status).to.equal(400);
      expect(isTokenRejection(error)).to.equal(true);
    });

    it('throws HeartbeatError for other statuses, including 200', async () => {
      for (const status of [200, 500]) {
        ironic.handler = (r) =>
          r.url === '/' ? ironic.happyPath(r) : { status, body: status === 500 ? ironicError('boom', 'Server') : '{}' };

        const error = await client()
          .heartbeat(HEARTBEAT)
          .then(
            () => null,
            (e: unknown) => e,
          );

        expect(error, String(status)).to.be.instanceOf(HeartbeatError);
        expect(isTokenRejection(error)).to.equal(false);
      }
    });

    it('throws HeartbeatConnectionError when Ironic refuses the connection', async () => {
      const error = await client({ urls: [await refusedUrl()], pinnedVersion: '1.68' })
        .heartbeat(HEARTBEAT)
        .then(
          () => null,
          (e: unknown) => e,
        );

      expect(error).to.be.instanceOf(HeartbeatConnectionError);
      expect((error as HeartbeatConnectionError).details).to.match(/ECONNREFUSED/);
    });

    it('throws HeartbeatConnectionError when Ironic hangs up', async () => {
      ironic.handler = (r) => (r.url === '/' ? ironic.happyPath(r) : { status: 0, hangUp: true });

      const error = await client()
        .heartbeat(HEARTBEAT)
        .then(
          () => null,
          (e: unknown) => e,
        );

      expect(error).to.be.instanceOf(HeartbeatConnectionError);
    });
  });

  describe('failover', () => {
    it('skips a URL that refuses connections and moves the working one to the front', async () => {
      const dead = await refusedUrl();
      const c = client({ urls: [dead, ironic.url] });

      const result = await c.lookup({ macs: [MAC] });
      const warningsAfterFirst = log.memory.entries.filter(
        (e) => e['message'] === 'Connection error when accessing Ironic, trying the next URL',
      ).length;
      await c.heartbeat(HEARTBEAT);
      const warningsAfterSecond = log.memory.entries.filter(
        (e) => e['message'] === 'Connection error when accessing Ironic, trying the next URL',
      ).length;

      expect(result.kind).to.equal('found');
      expect(c.apiUrls).to.deep.equal([ironic.url, dead]);
      expect(warningsAfterFirst).to.equal(1); // GET / tried the dead URL first; the lookup then went straight to the working one
      expect(warningsAfterSecond).to.equal(1); // so did the heartbeat
      expect(ironic.requests.map((r) => `${r.method} ${r.url.split('?')[0] ?? ''}`)).to.deep.equal([
        'GET /',
        'GET /v1/lookup',
        `POST /v1/heartbeat/${NODE_UUID}`,
      ]);
    });

    it('fails over per request when the first URL goes away later', async () => {
      const second = await FakeIronic.start();
      try {
        const c = client({ urls: [ironic.url, second.url], pinnedVersion: '1.68' });
        await c.heartbeat(HEARTBEAT);
        await ironic.close();

        await c.heartbeat(HEARTBEAT);

        expect(second.calls()).to.have.length(1);
        expect(c.apiUrls).to.deep.equal([second.url, ironic.url]);
      } finally {
        await second.close();
      }
    });

    it('throws the connection error when no URL answers', async () => {
      const c = client({ urls: [await refusedUrl(), await refusedUrl()], pinnedVersion: '1.68' });

      const error = await c.heartbeat(HEARTBEAT).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(HeartbeatConnectionError);
    });

    it('does not fail over on an HTTP error answer', async () => {
      const other = await FakeIronic.start();
      try {
        ironic.handler = (r) =>
          r.url === '/'
            ? { status: 200, body: rootBody(ironic.url) }
            : { status: 503, body: ironicError('down', 'Server') };
        const c = client({ urls: [ironic.url, other.url] });

        const result = await c.lookup({ macs: [MAC] });

        expect(result).to.deep.include({ kind: 'error', status: 503 });
        expect(other.requests).to.have.length(0);
      } finally {
        await other.close();
      }
    });
  });

  it('never logs the agent token (debug level, lookup and heartbeat)', async () => {
    const c = client();

    await c.lookup({ macs: [MAC] });
    await c.heartbeat(HEARTBEAT);

    expect(log.memory.entries.length).to.be.above(0);
    expect(log.memory.text()).to.not.contain(TOKEN);
  });
});
