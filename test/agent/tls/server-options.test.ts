import { expect } from 'chai';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type SecureVersion } from 'node:tls';
import { generateSelfSignedCertificate, type TlsMaterial } from '../../../agent/tls/auto-tls.js';
import {
  DEFAULT_TLS12_CIPHERS,
  tlsServerOptions,
  type TlsServerOptionsInput,
} from '../../../agent/tls/server-options.js';

interface Handshake {
  protocol: string | null;
  cipher: string;
}

/** Handshake with a real TLS client; resolves with what was negotiated or rejects with the TLS error. */
function handshake(
  port: number,
  ca: string,
  client: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string },
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, ...client }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.on('error', reject);
  });
}

describe('tls/server-options', () => {
  let material: TlsMaterial;
  let server: Server | null = null;
  before(async () => {
    material = await generateSelfSignedCertificate({ advertiseIp: '127.0.0.1', hostname: 'cfg-node', now: new Date() });
  });
  afterEach(async () => {
    const current = server;
    server = null;
    if (current !== null) await new Promise<void>((resolve) => current.close(() => resolve()));
  });

  async function serve(extra: Partial<TlsServerOptionsInput> = {}): Promise<number> {
    server = createServer(tlsServerOptions({ ...material, ...extra }), (_req, res) => res.end());
    const started = server;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    return (started.address() as AddressInfo).port;
  }

  it("builds IPA's policy: TLS 1.2-1.3, ECDHE AES-GCM for 1.2, no client certificates", () => {
    const options = tlsServerOptions({ ...material });

    expect(options).to.deep.include({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      requestCert: false,
      cert: material.certPem,
      key: material.keyPem,
      ciphers: DEFAULT_TLS12_CIPHERS,
    });
    expect(tlsServerOptions({ ...material, minVersion: '1.3' })).to.deep.include({
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
    });
  });

  it('negotiates TLS 1.3 by default (the 1.2 cipher list leaves 1.3 suites alone)', async () => {
    const port = await serve();

    expect((await handshake(port, material.certPem, {})).protocol).to.equal('TLSv1.3');
  });

  it('accepts a TLS 1.2 client with an ECDHE-ECDSA AES-GCM suite', async () => {
    const port = await serve();

    const result = await handshake(port, material.certPem, { maxVersion: 'TLSv1.2' });

    expect(result).to.deep.equal({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
  });

  it('refuses TLS 1.2 clients offering only CBC suites, and TLS 1.1 clients', async () => {
    const port = await serve();

    const cbc = await handshake(port, material.certPem, {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA',
    }).catch((e: Error) => e);
    const old = await handshake(port, material.certPem, {
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    }).catch((e: Error) => e);

    expect(cbc).to.be.instanceOf(Error);
    expect(old).to.be.instanceOf(Error);
  });

  it('honours tls_cipher_suites for TLS 1.2', async () => {
    const port = await serve({ cipherSuites: 'ECDHE-ECDSA-AES128-GCM-SHA256' });

    const chosen = await handshake(port, material.certPem, { maxVersion: 'TLSv1.2' });
    const other = await handshake(port, material.certPem, {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    }).catch((e: Error) => e);

    expect(chosen.cipher).to.equal('ECDHE-ECDSA-AES128-GCM-SHA256');
    expect(other).to.be.instanceOf(Error);
  });

  it('with tls_min_version 1.3 refuses TLS 1.2 clients', async () => {
    const port = await serve({ minVersion: '1.3' });

    const tls12 = await handshake(port, material.certPem, { maxVersion: 'TLSv1.2' }).catch((e: Error) => e);

    expect(tls12).to.be.instanceOf(Error);
    expect((await handshake(port, material.certPem, {})).protocol).to.equal('TLSv1.3');
  });
});
