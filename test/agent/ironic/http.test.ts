import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxiosInstance } from 'axios';
import { ConfigError } from '../../../common/errors.js';
import { createReachabilityProbe } from '../../../agent/ironic/advertise.js';
import { IronicClient } from '../../../agent/ironic/client.js';
import { createIronicHttp, type IronicHttpOptions } from '../../../agent/ironic/http.js';
import { formatVersion } from '../../../agent/ironic/version.js';
import { FakeIronic, MAC } from '../../helpers/fake-ironic.js';
import { createTestLogger } from '../../helpers/logger.js';

/** A self-signed EC P-384 certificate for `subject`, as the brief's openssl command makes it. */
function selfSigned(dir: string, name: string, subject: string, san: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-sha384',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${subject}`,
      '-addext',
      `subjectAltName=${san}`,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

describe('ironic/http createIronicHttp', () => {
  let dir: string;
  let server: { cert: string; key: string };
  let clientCert: { cert: string; key: string };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ironic-tls-'));
    server = selfSigned(dir, 'server', '127.0.0.1', 'IP:127.0.0.1');
    clientCert = selfSigned(dir, 'client', 'agent', 'DNS:agent');
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function versionThrough(
    options: IronicHttpOptions,
    ironic: FakeIronic,
  ): Promise<{ version: string; lookup: string }> {
    return versionThroughInstance(createIronicHttp(options), ironic);
  }

  async function versionThroughInstance(
    http: AxiosInstance,
    ironic: FakeIronic,
  ): Promise<{ version: string; lookup: string }> {
    const { logger } = createTestLogger();
    const client = new IronicClient({ http, urls: [ironic.url], logger, timeoutMs: 5000 });
    const version = formatVersion(await client.discoverVersion());
    const lookup = (await client.lookup({ macs: [MAC] })).kind;
    return { version, lookup };
  }

  describe('against an HTTPS Ironic with a self-signed certificate', () => {
    let ironic: FakeIronic;

    before(async () => {
      ironic = await FakeIronic.start({ cert: readFileSync(server.cert), key: readFileSync(server.key) });
    });

    after(async () => {
      await ironic.close();
    });

    it('verifies the server with cafile', async () => {
      expect(await versionThrough({ timeoutSec: 5, cafile: server.cert }, ironic)).to.deep.equal({
        version: '1.82',
        lookup: 'found',
      });
    });

    it('refuses the unknown certificate by default (verification on)', async () => {
      const requestsBefore = ironic.requests.length;

      const result = await versionThrough({ timeoutSec: 5 }, ironic);

      expect(result).to.deep.equal({ version: '1.31', lookup: 'error' });
      expect(ironic.requests.length).to.equal(requestsBefore);
    });

    it('refuses it when cafile is another CA', async () => {
      expect(await versionThrough({ timeoutSec: 5, cafile: clientCert.cert }, ironic)).to.deep.equal({
        version: '1.31',
        lookup: 'error',
      });
    });

    it('accepts it with insecure', async () => {
      expect(await versionThrough({ timeoutSec: 5, insecure: true }, ironic)).to.deep.equal({
        version: '1.82',
        lookup: 'found',
      });
    });
  });

  describe('client certificates', () => {
    let ironic: FakeIronic;

    before(async () => {
      ironic = await FakeIronic.start({
        cert: readFileSync(server.cert),
        key: readFileSync(server.key),
        requestCert: true,
        rejectUnauthorized: true,
        ca: readFileSync(clientCert.cert),
      });
    });

    after(async () => {
      await ironic.close();
    });

    it('presents certfile/keyfile to a server that requires them', async () => {
      const options = { timeoutSec: 5, cafile: server.cert, certfile: clientCert.cert, keyfile: clientCert.key };

      expect(await versionThrough(options, ironic)).to.deep.equal({ version: '1.82', lookup: 'found' });
    });

    it('is refused without them', async () => {
      expect(await versionThrough({ timeoutSec: 5, cafile: server.cert }, ironic)).to.deep.equal({
        version: '1.31',
        lookup: 'error',
      });
    });
  });

  describe('headers on every request', () => {
    let ironic: FakeIronic;

    before(async () => {
      ironic = await FakeIronic.start();
    });

    after(async () => {
      await ironic.close();
    });

    it('sends the User-Agent with the version, and the request id from the first GET / (the probe) on', async () => {
      const requestId = 'req-0b8c6d36-2b7c-4e55-9f7a-3c3a3c0f2f10';
      const http = createIronicHttp({ timeoutSec: 5, version: '1.2.3', requestId });
      const { logger } = createTestLogger();

      await createReachabilityProbe(http, 5000, logger)(ironic.url);
      await versionThroughInstance(http, ironic);

      expect(ironic.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
        'GET /',
        'GET /',
        `GET /v1/lookup?addresses=${encodeURIComponent(MAC)}`,
      ]);
      expect(ironic.requests.map((r) => [r.headers['user-agent'], r.headers['x-openstack-request-id']])).to.deep.equal(
        Array(3).fill(['ironic-coreos-agent/1.2.3', requestId]),
      );
    });

    it('sends no request id when none is configured', async () => {
      ironic.requests.length = 0;

      await createReachabilityProbe(
        createIronicHttp({ timeoutSec: 5, requestId: null }),
        5000,
        createTestLogger().logger,
      )(ironic.url);

      expect(ironic.requests.map((r) => [r.headers['user-agent'], r.headers['x-openstack-request-id']])).to.deep.equal([
        ['ironic-coreos-agent', undefined],
      ]);
    });
  });

  it('uses http_request_timeout as the axios timeout', () => {
    expect(createIronicHttp({ timeoutSec: 30 }).defaults.timeout).to.equal(30_000);
  });

  describe('refuses bad options before any request', () => {
    const cases: [string, () => IronicHttpOptions, RegExp][] = [
      [
        'a missing cafile',
        () => ({ timeoutSec: 5, cafile: join(dir, 'nope.pem') }),
        /cafile .*nope\.pem cannot be read \(ENOENT\): fix the path or remove the cafile option/,
      ],
      [
        'certfile without keyfile',
        () => ({ timeoutSec: 5, certfile: clientCert.cert }),
        /certfile is set but keyfile is not/,
      ],
      [
        'keyfile without certfile',
        () => ({ timeoutSec: 5, keyfile: clientCert.key }),
        /keyfile is set but certfile is not/,
      ],
      [
        'an unreadable keyfile',
        () => ({ timeoutSec: 5, certfile: clientCert.cert, keyfile: dir }),
        /keyfile .* cannot be read \(EISDIR\)/,
      ],
      ['a zero timeout', () => ({ timeoutSec: 0 }), /http_request_timeout must be a positive number/],
    ];
    for (const [name, options, message] of cases) {
      it(name, () => {
        expect(() => createIronicHttp(options()))
          .to.throw(ConfigError)
          .with.property('message')
          .that.matches(message);
      });
    }
  });

  it('reads the files through the injected reader', () => {
    const read: string[] = [];
    const pem = readFileSync(server.cert);

    createIronicHttp({
      timeoutSec: 5,
      cafile: '/etc/ironic/ca.pem',
      readFile: (p) => {
        read.push(p);
        return pem;
      },
    });

    expect(read).to.deep.equal(['/etc/ironic/ca.pem']);
  });
});
