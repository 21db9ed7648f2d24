import { expect } from 'chai';
import { parseIni, type IniDocument } from '../../../agent/config/ini.js';
import { ConfigError } from '../../../common/errors.js';

const FILE = '/etc/ironic-python-agent/10-x.conf';

describe('config/ini', () => {
  const good: Array<[string, string, IniDocument]> = [
    [
      'sections and key = value',
      '[DEFAULT]\napi_url = http://a:6385\n',
      { DEFAULT: { api_url: { value: 'http://a:6385', line: 2 } } },
    ],
    ['key: value (colon first)', '[DEFAULT]\ndebug: true\n', { DEFAULT: { debug: { value: 'true', line: 2 } } }],
    [
      '"=" before ":" splits at "="',
      '[DEFAULT]\napi_url=http://a:6385\n',
      { DEFAULT: { api_url: { value: 'http://a:6385', line: 2 } } },
    ],
    ['":" before "=" splits at ":"', '[DEFAULT]\nk: a=b\n', { DEFAULT: { k: { value: 'a=b', line: 2 } } }],
    [
      'full-line # and ; comments',
      '# top\n[DEFAULT]\n; semi\n#debug = true\nx = 1\n',
      { DEFAULT: { x: { value: '1', line: 5 } } },
    ],
    [
      'trailing # stays in the value (as oslo)',
      '[DEFAULT]\nx = 1 # not a comment\n',
      { DEFAULT: { x: { value: '1 # not a comment', line: 2 } } },
    ],
    [
      'matching quotes are dropped once',
      '[DEFAULT]\na = "x y"\nb = \'z\'\nc = "q\'\nd = ""\n',
      {
        DEFAULT: {
          a: { value: 'x y', line: 2 },
          b: { value: 'z', line: 3 },
          c: { value: '"q\'', line: 4 },
          d: { value: '', line: 5 },
        },
      },
    ],
    ['empty value', '[DEFAULT]\nagent_token =\n', { DEFAULT: { agent_token: { value: '', line: 2 } } }],
    ['last assignment wins, with its line', '[DEFAULT]\nx = 1\nx = 2\n', { DEFAULT: { x: { value: '2', line: 3 } } }],
    [
      'repeated section merges',
      '[DEFAULT]\nx = 1\n[mdns]\ny = 2\n[DEFAULT]\nz = 3\n',
      { DEFAULT: { x: { value: '1', line: 2 }, z: { value: '3', line: 6 } }, mdns: { y: { value: '2', line: 4 } } },
    ],
    ['CRLF line endings and blank lines', '[DEFAULT]\r\n\r\nx = 1\r\n', { DEFAULT: { x: { value: '1', line: 3 } } }],
    ['empty section', '[DEFAULT]\n', { DEFAULT: {} }],
    ['empty text', '', {}],
    // oslo_config/iniparser.py: an indented line continues the value above it, joined with a newline.
    [
      'indented continuation lines (oslo: joined with newlines)',
      '[DEFAULT]\napi_url = http://a:6385,\n    http://b:6385\n\tnext\ny = 2\n',
      { DEFAULT: { api_url: { value: 'http://a:6385,\nhttp://b:6385\nnext', line: 2 }, y: { value: '2', line: 5 } } },
    ],
    [
      'a value that starts on the next line',
      '[DEFAULT]\ndevice_allowlist =\n  /dev/sda,\n  /dev/sdb\n',
      { DEFAULT: { device_allowlist: { value: '\n/dev/sda,\n/dev/sdb', line: 2 } } },
    ],
    [
      'an indented "#" as part of the value, as oslo reads it',
      '[DEFAULT]\nx = 1\n  # two\n',
      { DEFAULT: { x: { value: '1\n# two', line: 2 } } },
    ],
    [
      'quotes removed from the first line only',
      '[DEFAULT]\nx = "a"\n  "b"\n',
      { DEFAULT: { x: { value: 'a\n"b"', line: 2 } } },
    ],
    [
      'a continued value at the end of the text',
      '[DEFAULT]\nx = 1\n  2',
      { DEFAULT: { x: { value: '1\n2', line: 2 } } },
    ],
  ];
  for (const [name, text, expected] of good) {
    it(`parses ${name}`, () => {
      expect(parseIni(text, FILE)).to.deep.equal(expected);
    });
  }

  const bad: Array<[string, string, string]> = [
    [
      'a key before any section',
      'debug = true\n',
      `${FILE} line 1: assignment before any [section] header; add [DEFAULT] above it: "debug = true"`,
    ],
    ['a line without = or :', '[DEFAULT]\njust words\n', `${FILE} line 2: expected "key = value": "just words"`],
    ['an empty key', '[DEFAULT]\n= 3\n', `${FILE} line 2: empty key before "=": "= 3"`],
    ['an unterminated section', '[DEFAULT\n', `${FILE} line 1: section header must end with "]": "[DEFAULT"`],
    ['an empty section name', '[]\n', `${FILE} line 1: empty section name: "[]"`],
    [
      'an indented line after a blank line (oslo: a blank line ends a value)',
      '[DEFAULT]\nx = 1\n\n  more\n',
      `${FILE} line 4: indented line continues no value (a blank line, comment or section ends a value); remove the leading whitespace: "  more"`,
    ],
    [
      'an indented line after a comment',
      '[DEFAULT]\nx = 1\n# note\n  more\n',
      `${FILE} line 4: indented line continues no value (a blank line, comment or section ends a value); remove the leading whitespace: "  more"`,
    ],
    [
      'an indented line right after a section header',
      '[DEFAULT]\n\tx = 1\n',
      `${FILE} line 2: indented line continues no value (a blank line, comment or section ends a value); remove the leading whitespace: "\\tx = 1"`,
    ],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name}, naming file and line`, () => {
      expect(() => parseIni(text, FILE))
        .to.throw(ConfigError)
        .with.property('message', message);
    });
  }
});
