import { expect } from 'chai';
import { configReferences, sourceScheme } from '../../../reprovision/config/references.js';

describe('reprovision/config/references', () => {
  it('finds every source the spec allows, with pinned hashes, in document order', () => {
    const config = {
      ignition: {
        version: '3.4.0',
        config: { merge: [{ source: 'http://x/m.ign' }], replace: { source: 'https://x/r.ign' } },
        security: { tls: { certificateAuthorities: [{ source: 'data:,ca' }] } },
      },
      storage: {
        files: [
          { path: '/a', contents: { source: 'http://x/a', verification: { hash: 'sha512-00' } } },
          { path: '/b', append: [{ source: 's3://bucket/b' }, { inline: 'x' }] },
          { path: '/c', contents: { inline: 'x' } },
        ],
        luks: [{ name: 'l', keyFile: { source: 'tftp://x/k' } }],
      },
    };
    expect(configReferences(config)).to.deep.equal([
      { path: '$.ignition.config.merge.0', source: 'http://x/m.ign' },
      { path: '$.ignition.config.replace', source: 'https://x/r.ign' },
      { path: '$.ignition.security.tls.certificateAuthorities.0', source: 'data:,ca' },
      { path: '$.storage.files.0.contents', source: 'http://x/a', hash: 'sha512-00' },
      { path: '$.storage.files.1.append.0', source: 's3://bucket/b' },
      { path: '$.storage.luks.0.keyFile', source: 'tftp://x/k' },
    ]);
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['an array', []],
    ['files not an array', { storage: { files: {} } }],
    ['a file that is a string', { storage: { files: ['x'] } }],
    ['an empty source', { storage: { files: [{ contents: { source: '' } }] } }],
    ['a numeric source', { storage: { files: [{ contents: { source: 1 } }] } }],
  ];
  for (const [name, config] of malformed) {
    it(`skips ${name}`, () => expect(configReferences(config)).to.deep.equal([]));
  }

  const schemes: [string, string][] = [
    ['HTTP://x', 'http'],
    ['data:,x', 'data'],
    ['s3://b/k', 's3'],
    ['/relative', ''],
  ];
  for (const [source, scheme] of schemes) {
    it(`reads the scheme of ${source}`, () => expect(sourceScheme(source)).to.equal(scheme));
  }
});
