import { expect } from 'chai';
import { stripAnsi } from '../../../testbed/vm/ansi.js';

describe('testbed/vm/ansi stripAnsi', () => {
  const cases: Array<[string, string, string, string]> = [
    ['plain text passes', 'BdsDxe: loading\r\n', 'BdsDxe: loading\n', ''],
    ['clear screen and cursor moves go', '\x1b[2J\x1b[01;01HShell> ', 'Shell> ', ''],
    ['colour attributes go', '\x1b[1m\x1b[33m\x1b[40mShell> \x1b[0m', 'Shell> ', ''],
    ['the private mode sequence OVMF sends goes', '\x1b[=3hUEFI', 'UEFI', ''],
    ['a sequence cut at the end is carried', 'Map\x1b[1;3', 'Map', '\x1b[1;3'],
    ['a lone ESC at the end is carried', 'Map\x1b', 'Map', '\x1b'],
  ];
  for (const [name, chunk, text, carry] of cases)
    it(name, () => {
      expect(stripAnsi(chunk)).to.deep.equal({ text, carry });
    });

  it('joins a sequence split across two chunks', () => {
    const first = stripAnsi('A\x1b[0');

    const second = stripAnsi(`${first.carry}1;01HB`);

    expect(first.text + second.text).to.equal('AB');
  });
});
