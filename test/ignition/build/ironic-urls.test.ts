import { expect } from 'chai';
import { UsageError } from '../../../common/cli/types.js';
import { ironicUrls, urlHost } from '../../../ignition/build/ironic-urls.js';

describe('ignition/build/ironic-urls', () => {
  const hosts: [string, string][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['::1', '[::1]'],
    ['[fd00::5]', '[fd00::5]'],
    ['ironic.local.', 'ironic.local.'],
  ];
  for (const [given, expected] of hosts) {
    it(`formats --host ${given} for URLs as ${expected}`, () => {
      expect(urlHost(given)).to.equal(expected);
    });
  }

  it('keeps --api-url and --inspection-url as given without --host', () => {
    expect(
      ironicUrls({ 'api-url': ['http://a:1'], 'inspection-url': ['http://a:2/v1/continue'] }, false),
    ).to.deep.equal({ apiUrls: ['http://a:1'], inspectionUrls: ['http://a:2/v1/continue'] });
  });

  it('refuses --insecure/--ca-file (tls) with http URLs only', () => {
    expect(() => ironicUrls({ 'api-url': ['http://a:1'] }, true)).to.throw(UsageError, /only apply to https URLs/);
  });
});
