import { expect } from 'chai';
import { helpRequested, parseOptions, readOptionFile, type Operands } from '../../../common/cli/options.js';
import { UsageError } from '../../../common/cli/types.js';

const TABLE = {
  host: { type: 'string', help: 'h' },
  output: { type: 'string', short: 'o', help: 'o' },
  merge: { type: 'string', multiple: true, help: 'm' },
  force: { type: 'boolean', short: 'f', help: 'f' },
} as const;
const ONE_FILE: Operands = { name: 'FILE', min: 1, max: 1 };

describe('common/cli/options', () => {
  describe('parseOptions', () => {
    const accepted: { argv: string[]; operands?: Operands; values: object; rest?: string[] }[] = [
      { argv: [], values: {} },
      { argv: ['--host', 'h', '-o', 'x'], values: { host: 'h', output: 'x' } },
      { argv: ['--host=h', '--output=-'], values: { host: 'h', output: '-' } },
      { argv: ['--merge', 'a', '--merge', 'b'], values: { merge: ['a', 'b'] } },
      { argv: ['-f'], values: { force: true } },
      { argv: ['-fo', 'x'], values: { force: true, output: 'x' } },
      { argv: ['a.iso'], operands: ONE_FILE, values: {}, rest: ['a.iso'] },
      { argv: ['--', '-weird.iso'], operands: ONE_FILE, values: {}, rest: ['-weird.iso'] },
    ];
    for (const c of accepted) {
      it(`accepts ${JSON.stringify(c.argv)}`, () => {
        const parsed = parseOptions(c.argv, TABLE, c.operands);

        expect(parsed.values).to.deep.equal(c.values);
        expect(parsed.operands).to.deep.equal(c.rest ?? []);
      });
    }

    const rejected: { argv: string[]; operands?: Operands; message: string }[] = [
      { argv: ['--bogus'], message: 'unknown option --bogus' },
      { argv: ['-x'], message: 'unknown option -x' },
      { argv: ['--host'], message: '--host needs a value' },
      { argv: ['-o'], message: '--output needs a value' },
      { argv: ['--force=yes'], message: '--force takes no value' },
      {
        argv: ['--host', '--force'],
        message: '--host needs a value (write --host=VALUE for a value that starts with "-")',
      },
      { argv: ['extra'], message: 'unexpected argument "extra"' },
      { argv: [], operands: ONE_FILE, message: 'missing required argument <FILE>' },
      { argv: ['a', 'b'], operands: ONE_FILE, message: 'unexpected argument "b"' },
    ];
    for (const c of rejected) {
      it(`rejects ${JSON.stringify(c.argv)}: ${c.message}`, () => {
        expect(() => parseOptions(c.argv, TABLE, c.operands))
          .to.throw(UsageError)
          .with.property('message', c.message);
      });
    }
  });

  describe('helpRequested', () => {
    const table: [string[], boolean][] = [
      [['--help'], true],
      [['-h'], true],
      [['--bogus', 'x', '-h'], true],
      [['--', '--help'], false],
      [['--helpful'], false],
      [[], false],
    ];
    for (const [argv, expected] of table) {
      it(`${JSON.stringify(argv)} → ${String(expected)}`, () => {
        expect(helpRequested(argv)).to.equal(expected);
      });
    }
  });

  describe('readOptionFile', () => {
    it('returns what the reader returns', async () => {
      expect(await readOptionFile('--node', 'n.json', async () => 'text')).to.equal('text');
    });

    it('turns a read failure into a usage error naming the option, the path and the reason', async () => {
      const error = await readOptionFile('--node', 'n.json', () =>
        Promise.reject(new Error('ENOENT: no such file')),
      ).catch((e: unknown) => e);

      expect(error)
        .to.be.instanceOf(UsageError)
        .with.property('message', 'cannot read --node n.json: ENOENT: no such file');
    });
  });
});
