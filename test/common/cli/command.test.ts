import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { groupCommand, leafCommand } from '../../../common/cli/command.js';
import type { CliIO, Subcommand } from '../../../common/cli/types.js';
import { UsageError } from '../../../common/cli/types.js';
import { ConfigError } from '../../../common/errors.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function invoke(command: Subcommand, argv: string[], path?: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
  const io: CliIO = { stdin: new PassThrough(), stdout: out, stderr: err, env: {}, cwd: '/' };
  const code = await command.run(argv, io, path);
  return { code, stdout, stderr };
}

/** A leaf whose run does what `--do` says. */
function leaf(): Subcommand {
  return leafCommand({
    name: 'leaf',
    summary: 'Do a thing',
    options: { do: { type: 'string', help: 'what to do' } },
    operands: { name: 'FILE', min: 0, max: 1 },
    precheck: (argv) => {
      if (argv.includes('--tls')) throw new UsageError('--tls is not ours');
    },
    run: async ({ values, operands }, io) => {
      if (values.do === 'fail') throw new Error('disk on fire', { cause: new Error('ENOSPC') });
      if (values.do === 'bad-value') throw new ConfigError('invalid value "x"');
      if (values.do === 'usage') throw new UsageError('use either a or b');
      if (values.do === 'one') return 1;
      io.stdout.write(`did ${operands[0] ?? 'nothing'}\n`);
    },
  });
}

const USAGE = (path: string, message: string): string => `${path}: ${message}\nRun "${path} --help" for usage.\n`;

describe('common/cli/command', () => {
  describe('leafCommand', () => {
    const P = 'ironic-coreos-agent leaf';
    const cases: { argv: string[]; code: number; stdout?: RegExp | string; stderr: string }[] = [
      { argv: ['f'], code: 0, stdout: 'did f\n', stderr: '' },
      { argv: ['--do', 'one'], code: 1, stdout: '', stderr: '' },
      {
        argv: ['--help'],
        code: 0,
        stdout: /^Usage: ironic-coreos-agent leaf \[options\] \[FILE\]\n\nDo a thing\.\n/,
        stderr: '',
      },
      { argv: ['--bogus', '-h'], code: 0, stdout: /^Usage: /, stderr: '' },
      { argv: ['--bogus'], code: 2, stdout: '', stderr: USAGE(P, 'unknown option --bogus') },
      { argv: ['a', 'b'], code: 2, stdout: '', stderr: USAGE(P, 'unexpected argument "b"') },
      { argv: ['--tls', 'on'], code: 2, stdout: '', stderr: USAGE(P, '--tls is not ours') },
      { argv: ['--do', 'usage'], code: 2, stdout: '', stderr: USAGE(P, 'use either a or b') },
      { argv: ['--do', 'bad-value'], code: 2, stdout: '', stderr: USAGE(P, 'invalid value "x"') },
      {
        argv: ['--do', 'fail'],
        code: 1,
        stdout: '',
        stderr: `${P}: error: disk on fire\n\nCaused by:\n    ENOSPC\n`,
      },
    ];
    for (const c of cases) {
      it(`${JSON.stringify(c.argv)} → exit ${c.code}`, async () => {
        const result = await invoke(leaf(), c.argv);

        expect(result.code).to.equal(c.code);
        if (c.stdout instanceof RegExp) expect(result.stdout).to.match(c.stdout);
        else expect(result.stdout).to.equal(c.stdout);
        expect(result.stderr).to.equal(c.stderr);
      });
    }

    it('names the path its parent gives', async () => {
      const result = await invoke(leaf(), ['--bogus'], 'p group leaf');

      expect(result.stderr).to.equal(USAGE('p group leaf', 'unknown option --bogus'));
    });
  });

  describe('groupCommand', () => {
    let loads = 0;
    const thrower: Subcommand = {
      name: 'raw',
      summary: 'Throws',
      run: async () => {
        throw new ConfigError('invalid value "abc" for listen_port');
      },
    };
    const group = (): Subcommand =>
      groupCommand({
        name: 'grp',
        summary: 'A group',
        commands: [
          leaf(),
          thrower,
          {
            name: 'lazy',
            load: async () => {
              loads += 1;
              return leaf();
            },
          },
        ],
      });
    const P = 'ironic-coreos-agent grp';
    const cases: { argv: string[]; code: number; stdout: RegExp | string; stderr: string }[] = [
      { argv: ['leaf', 'x'], code: 0, stdout: 'did x\n', stderr: '' },
      { argv: [], code: 2, stdout: '', stderr: USAGE(P, 'missing command: one of leaf, raw, lazy') },
      { argv: ['nope'], code: 2, stdout: '', stderr: USAGE(P, 'unknown command "nope"') },
      { argv: ['--nope'], code: 2, stdout: '', stderr: USAGE(P, 'unknown option --nope') },
      { argv: ['leaf', '--bogus'], code: 2, stdout: '', stderr: USAGE(`${P} leaf`, 'unknown option --bogus') },
      { argv: ['raw'], code: 2, stdout: '', stderr: USAGE(`${P} raw`, 'invalid value "abc" for listen_port') },
      {
        argv: ['help'],
        code: 0,
        stdout: /\n {2}leaf {2}Do a thing\n {2}raw {3}Throws\n {2}lazy {2}Do a thing\n/,
        stderr: '',
      },
      {
        argv: ['-h'],
        code: 0,
        stdout: /^Usage: ironic-coreos-agent grp <command> \[options\]\n\nA group\.\n/,
        stderr: '',
      },
    ];
    for (const c of cases) {
      it(`${JSON.stringify(c.argv)} → exit ${c.code}`, async () => {
        const result = await invoke(group(), c.argv);

        expect(result.code).to.equal(c.code);
        if (c.stdout instanceof RegExp) expect(result.stdout).to.match(c.stdout);
        else expect(result.stdout).to.equal(c.stdout);
        expect(result.stderr).to.equal(c.stderr);
      });
    }

    it('loads a lazy command only when it runs', async () => {
      loads = 0;
      const command = group();

      await invoke(command, ['leaf']);
      const before = loads;
      await invoke(command, ['lazy', 'y']);

      expect([before, loads]).to.deep.equal([0, 1]);
    });
  });
});
