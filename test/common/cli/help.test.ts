import { expect } from 'chai';
import { commandHelp, groupHelp } from '../../../common/cli/help.js';

describe('common/cli/help', () => {
  describe('commandHelp', () => {
    const cases: { name: string; help: Parameters<typeof commandHelp>[0]; expected: string[] }[] = [
      {
        name: 'no options: the usage line has no [options] and help is the only option',
        help: { path: 'p show', description: 'Show it.', options: {}, operands: { name: 'ISO', min: 1, max: 1 } },
        expected: [
          'Usage: p show <ISO>',
          '',
          'Show it.',
          '',
          'Options:',
          '  -h, --help  Show this help',
          '',
          'Exit status: 0 success, 1 runtime error, 2 usage error or invalid option value.',
          '',
        ],
      },
      {
        name: 'two columns, short options, values, continuation lines, an optional operand',
        help: {
          path: 'p wrap',
          description: 'Wrap it.',
          options: {
            'ignition-file': { type: 'string', short: 'i', value: 'path', help: 'The config\n(default: stdin)' },
            force: { type: 'boolean', help: 'Replace' },
          },
          operands: { name: 'initrd', min: 0, max: 1 },
        },
        expected: [
          'Usage: p wrap [options] [initrd]',
          '',
          'Wrap it.',
          '',
          'Options:',
          '  -i, --ignition-file <path>  The config',
          '                              (default: stdin)',
          '  --force                     Replace',
          '  -h, --help                  Show this help',
          '',
          'Exit status: 0 success, 1 runtime error, 2 usage error or invalid option value.',
          '',
        ],
      },
      {
        name: 'sections in order of first use, help in the last, exit status meanings, long options on their own line',
        help: {
          path: 'p b',
          description: 'B.',
          options: {
            a: { type: 'string', section: 'First', help: 'A' },
            'a-very-long-option-name-indeed': { type: 'string', value: 'long-value', section: 'Second', help: 'L' },
            b: { type: 'boolean', section: 'First', help: 'B' },
          },
          exitStatus: { ok: 'found', failure: 'not found' },
        },
        expected: [
          'Usage: p b [options]',
          '',
          'B.',
          '',
          'First:',
          '  --a <value>                     A',
          '  --b                             B',
          '',
          'Second:',
          '  --a-very-long-option-name-indeed <long-value>',
          '                                  L',
          '  -h, --help                      Show this help',
          '',
          'Exit status: 0 found, 1 not found, 2 usage error or invalid option value.',
          '',
        ],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(commandHelp(c.help).split('\n')).to.deep.equal(c.expected);
      });
    }
  });

  it('groupHelp lists the commands and how to get their help', () => {
    const text = groupHelp('p iso', 'ISO things.', [
      { name: 'ignition', summary: 'Embed' },
      { name: 'x', summary: 'Other' },
    ]);

    expect(text.split('\n')).to.deep.equal([
      'Usage: p iso <command> [options]',
      '',
      'ISO things.',
      '',
      'Commands:',
      '  ignition  Embed',
      '  x         Other',
      '',
      'Run "p iso <command> --help" for the options of a command.',
      '',
    ]);
  });
});
