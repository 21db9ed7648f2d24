import { expect } from 'chai';
import { checkSession } from '../../../agent/state/session.js';

const VALID = {
  version: 1,
  nodeUuid: '9fef9a79-f3b7-4313-ae69-7c3f94cb222b',
  agentToken: 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc',
  callbackUrl: 'https://[fd00::10]:9999',
  tlsFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
};

describe('state/session', () => {
  const table: Array<[string, Record<string, unknown>, string | null]> = [
    ['a full session', VALID, null],
    ['an empty session', { ...VALID, nodeUuid: null, agentToken: null, callbackUrl: null, tlsFingerprint: null }, null],
    ['version 0', { ...VALID, version: 0 }, 'unsupported version'],
    ['a missing field', { version: 1, nodeUuid: null, agentToken: null, callbackUrl: null }, 'tlsFingerprint'],
    ['a numeric token', { ...VALID, agentToken: 42 }, 'agentToken'],
    ['an empty token', { ...VALID, agentToken: '' }, 'agentToken'],
    ['a relative callback URL', { ...VALID, callbackUrl: '/v1' }, 'callbackUrl'],
    ['a lower-case fingerprint', { ...VALID, tlsFingerprint: VALID.tlsFingerprint.toLowerCase() }, 'tlsFingerprint'],
    ['a short fingerprint', { ...VALID, tlsFingerprint: 'AB:CD' }, 'tlsFingerprint'],
  ];
  for (const [name, data, problem] of table) {
    it(`${name} → ${String(problem)}`, () => {
      expect(checkSession(data)).to.equal(problem);
    });
  }
});
