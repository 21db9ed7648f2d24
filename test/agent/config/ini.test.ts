import { expect } from 'chai';
import { parseIni, type IniDocument } from '../../../agent/config/ini.js';
import { ConfigError } from '../../../agent/errors.js';

const FILE = '/etc/ironic-python-agent/10-x.conf';

describe('config/ini', () => {
  const good: Array<[string, string, IniDocument]> = [
    ['sections and key = value', '[DEFAULT]\napi_url = http://a:6385\n', { DEFAULT: { api_url: { value: 'http://a:6385', line: 2 } } }],
    ['key: value (colon first)', '[DEFAULT]\ndebug: true\n', { DEFAULT: { debug: { value: 'true', line: 2 } } }],
    ['"=" before ":" splits at "="', '[DEFAULT]\napi_url=http://a:6385\n', { DEFAULT: { api_url: { value: 'http://a:6385', line: 2 } } }],
    ['":" before "=" splits at ":"', '[DEFAULT]\nk: a=b\n', { DEFAULT: { k: { value: 'a=b', line: 2 } } }],
    ['full-line # and ; comments', '# top\n[DEFAULT]\n; semi\n#debug = true\nx = 1\n', { DEFAULT: { x: { value: '1', line: 5 } } }],
    ['trailing # stays in the value (as oslo)', '[DEFAULT]\nx = 1 # not a comment\n', { DEFAULT: { x: { value: '1 # not a comment', line: 2 } } }],
    ['matching quotes are dropped once', '[DEFAULT]\na = "x y"\nb = \'z\'\nc = "q\'\nd = ""\n',
      { DEFAULT: { a: { value: 'x y', line: 2 }, b: { value: 'z', line: 3 }, c: { value: '"q\'', line: 4 }, d: { value: '', line: 5 } } }],
    ['empty value', '[DEFAULT]\nagent_token =\n', { DEFAULT: { agent_token: { value: '', line: 2 } } }],
    ['last assignment wins, with its line', '[DEFAULT]\nx = 1\nx = 2\n', { DEFAULT: { x: { value: '2', line: 3 } } }],
    ['repeated section merges', '[DEFAULT]\nx = 1\n[mdns]\ny = 2\n[DEFAULT]\nz = 3\n',
      { DEFAULT: { x: { value: '1', line: 2 }, z: { value: '3', line: 6 } }, mdns: { y: { value: '2', line: 4 } } }],
    ['CRLF line endings and blank lines', '[DEFAULT]\r\n\r\nx = 1\r\n', { DEFAULT: { x: { value: '1', line: 3 } } }],
    ['empty section', '[DEFAULT]\n', { DEFAULT: {} }],
    ['empty text', '', {}],
  ];
  for (const [name, text, expected] of good) {
    it(`parses ${name}`, () => {
      expect(parseIni(text, FILE)).to.deep.equal(expected);
    });
  }

  const bad: Array<[string, string, string]> = [
    ['a key before any section', 'debug = true\n', `${FILE} line 1: assignment before any [section] header; add [DEFAULT] above it: "debug = true"`],
    ['a line without = or :', '[DEFAULT]\njust words\n', `${FILE} line 2: expected "key = value": "just words"`],
    ['an empty key', '[DEFAULT]\n= 3\n', `${FILE} line 2: empty key before "=": "= 3"`],
    ['an unterminated section', '[DEFAULT\n', `${FILE} line 1: section header must end with "]": "[DEFAULT"`],
    ['an empty section name', '[]\n', `${FILE} line 1: empty section name: "[]"`],
    ['an indented (continuation) line', '[DEFAULT]\nx = 1\n  more\n',
      `${FILE} line 3: indented line (continuation lines are not supported); remove the leading whitespace: "  more"`],
    ['a tab-indented line', '[DEFAULT]\n\tx = 1\n', `${FILE} line 2: indented line (continuation lines are not supported); remove the leading whitespace: "\\tx = 1"`],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name}, naming file and line`, () => {
      expect(() => parseIni(text, FILE)).to.throw(ConfigError).with.property('message', message);
    });
  }
});
