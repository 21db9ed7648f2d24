import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../common/errors.js';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { generateSelfSignedCertificate, type TlsMaterial } from '../../../agent/tls/auto-tls.js';
import { loadStaticTls } from '../../../agent/tls/static-tls.js';
import { NodeFs } from '../../../common/fs/node-fs.js';

describe('tls/static-tls', () => {
  let dir: string;
  let material: TlsMaterial;
  let cert: string;
  let key: string;
  before(async () => {
    material = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-static-'));
    cert = join(dir, 'agent.crt');
    key = join(dir, 'agent.key');
    writeFileSync(cert, material.certPem);
    writeFileSync(key, material.keyPem, { mode: 0o600 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function failure(certFile: string, keyFile: string, now?: Date): Promise<Error> {
    const error = await loadStaticTls(certFile, keyFile, { fs: new NodeFs(), now: now ?? new Date() }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ConfigError);
    return error as Error;
  }

  it('loads a matching pair', async () => {
    expect(await loadStaticTls(cert, key, { fs: new NodeFs(), now: new Date() })).to.deep.equal(material);
  });

  it('loads an RSA pair made by openssl req', async () => {
    await new ExecaRunner().run([
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=agent',
      '-days',
      '2',
      '-keyout',
      key,
      '-out',
      cert,
    ]);

    const loaded = await loadStaticTls(cert, key, { fs: new NodeFs(), now: new Date() });

    expect(loaded.certPem).to.include('BEGIN CERTIFICATE');
  });

  it('names a missing file and its option', async () => {
    const missing = join(dir, 'nope.crt');

    expect((await failure(missing, key)).message).to.equal(
      `cannot read tls_cert_file ${missing} (ENOENT): check the path and that the agent can read it`,
    );
    expect((await failure(cert, missing)).message).to.equal(
      `cannot read tls_key_file ${missing} (ENOENT): check the path and that the agent can read it`,
    );
  });

  it('rejects a file that is not a certificate', async () => {
    writeFileSync(cert, material.keyPem);

    expect((await failure(cert, key)).message).to.equal(
      `tls_cert_file ${cert} does not hold a PEM certificate: point it at a "BEGIN CERTIFICATE" file`,
    );
  });

  it('rejects a key file that is not a key, or is encrypted', async () => {
    const encrypted = join(dir, 'enc.key');
    await new ExecaRunner().run([
      'openssl',
      'pkey',
      '-in',
      key,
      '-aes256',
      '-passout',
      'pass:secret',
      '-out',
      encrypted,
    ]);
    const expected = (file: string): string =>
      `tls_key_file ${file} does not hold an unencrypted PEM private key: ` +
      'point it at a "BEGIN PRIVATE KEY" file (encrypted keys are not supported)';

    expect((await failure(cert, encrypted)).message).to.equal(expected(encrypted));
    expect((await failure(cert, cert)).message).to.equal(expected(cert));
  });

  it('rejects a key that belongs to another certificate', async () => {
    writeFileSync(
      key,
      (await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() })).keyPem,
    );

    expect((await failure(cert, key)).message).to.equal(
      `tls_key_file ${key} is not the key of the certificate in tls_cert_file ${cert}: use the matching pair`,
    );
  });

  it('rejects an expired certificate', async () => {
    const old = await generateSelfSignedCertificate({
      advertiseIp: '192.0.2.10',
      hostname: 'h',
      validDays: 1,
      now: new Date('2020-01-01T00:00:00Z'),
    });
    writeFileSync(cert, old.certPem);
    writeFileSync(key, old.keyPem);

    expect((await failure(cert, key)).message).to.equal(
      `the certificate in tls_cert_file ${cert} expired on 2020-01-02T00:00:00.000Z: renew it`,
    );
    expect(await loadStaticTls(cert, key, { fs: new NodeFs(), now: new Date('2020-01-01T12:00:00Z') })).to.deep.equal(
      old,
    );
  });
});
