import { expect } from 'chai';
import { checkDesired, DesiredConfigError, loadDesired } from '../../fleet/desired.js';
import { configSha256 } from '../../ignition/hash.js';

describe('fleet/desired', () => {
  const text = '{"ignition": {"version": "3.4.0"}, "passwd": {"users": [{"name": "core", "gecos": "é"}]}}\n';

  it('hashes exactly as reprovision does (sha256sum of the file), so desired and reported sums compare', () => {
    expect(checkDesired(text, 'c.ign')).to.equal('bfdd28f1ed373fd7fd29f03354c3ab4bf76cd42f18805e80cf570b0d93bf9848');
    expect(checkDesired(text, 'c.ign')).to.equal(configSha256(text));
  });

  const bad: [string, string, RegExp][] = [
    ['text that is not JSON', 'variant: fcos', /c.ign is not JSON/],
    ['a 2.x config', '{"ignition": {"version": "2.2.0"}}', /c.ign is not a valid Ignition config: /],
  ];
  for (const [what, config, message] of bad) {
    it(`refuses ${what}`, () => expect(() => checkDesired(config, 'c.ign')).to.throw(DesiredConfigError, message));
  }

  it('names a source it cannot read', async () => {
    const read = async (): Promise<string> => Promise.reject(new Error('HTTP 404'));
    try {
      await loadDesired('https://x/c.ign', read);
      expect.fail('expected a DesiredConfigError');
    } catch (error) {
      expect((error as Error).message).to.equal('cannot read https://x/c.ign: HTTP 404');
    }
  });
});
