import { expect } from 'chai';
import { findMirror, parseDeb822Sources, parseOneLineSources } from './apt-sources.js';

describe('test/helpers/apt-sources', () => {
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

    expect(parseDeb822Sources(text)).to.deep.equal([{ uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] }]);
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
});
