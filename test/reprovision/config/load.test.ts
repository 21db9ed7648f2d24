import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { axiosGet } from '../../../reprovision/config/http.js';
import { configSha256 } from '../../../ignition/hash.js';
import { loadConfig } from '../../../reprovision/config/load.js';

/** A real HTTP server on loopback: /ok answers a body, /missing 404. */
async function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.end('hello\n');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function config(files: unknown[]): string {
  return JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files } });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String(error);
  }
  throw new Error('expected a failure');
}

describe('reprovision/config/load', () => {
  let http: { server: Server; base: string };
  before(async () => (http = await serve()));
  after(() => http.server.close());

  it('hashes the exact bytes and fetches http resources, checking a pinned hash', async () => {
    const sha512 = createHash('sha512').update('hello\n').digest('hex');
    const text = config([
      { path: '/a', contents: { source: `${http.base}/ok`, verification: { hash: `sha512-${sha512}` } } },
      { path: '/b', contents: { source: 'data:,x' } },
      { path: '/c', contents: { source: 's3://bucket/c' } },
    ]);
    const loaded = await loadConfig(text, 'new.ign', axiosGet);
    expect(loaded.sha256).to.equal(createHash('sha256').update(text).digest('hex'));
    expect(loaded.sha256).to.equal(configSha256(text));
    expect(loaded.version).to.equal('3.4.0');
    expect(loaded.references.map((r) => [r.check, r.bytes])).to.deep.equal([
      ['fetched', 6],
      ['inline', undefined],
      ['at-boot', undefined],
    ]);
  });

  it('refuses an unreachable resource, naming it', async () => {
    const message = await failure(
      loadConfig(config([{ path: '/a', contents: { source: `${http.base}/missing` } }]), 'x', axiosGet),
    );
    expect(message).to.include('$.storage.files.0.contents');
    expect(message).to.include('/missing cannot be fetched');
    expect(message).to.include('nothing was changed');
  });

  it('refuses a resource whose hash does not match', async () => {
    const text = config([
      { path: '/a', contents: { source: `${http.base}/ok`, verification: { hash: `sha256-${'0'.repeat(64)}` } } },
    ]);
    expect(await failure(loadConfig(text, 'x', axiosGet))).to.match(/does not match its verification.hash/);
  });

  it('refuses text that is not JSON', async () => {
    expect(await failure(loadConfig('{', 'new.ign', axiosGet))).to.match(/new.ign is not JSON/);
  });

  it('refuses an invalid config with the validator findings', async () => {
    const text = JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: 'relative' }] } });
    const message = await failure(loadConfig(text, 'new.ign', axiosGet));
    expect(message).to.match(/new.ign is not a valid Ignition config:\n\s+\$\.storage\.files\.0\.path/);
  });

  it('explains Ignition 2.x configs', async () => {
    const message = await failure(loadConfig(JSON.stringify({ ignition: { version: '2.2.0' } }), 'old.ign', axiosGet));
    expect(message).to.include('unsupported config version 2.2.0');
    expect(message).to.include('only runs Ignition spec 3 configs');
  });
});
