import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { healthTarget, probe } from '../../container/healthcheck.js';

const status = (_req: unknown, res: { statusCode: number; end(body: string): void }): void => {
  res.statusCode = 200;
  res.end('{"started_at":1,"version":"x"}');
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('container/healthcheck', () => {
  const targets: [string[], { host: string; port: number }][] = [
    [['node', 'index.js', 'agent'], { host: '127.0.0.1', port: 9999 }],
    [['agent', '--listen-port', '8080'], { host: '127.0.0.1', port: 8080 }],
    [['agent', '--listen-port=8081', '--listen-host=::'], { host: '127.0.0.1', port: 8081 }],
    [['agent', '--listen-host', '192.0.2.5'], { host: '192.0.2.5', port: 9999 }],
    [['agent', '--listen-host', '[fd00::5]'], { host: 'fd00::5', port: 9999 }],
    [['agent', '--listen-port', 'x'], { host: '127.0.0.1', port: 9999 }],
    [['agent', '--listen-port', '99999'], { host: '127.0.0.1', port: 9999 }],
    [['agent', '--listen-port', '1', '--listen-port', '2'], { host: '127.0.0.1', port: 2 }],
  ];
  for (const [argv, expected] of targets) {
    it(`targets ${JSON.stringify(argv.slice(1))}`, () => {
      expect(healthTarget(argv)).to.deep.equal(expected);
    });
  }

  describe('probe', () => {
    const servers: Server[] = [];
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ign-hc-'));
    });
    after(async () => {
      for (const s of servers) s.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('succeeds on plain HTTP', async () => {
      const server = createHttpServer(status);
      servers.push(server);

      expect(await probe({ host: '127.0.0.1', port: await listen(server) })).to.equal(true);
    });

    it('succeeds on HTTPS with a self-signed certificate', async () => {
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      await new ExecaRunner().run([
        'openssl',
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=agent',
      ]);
      const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, status);
      servers.push(server);

      expect(await probe({ host: '127.0.0.1', port: await listen(server) })).to.equal(true);
    });

    it('fails on a non-200 answer and when nothing listens', async () => {
      const server = createHttpServer((_req, res) => {
        res.statusCode = 503;
        res.end();
      });
      servers.push(server);
      const closed = createHttpServer();
      const freePort = await listen(closed);
      closed.close();

      expect(await probe({ host: '127.0.0.1', port: await listen(server) })).to.equal(false);
      expect(await probe({ host: '127.0.0.1', port: freePort })).to.equal(false);
    });
  });
});
