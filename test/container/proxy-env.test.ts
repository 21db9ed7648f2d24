import { expect } from 'chai';
import { ConfigError } from '../../common/errors.js';
import { NO_PROXY_SETTINGS, proxyEnvironment, renderEnvironmentFile } from '../../container/proxy-env.js';

describe('container/proxy-env', () => {
  it('returns nothing without proxies', () => {
    expect(proxyEnvironment(NO_PROXY_SETTINGS)).to.deep.equal({ inline: [], secret: [] });
  });

  it('keeps proxies without credentials inline', () => {
    const env = proxyEnvironment({
      httpProxy: 'http://proxy:3128',
      httpsProxy: 'socks5://proxy:1080',
      noProxy: '10.0.0.0/8,.cluster.local,[fd00::1]',
    });

    expect(env).to.deep.equal({
      inline: [
        ['HTTP_PROXY', 'http://proxy:3128'],
        ['HTTPS_PROXY', 'socks5://proxy:1080'],
        ['NO_PROXY', '10.0.0.0/8,.cluster.local,[fd00::1]'],
      ],
      secret: [],
    });
  });

  it('moves proxies with credentials to the secret file', () => {
    const env = proxyEnvironment({
      httpProxy: 'http://proxy:3128',
      httpsProxy: 'http://user:s3cr%40t@proxy:3128',
      noProxy: null,
    });

    expect(env.inline).to.deep.equal([['HTTP_PROXY', 'http://proxy:3128']]);
    expect(env.secret).to.deep.equal([['HTTPS_PROXY', 'http://user:s3cr%40t@proxy:3128']]);
    expect(renderEnvironmentFile(env.secret)).to.equal("HTTPS_PROXY='http://user:s3cr%40t@proxy:3128'\n");
  });

  const bad: [Partial<typeof NO_PROXY_SETTINGS>, RegExp][] = [
    [{ httpProxy: 'proxy:3128' }, /--http-proxy must use http, https, socks5 or socks5h/],
    [{ httpProxy: 'not a url' }, /--http-proxy must not contain spaces/],
    [{ httpsProxy: "http://u:it's@p:1" }, /quotes/],
    [{ httpsProxy: 'ftp://p:21' }, /--https-proxy must use/],
    [{ httpsProxy: 'http://p:1\n' }, /control characters/],
    [{ noProxy: 'a, b' }, /--no-proxy "a, b" must be a comma-separated list/],
    [{ noProxy: 'a\nHTTP_PROXY=x' }, /--no-proxy/],
  ];
  for (const [settings, message] of bad) {
    it(`rejects ${JSON.stringify(settings)}`, () => {
      expect(() => proxyEnvironment({ ...NO_PROXY_SETTINGS, ...settings })).to.throw(ConfigError, message);
    });
  }
});
