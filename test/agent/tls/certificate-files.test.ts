import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { generateSelfSignedCertificate, type TlsMaterial } from '../../../agent/tls/auto-tls.js';
import { tlsReuseProblem } from '../../../agent/tls/certificate-files.js';

describe('tls/certificate-files', () => {
  describe('tlsReuseProblem', () => {
    const NOW = new Date('2026-03-01T12:00:00Z');
    let material: TlsMaterial;
    let other: TlsMaterial;
    let cert: X509Certificate;
    before(async () => {
      material = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: NOW });
      other = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: NOW });
      cert = new X509Certificate(material.certPem);
    });

    const DAY = 86_400_000;
    const cases: Array<[string, () => Parameters<typeof tlsReuseProblem>, string | null]> = [
      ['the same certificate, IP and a month left', () => [material, cert, expected()], null],
      ['a bracketed IP', () => [material, cert, expected({ advertiseIp: '[192.0.2.10]' })], null],
      ['another fingerprint', () => [material, cert, expected({ fingerprint: 'AB' })], 'fingerprint differs'],
      ['another key', () => [{ ...material, keyPem: other.keyPem }, cert, expected()], 'key does not match'],
      ['another IP', () => [material, cert, expected({ advertiseIp: '192.0.2.11' })], 'advertised IP changed'],
      [
        'less than a day left',
        () => [material, cert, expected({ now: new Date(NOW.getTime() + 29.5 * DAY) })],
        'expires within a day',
      ],
    ];
    function expected(
      changes: Partial<{ fingerprint: string; advertiseIp: string; now: Date }> = {},
    ): Parameters<typeof tlsReuseProblem>[2] {
      return { fingerprint: cert.fingerprint256, advertiseIp: '192.0.2.10', now: NOW, ...changes };
    }
    for (const [name, args, problem] of cases) {
      it(`${name} → ${String(problem)}`, () => {
        expect(tlsReuseProblem(...args())).to.equal(problem);
      });
    }
  });
});
