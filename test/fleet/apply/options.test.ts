import { expect } from 'chai';
import { readApplySettings, readIronicConnection } from '../../../fleet/apply/options.js';
import type { Fleet } from '../../../fleet/fleet-file.js';

const FLEET: Fleet = { nodes: [], concurrency: 3, remote: { command: ['sudo', 'ironic-coreos-agent'] } };

describe('fleet/apply/options', () => {
  const connections: [string, Record<string, string>, Partial<Fleet>, Record<string, string>, unknown][] = [
    ['nothing: no Ironic', {}, {}, {}, undefined],
    ['OS_ENDPOINT, noauth', {}, {}, { OS_ENDPOINT: 'http://i:6385/' }, { endpoint: 'http://i:6385' }],
    [
      'the fleet file over OS_ENDPOINT',
      {},
      { ironic: { endpoint: 'http://f:6385' } },
      { OS_ENDPOINT: 'http://e:6385' },
      { endpoint: 'http://f:6385' },
    ],
    [
      'the flag over both, /v1 dropped, token from OS_TOKEN',
      { 'os-endpoint': 'https://o:6385/v1' },
      { ironic: { endpoint: 'http://f:6385' } },
      { OS_ENDPOINT: 'http://e:6385', OS_TOKEN: 'env-token' },
      { endpoint: 'https://o:6385', token: 'env-token' },
    ],
    [
      '--os-token over OS_TOKEN',
      { 'os-token': 'flag-token' },
      {},
      { OS_ENDPOINT: 'http://e', OS_TOKEN: 'env-token' },
      { endpoint: 'http://e', token: 'flag-token' },
    ],
    ['an empty OS_TOKEN is noauth', {}, {}, { OS_ENDPOINT: 'http://e', OS_TOKEN: ' ' }, { endpoint: 'http://e' }],
  ];
  for (const [name, values, fleet, env, expected] of connections) {
    it(`connection: ${name}`, () => {
      expect(readIronicConnection(values, fleet, env)).to.deep.equal(expected);
    });
  }

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => readIronicConnection({ 'os-endpoint': 'ironic:6385' }, {}, {})).to.throw(
      'the Ironic endpoint must be an http(s) URL, not "ironic:6385"',
    );
  });

  it('defaults: the fleet file concurrency, 1800 s per node, 10 s polls, 300 s to confirm', () => {
    expect(readApplySettings({}, FLEET, {})).to.deep.equal({
      concurrency: 3,
      includeControlPlane: false,
      dryRun: false,
      json: false,
      timeoutSeconds: 1800,
      pollIntervalMs: 10_000,
      confirmTimeoutMs: 300_000,
    });
  });

  const bad: [Record<string, string>, string][] = [
    [{ concurrency: '0' }, '--concurrency must be an integer from 1 to 1000, not "0"'],
    [{ timeout: '1.5' }, '--timeout must be an integer from 1 to 604800, not "1.5"'],
    [{ 'poll-interval': 'x' }, '--poll-interval must be an integer from 1 to 3600, not "x"'],
    [{ 'confirm-timeout': '-1' }, '--confirm-timeout must be an integer from 0 to 86400, not "-1"'],
  ];
  for (const [values, message] of bad) {
    it(`refuses ${JSON.stringify(values)}`, () => {
      expect(() => readApplySettings(values, FLEET, {})).to.throw(message);
    });
  }
});
