import { expect } from 'chai';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { ConfigError } from '../../../common/errors.js';
import {
  certificateFingerprint,
  generateSelfSignedCertificate,
  keyMatchesCertificate,
  writeTlsFiles,
  type TlsMaterial,
} from '../../../agent/tls/auto-tls.js';
import { tlsServerOptions } from '../../../agent/tls/server-options.js';
import { bootStateStore } from '../../helpers/boot-state.js';

const runner = new ExecaRunner();
const NOW = new Date('2026-03-01T12:00:00Z');

async function openssl(args: string[], okExitCodes: number[] = [0]): Promise<{ exitCode: number | null; out: string }> {
  const result = await runner.run(['openssl', ...args], { okExitCodes });
  return { exitCode: result.exitCode, out: result.stdout + result.stderr };
}

/** GET https://host:port/ trusting `ca`; resolves with the body or rejects with the TLS error. */
function fetchOnce(host: string, port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', ca, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tls/auto-tls', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function save(material: TlsMaterial): { cert: string; key: string } {
    const cert = join(dir, 'c.pem');
    const key = join(dir, 'k.pem');
    writeFileSync(cert, material.certPem);
    writeFileSync(key, material.keyPem, { mode: 0o600 });
    return { cert, key };
  }

  describe('the certificate, as openssl sees it', () => {
    let material: TlsMaterial;
    let files: { cert: string; key: string };
    let text: string;
    before(async () => {
      material = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'cfg-node-1', now: NOW });
    });
    beforeEach(async () => {
      files = save(material);
      text = (await openssl(['x509', '-noout', '-text', '-in', files.cert])).out;
    });

    it('has CN = hostname as subject and issuer', () => {
      expect(text).to.match(/Issuer: CN ?= ?cfg-node-1\n/);
      expect(text).to.match(/Subject: CN ?= ?cfg-node-1\n/);
    });

    it('has only the IP in a critical SubjectAltName', () => {
      expect(text).to.match(/X509v3 Subject Alternative Name: critical\n\s+IP Address:192\.0\.2\.10\n/);
      expect(text).not.to.include('DNS:');
    });

    it('uses a P-384 key and an ECDSA SHA-512 signature by default', () => {
      expect(text).to.include('ASN1 OID: secp384r1');
      expect(text).to.include('Signature Algorithm: ecdsa-with-SHA512');
    });

    it('is valid from now minus the clock skew to now plus 30 days', async () => {
      const dates = (await openssl(['x509', '-noout', '-startdate', '-enddate', '-in', files.cert])).out;

      expect(dates).to.include('notBefore=Mar  1 11:00:00 2026 GMT');
      expect(dates).to.include('notAfter=Mar 31 12:00:00 2026 GMT');
    });

    it('verifies as its own trust anchor for its IP inside the window, and not outside it or for another IP', async () => {
      const base = ['verify', '-CAfile', files.cert, '-purpose', 'sslserver'];
      const at = (date: string): string[] => ['-attime', String(Date.parse(date) / 1000)];

      const ok = await openssl(
        [...base, ...at('2026-03-15T00:00:00Z'), '-verify_ip', '192.0.2.10', files.cert],
        [0, 2],
      );
      const otherIp = await openssl(
        [...base, ...at('2026-03-15T00:00:00Z'), '-verify_ip', '192.0.2.11', files.cert],
        [0, 2],
      );
      const expired = await openssl(
        [...base, ...at('2026-04-01T00:00:00Z'), '-verify_ip', '192.0.2.10', files.cert],
        [0, 2],
      );
      const early = await openssl(
        [...base, ...at('2026-03-01T10:30:00Z'), '-verify_ip', '192.0.2.10', files.cert],
        [0, 2],
      );

      expect([ok.exitCode, ok.out.trim()]).to.deep.equal([0, `${files.cert}: OK`]);
      expect(otherIp.out).to.include('IP address mismatch');
      expect(expired.out).to.include('certificate has expired');
      expect(early.out).to.include('certificate is not yet valid');
    });

    it('comes with the matching PKCS#8 private key (openssl pkey)', async () => {
      const fromKey = (await openssl(['pkey', '-in', files.key, '-pubout'])).out;
      const fromCert = (await openssl(['x509', '-noout', '-pubkey', '-in', files.cert])).out;

      expect(material.keyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).to.equal(true);
      expect(material.certPem.startsWith('-----BEGIN CERTIFICATE-----\n')).to.equal(true);
      expect(material.certPem.endsWith('-----END CERTIFICATE-----\n')).to.equal(true);
      expect(fromKey).to.equal(fromCert);
      expect(keyMatchesCertificate(material)).to.equal(true);
    });
  });

  const curves: Array<['p256' | 'p384' | 'p521', string]> = [
    ['p256', 'prime256v1'],
    ['p384', 'secp384r1'],
    ['p521', 'secp521r1'],
  ];
  for (const [curve, oid] of curves) {
    it(`generates the key on ${curve}`, async () => {
      const files = save(
        await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', curve, now: new Date() }),
      );

      expect((await openssl(['x509', '-noout', '-text', '-in', files.cert])).out).to.include(`ASN1 OID: ${oid}`);
      expect((await openssl(['pkey', '-in', files.key, '-noout', '-text'])).out).to.include(`ASN1 OID: ${oid}`);
    });
  }

  const addresses: Array<[string, string, string]> = [
    ['192.0.2.10', '192.0.2.10', 'IP Address:192.0.2.10'],
    ['2001:db8::a', '2001:db8::a', 'IP Address:2001:DB8:0:0:0:0:0:A'],
  ];
  for (const [curve] of curves) {
    for (const [ip, checked, san] of addresses) {
      it(`on ${curve} for ${ip}: node:crypto and openssl accept the certificate as IPA's`, async () => {
        const now = new Date();
        const material = await generateSelfSignedCertificate({ advertiseIp: ip, hostname: 'cfg-node-1', curve, now });
        const files = save(material);
        const certificate = new X509Certificate(material.certPem);

        const text = (await openssl(['x509', '-noout', '-text', '-in', files.cert])).out;
        const verified = await openssl(['verify', '-CAfile', files.cert, '-verify_ip', checked, files.cert], [0, 2]);

        expect([certificate.subject, certificate.issuer]).to.deep.equal(['CN=cfg-node-1', 'CN=cfg-node-1']);
        expect(certificate.subjectAltName).to.equal(san);
        expect(Date.parse(certificate.validFrom)).to.equal(Math.floor(now.getTime() / 1000) * 1000 - 3_600_000);
        expect(Date.parse(certificate.validTo)).to.equal(Math.floor(now.getTime() / 1000) * 1000 + 30 * 86_400_000);
        expect(certificate.verify(createPublicKey(createPrivateKey(material.keyPem)))).to.equal(true);
        expect(certificate.checkPrivateKey(createPrivateKey(material.keyPem))).to.equal(true);
        expect(certificate.checkIP(checked)).to.equal(checked);
        expect(certificate.checkIP(ip.includes(':') ? '2001:db8::b' : '192.0.2.11')).to.equal(undefined);
        expect(text).to.include('Version: 3 (0x2)');
        expect(text).to.match(/X509v3 Subject Alternative Name: critical\n\s+IP Address:/);
        expect(text.match(/Signature Algorithm: ecdsa-with-SHA512/g)).to.have.length(2);
        expect([verified.exitCode, verified.out.trim()]).to.deep.equal([0, `${files.cert}: OK`]);
      });
    }
  }

  it('cuts a long host name to 64 characters, not splitting a character', async () => {
    const material = await generateSelfSignedCertificate({
      advertiseIp: '192.0.2.10',
      hostname: `a${'🖥'.repeat(70)}`,
      now: new Date(),
    });

    expect(new X509Certificate(material.certPem).subject).to.equal(`CN=a${'🖥'.repeat(63)}`);
  });

  it('puts an IPv6 address (brackets and zone dropped) in the SAN, honours skew and validity', async () => {
    const material = await generateSelfSignedCertificate({
      advertiseIp: '[fd00::10%eth0]',
      hostname: '',
      clockSkewSec: 60,
      validDays: 2,
      now: NOW,
    });
    const files = save(material);

    const text = (await openssl(['x509', '-noout', '-text', '-in', files.cert])).out;

    expect(text).to.match(/IP Address:FD00:0:0:0:0:0:0:10\n/);
    expect(text).to.match(/Subject: CN ?= ?fd00::10\n/);
    expect(text).to.include('Not Before: Mar  1 11:59:00 2026 GMT');
    expect(text).to.include('Not After : Mar  3 12:00:00 2026 GMT');
  });

  it('refuses a host name instead of an IP, saying what to do', async () => {
    const error = await generateSelfSignedCertificate({
      advertiseIp: 'node1.example.com',
      hostname: 'h',
      now: new Date(),
    }).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.equal(
      'auto-TLS needs an IP address for the certificate, got "node1.example.com": ' +
        'set advertise_host to an IP address, or disable enable_auto_tls and use listen_tls',
    );
  });

  it('makes a fresh key and serial every time', async () => {
    const a = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() });
    const b = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() });

    expect(a.keyPem).not.to.equal(b.keyPem);
    expect(certificateFingerprint(a.certPem)).not.to.equal(certificateFingerprint(b.certPem));
    expect(keyMatchesCertificate({ certPem: a.certPem, keyPem: b.keyPem })).to.equal(false);
  });

  it('writes agent.crt 0644 and agent.key 0600 in a 0700 dir', async () => {
    const material = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() });
    const target = join(dir, 'state');

    const files = writeTlsFiles(bootStateStore(target), material);

    expect(files).to.deep.equal({ certFile: join(target, 'agent.crt'), keyFile: join(target, 'agent.key') });
    expect(statSync(files.certFile).mode & 0o777).to.equal(0o644);
    expect(statSync(files.keyFile).mode & 0o777).to.equal(0o600);
    expect(statSync(target).mode & 0o777).to.equal(0o700);
  });

  it('serves node:https that a client trusting the PEM reaches at the IP, and one trusting another cert cannot', async () => {
    const material = await generateSelfSignedCertificate({
      advertiseIp: '127.0.0.1',
      hostname: 'cfg-node-1',
      now: new Date(),
    });
    const stranger = await generateSelfSignedCertificate({
      advertiseIp: '127.0.0.1',
      hostname: 'cfg-node-1',
      now: new Date(),
    });
    const server = createServer(tlsServerOptions(material), (_req, res) => res.end('agent says hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;

      expect(await fetchOnce('127.0.0.1', port, material.certPem)).to.equal('agent says hi');
      const refused = await fetchOnce('127.0.0.1', port, stranger.certPem).catch(
        (e: unknown) => e as NodeJS.ErrnoException,
      );
      expect((refused as NodeJS.ErrnoException).code).to.be.oneOf([
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        'SELF_SIGNED_CERT_IN_CHAIN',
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('is refused by a client when the SAN IP is not the address it connected to', async () => {
    const material = await generateSelfSignedCertificate({
      advertiseIp: '192.0.2.99',
      hostname: '127.0.0.1',
      now: new Date(),
    });
    const server = createServer(tlsServerOptions(material), (_req, res) => res.end('unreachable'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;

      const refused = await fetchOnce('127.0.0.1', port, material.certPem).catch(
        (e: unknown) => e as NodeJS.ErrnoException,
      );

      expect((refused as NodeJS.ErrnoException).code).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
