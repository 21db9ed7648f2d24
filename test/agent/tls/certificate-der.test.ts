import { expect } from 'chai';
import { X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import {
  ipAddressBytes,
  pemEncode,
  signedCertificate,
  tbsCertificate,
  type CertificateFields,
} from '../../../agent/tls/certificate-der.js';

const runner = new ExecaRunner();
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const FIELDS: CertificateFields = {
  serial: Buffer.from('40aabbccddeeff00112233445566778899', 'hex'),
  commonName: 'cfg-node-1',
  notBefore: new Date('2049-12-31T23:00:00Z'),
  notAfter: new Date('2050-01-30T00:00:00Z'),
  subjectPublicKeyInfo: keys.publicKey.export({ type: 'spki', format: 'der' }),
  ipAddress: Buffer.of(192, 0, 2, 10),
};

function certificatePem(fields: CertificateFields): string {
  const tbs = tbsCertificate(fields);
  return pemEncode('CERTIFICATE', signedCertificate(tbs, sign('sha512', tbs, keys.privateKey)));
}

describe('tls/certificate-der', () => {
  describe('ipAddressBytes', () => {
    const cases: Array<[string, string]> = [
      ['192.0.2.10', 'c000020a'],
      ['0.0.0.0', '00000000'],
      ['255.255.255.255', 'ffffffff'],
      ['::', '0'.repeat(32)],
      ['::1', `${'0'.repeat(30)}01`],
      ['fd00::10', `fd00${'0'.repeat(24)}0010`],
      ['FD00::10', `fd00${'0'.repeat(24)}0010`],
      ['2001:db8::', `20010db8${'0'.repeat(24)}`],
      ['2001:db8:0:1:2:3:4:5', '20010db8000000010002000300040005'],
      ['1::2:3', '00010000000000000000000000020003'],
      ['::ffff:192.0.2.1', `${'0'.repeat(20)}ffffc0000201`],
      ['64:ff9b::198.51.100.7', `0064ff9b${'0'.repeat(16)}c6336407`],
    ];
    for (const [ip, expected] of cases) {
      it(`${ip} → ${expected}`, () => {
        expect(ipAddressBytes(ip).toString('hex')).to.equal(expected);
      });
    }

    for (const bad of ['', 'node1.example.com', '192.0.2', '192.0.2.256', '[::1]', 'fd00::10%eth0', '1:::2']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(() => ipAddressBytes(bad)).to.throw(RangeError, `not an IP address: ${JSON.stringify(bad)}`);
      });
    }
  });

  describe('tbsCertificate refuses what RFC 5280 does not allow', () => {
    const cases: Array<[string, Partial<CertificateFields>, string]> = [
      ['a zero serial', { serial: Buffer.of(0, 0) }, 'the serial must be a positive number of at most 20 octets'],
      ['an empty serial', { serial: Buffer.alloc(0) }, 'the serial must be a positive number'],
      ['a 21-octet serial', { serial: Buffer.alloc(21, 1) }, 'at most 20 octets'],
      ['a 20-octet serial that needs a sign byte', { serial: Buffer.alloc(20, 0x80) }, 'at most 20 octets'],
      ['an empty CN', { commonName: '' }, 'the common name must have 1 to 64 characters, got 0'],
      ['a 65-character CN', { commonName: 'é'.repeat(65) }, 'the common name must have 1 to 64 characters, got 65'],
      ['notAfter before notBefore', { notAfter: new Date('2049-01-01T00:00:00Z') }, 'must be before notAfter'],
      ['a 5-byte address', { ipAddress: Buffer.alloc(5) }, 'an iPAddress has 4 or 16 bytes, got 5'],
    ];
    for (const [name, change, message] of cases) {
      it(name, () => {
        expect(() => tbsCertificate({ ...FIELDS, ...change })).to.throw(RangeError, message);
      });
    }

    it('accepts 20 octets, 64 characters counted as code points (not UTF-16 units), and 16-byte addresses', () => {
      const tbs = tbsCertificate({
        ...FIELDS,
        serial: Buffer.alloc(20, 0x7f),
        commonName: '🖥'.repeat(64),
        ipAddress: Buffer.alloc(16, 1),
      });

      expect(tbs[0]).to.equal(0x30);
    });
  });

  it('wraps PEM at 64 characters and ends with a newline', () => {
    const pem = pemEncode('CERTIFICATE', Buffer.alloc(100, 0xff));

    expect(pem.split('\n').map((line) => line.length)).to.deep.equal([27, 64, 64, 136 - 128, 25, 0]);
    expect(pem.startsWith('-----BEGIN CERTIFICATE-----\n/////')).to.equal(true);
    expect(pem.endsWith('\n-----END CERTIFICATE-----\n')).to.equal(true);
  });

  describe('a certificate across 2049/2050, signed with a P-256 key', () => {
    let pem: string;
    let dir: string;
    before(() => {
      pem = certificatePem(FIELDS);
      dir = mkdtempSync(join(tmpdir(), 'cfg-der-'));
      writeFileSync(join(dir, 'c.pem'), pem);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('parses in node:crypto with the fields given and verifies with its key', () => {
      const certificate = new X509Certificate(pem);

      expect(certificate.serialNumber).to.equal('40AABBCCDDEEFF00112233445566778899');
      expect(certificate.subject).to.equal('CN=cfg-node-1');
      expect(certificate.issuer).to.equal('CN=cfg-node-1');
      expect(certificate.subjectAltName).to.equal('IP Address:192.0.2.10');
      expect(new Date(certificate.validFrom).toISOString()).to.equal('2049-12-31T23:00:00.000Z');
      expect(new Date(certificate.validTo).toISOString()).to.equal('2050-01-30T00:00:00.000Z');
      expect(certificate.verify(keys.publicKey)).to.equal(true);
      expect(certificate.checkPrivateKey(keys.privateKey)).to.equal(true);
    });

    it('is, for openssl asn1parse, v3 with a UTF8String CN, a UTCTime and a GeneralizedTime, and a critical SAN', async () => {
      const { stdout } = await runner.run(['openssl', 'asn1parse', '-in', join(dir, 'c.pem')]);
      const values = stdout
        .split('\n')
        .map((line) => line.replace(/^.*prim: /, '').replace(/\s+/g, ' '))
        .filter((line) => !line.includes('cons:') && line !== '');

      expect(values.slice(0, 12)).to.deep.equal([
        'INTEGER :02',
        'INTEGER :40AABBCCDDEEFF00112233445566778899',
        'OBJECT :ecdsa-with-SHA512',
        'OBJECT :commonName',
        'UTF8STRING :cfg-node-1',
        'UTCTIME :491231230000Z',
        'GENERALIZEDTIME :20500130000000Z',
        'OBJECT :commonName',
        'UTF8STRING :cfg-node-1',
        'OBJECT :id-ecPublicKey',
        'OBJECT :prime256v1',
        'BIT STRING ',
      ]);
      expect(values.slice(12, 15)).to.deep.equal([
        'OBJECT :X509v3 Subject Alternative Name',
        'BOOLEAN :255',
        'OCTET STRING [HEX DUMP]:30068704C000020A',
      ]);
      expect(values.slice(15, 16)).to.deep.equal(['OBJECT :ecdsa-with-SHA512']);
    });

    it('is refused by node:crypto once a byte of the signed part changes', () => {
      const der = new X509Certificate(pem).raw;
      const tampered = Buffer.from(der);
      // the last byte of the SAN's address (192.0.2.10 → 192.0.2.11), inside the signed TBSCertificate
      const at = tampered.indexOf(Buffer.of(0x87, 0x04, 192, 0, 2, 10)) + 5;
      tampered[at] = 11;

      const forged = new X509Certificate(tampered);

      expect(forged.subjectAltName).to.equal('IP Address:192.0.2.11');
      expect(forged.verify(keys.publicKey)).to.equal(false);
    });
  });
});
