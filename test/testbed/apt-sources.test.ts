import { expect } from 'chai';
import { findArchiveMirror, findMirror, parseDeb822Sources, parseOneLineSources } from '../../testbed/apt-sources.js';

describe('testbed/apt-sources', () => {
  it('parses one-line sources, skipping deb-src, comments and options', () => {
    const text = [
      '# main mirror',
      'deb http://mirror.example/debian bookworm main contrib',
      'deb-src http://src.example/debian bookworm main',
      'deb [arch=amd64 signed-by=/k.gpg] https://other.example/debian bookworm-updates main # trailing',
      '',
    ].join('\n');

    expect(parseOneLineSources(text)).to.deep.equal([
      { uri: 'http://mirror.example/debian', suites: ['bookworm'] },
      { uri: 'https://other.example/debian', suites: ['bookworm-updates'] },
    ]);
  });

  it('parses deb822 stanzas with comments, several suites and disabled entries', () => {
    const text = [
      'Types: deb',
      '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb-src',
      'URIs: http://src.example/debian',
      'Suites: bookworm',
      '',
      'Types: deb',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      'Enabled: no',
    ].join('\n');

    expect(parseDeb822Sources(text)).to.deep.equal([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] },
    ]);
  });

  it('finds the first http(s) mirror serving the suite itself', () => {
    const sources = [
      { uri: 'http://security.example/debian-security', suites: ['bookworm-security'] },
      { uri: 'file:/srv/local', suites: ['bookworm'] },
      { uri: 'http://deb.example/debian', suites: ['bookworm', 'bookworm-updates'] },
    ];

    expect(findMirror(sources, 'bookworm')).to.equal('http://deb.example/debian');
    expect(findMirror(sources, 'trixie')).to.equal(null);
  });

  it('finds the archive mirror for a release the machine does not use: the one serving its own release', () => {
    const sources = [
      { uri: 'http://security.example/debian-security', suites: ['bookworm-security'] },
      { uri: 'http://updates.example/debian', suites: ['bookworm-updates'] },
      { uri: 'http://deb.example/debian', suites: ['bookworm'] },
    ];

    expect(findArchiveMirror(sources, 'forky')).to.equal('http://deb.example/debian');
    expect(
      findArchiveMirror([...sources, { uri: 'http://trixie.example/debian', suites: ['trixie'] }], 'trixie'),
    ).to.equal('http://trixie.example/debian');
    expect(findArchiveMirror(sources.slice(0, 2), 'forky')).to.equal(null);
  });
});
