import { expect } from 'chai';
import { resolveSettings, validateSettings, type ResolvedSettings } from '../../testbed/ironic-settings.js';

const base: ResolvedSettings = resolveSettings({ dir: '/srv/tb', hostIp: '10.9.8.1', port: 6390 });

describe('testbed/ironic-settings validateSettings', () => {
  const table: Array<[string, Partial<ResolvedSettings>, RegExp]> = [
    ['a relative dir', { dir: 'tb' }, /must be an absolute path/],
    ['port 0', { port: 0 }, /port=0 must be a TCP port/],
    ['port 70000', { port: 70000 }, /port=70000 must be a TCP port/],
    [
      'a fractional callback timeout',
      { callbackTimeout: 1.5 },
      /callbackTimeout=1.5 must be a whole number of seconds/,
    ],
    ['a zero check interval', { checkProvisionInterval: 0 }, /checkProvisionInterval=0/],
    ['inspector on the Ironic port', { inspector: true, inspectorPort: 6390 }, /cannot both use port 6390/],
  ];
  for (const [what, change, message] of table) {
    it(`rejects ${what}`, () => expect(() => validateSettings({ ...base, ...change })).to.throw(message));
  }

  it('accepts the defaults', () => expect(() => validateSettings(base)).to.not.throw());
});
