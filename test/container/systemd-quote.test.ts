import { expect } from 'chai';
import { ConfigError } from '../../common/errors.js';
import { quoteEnvironment, quoteExecArgv } from '../../container/systemd-quote.js';

describe('container/systemd-quote', () => {
  const exec: [string[], string][] = [
    [['/usr/bin/podman', 'run', '--rm'], '/usr/bin/podman run --rm'],
    [['/bin/echo', 'a b'], '/bin/echo "a b"'],
    [['/bin/echo', ''], '/bin/echo ""'],
    [['/bin/echo', '100%'], '/bin/echo 100%%'],
    [['/bin/echo', '$HOME', '${X}'], '/bin/echo $$HOME $${X}'],
    [['/bin/echo', 'say "hi"'], '/bin/echo "say \\"hi\\""'],
    [['/bin/echo', 'back\\slash'], '/bin/echo "back\\\\slash"'],
    [['/bin/echo', ';'], '/bin/echo ";"'],
    [['/bin/echo', "it's"], '/bin/echo "it\'s"'],
    [['/bin/echo', 'line1\nline2\ttab\u0001'], '/bin/echo "line1\\nline2\\ttab\\x01"'],
    [['/bin/echo', 'a b%$c'], '/bin/echo "a b%%$$c"'],
  ];
  for (const [argv, expected] of exec) {
    it(`quotes ${JSON.stringify(argv.slice(1))}`, () => {
      expect(quoteExecArgv(argv)).to.equal(expected);
    });
  }

  it('rejects an empty argv and a program that is not a plain absolute path', () => {
    expect(() => quoteExecArgv([])).to.throw(ConfigError, /empty/);
    expect(() => quoteExecArgv(['podman', 'run'])).to.throw(ConfigError, /absolute path/);
    expect(() => quoteExecArgv(['/usr/bin/my tool'])).to.throw(ConfigError, /absolute path/);
    expect(() => quoteExecArgv(['-/usr/bin/podman'])).to.throw(ConfigError, /absolute path/);
  });

  const env: [string, string, string][] = [
    ['HTTP_PROXY', 'http://proxy:3128', '"HTTP_PROXY=http://proxy:3128"'],
    ['NO_PROXY', 'a b', '"NO_PROXY=a b"'],
    ['X', '50%$', '"X=50%%$"'],
    ['X', 'q"\\', '"X=q\\"\\\\"'],
  ];
  for (const [name, value, expected] of env) {
    it(`quotes Environment ${name}=${JSON.stringify(value)}`, () => {
      expect(quoteEnvironment(name, value)).to.equal(expected);
    });
  }

  it('rejects invalid variable names', () => {
    expect(() => quoteEnvironment('A-B', 'x')).to.throw(ConfigError, /invalid environment variable name/);
    expect(() => quoteEnvironment('A=B', 'x')).to.throw(ConfigError);
  });
});
