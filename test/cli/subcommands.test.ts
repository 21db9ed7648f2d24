import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/index.js';
import type { CliIO } from '../../common/cli/types.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The usage-error text every command prints (common/cli/report.ts). */
function usageError(words: string, message: string): string {
  const path = `ironic-coreos-agent${words === '' ? '' : ` ${words}`}`;
  return `${path}: ${message}\nRun "${path} --help" for usage.\n`;
}

describe('cli: every subcommand shares --help, the usage-error format and the exit codes', () => {
  let dir = '';
  let agentContext: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-shared-'));
    writeFileSync(join(dir, 'cmdline'), 'quiet\n');
    agentContext = ['--config-dir', dir, '--cmdline-path', join(dir, 'cmdline')];
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(argv: string[]): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
    const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
    const io: CliIO = { stdin: new PassThrough(), stdout: out, stderr: err, env: { HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  }

  /** Commands that run: their words, arguments they need anyway, and one bad value with its message. */
  const leaves: { words: string; context?: () => string[]; bad: string[]; message: string | RegExp }[] = [
    {
      words: 'agent',
      context: () => agentContext,
      bad: ['--listen-port', 'abc'],
      message: 'invalid value "abc" for listen_port (from --listen-port): expected an integer 1-65535',
    },
    {
      words: 'hints',
      bad: ['--device-allowlist', 'sda'],
      message: 'Device allowlist pattern "sda" must be a glob of /dev/ paths, e.g. /dev/sd* or /dev/nvme0n1',
    },
    {
      words: 'ignition build',
      bad: ['--host', 'h', '--spec', '9'],
      message: '--spec must be one of 3.0.0, 3.1.0, 3.2.0, 3.3.0, 3.4.0, got "9"',
    },
    {
      words: 'iso ignition embed',
      bad: ['-i', 'missing.ign', 'a.iso'],
      message: /^cannot read --ignition-file missing\.ign: ENOENT: /,
    },
    { words: 'iso ignition show', bad: ['a.iso', 'b.iso'], message: 'unexpected argument "b.iso"' },
    { words: 'iso ignition remove', bad: ['a.iso', '-o'], message: '--output needs a value' },
    {
      words: 'pxe ignition wrap',
      bad: ['--ignition-file', 'missing.ign'],
      message: /^cannot read --ignition-file missing\.ign: /,
    },
    { words: 'pxe ignition unwrap', bad: ['a.img', 'b.img'], message: 'unexpected argument "b.img"' },
  ];
  for (const leaf of leaves) {
    describe(leaf.words, () => {
      const words = leaf.words.split(' ');

      it('--help prints its help on stdout and exits 0', async () => {
        const result = await run([...words, ...(leaf.context?.() ?? []), '--help']);

        expect(result.code).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Usage: ironic-coreos-agent ${leaf.words} `));
        expect(result.stdout).to.match(/\n {2}-h, --help\n? +Show this help/);
        expect(result.stderr).to.equal('');
      });

      it('an unknown option exits 2 with the shared message', async () => {
        const result = await run([...words, ...(leaf.context?.() ?? []), '--frobnicate']);

        expect(result.code).to.equal(2);
        expect(result.stdout).to.equal('');
        expect(result.stderr).to.equal(usageError(leaf.words, 'unknown option --frobnicate'));
      });

      it('a bad value exits 2 with the shared message', async () => {
        const result = await run([...words, ...(leaf.context?.() ?? []), ...leaf.bad]);

        expect(result.code).to.equal(2);
        expect(result.stdout).to.equal('');
        if (typeof leaf.message === 'string') expect(result.stderr).to.equal(usageError(leaf.words, leaf.message));
        else {
          const [first = '', hint, end] = result.stderr.split('\n');
          expect(first.replace(`ironic-coreos-agent ${leaf.words}: `, '')).to.match(leaf.message);
          expect([hint, end]).to.deep.equal([`Run "ironic-coreos-agent ${leaf.words} --help" for usage.`, '']);
        }
      });
    });
  }

  /** Commands that select a command. */
  const groups: { words: string; commands: string }[] = [
    { words: '', commands: 'agent, hints, ignition, iso, pxe, reprovision, fleet' },
    { words: 'fleet', commands: 'status, apply' },
    { words: 'ignition', commands: 'build' },
    { words: 'iso', commands: 'ignition' },
    { words: 'iso ignition', commands: 'embed, show, remove' },
    { words: 'pxe', commands: 'ignition' },
    { words: 'pxe ignition', commands: 'wrap, unwrap' },
  ];
  for (const group of groups) {
    describe(group.words === '' ? '(top level)' : group.words, () => {
      const words = group.words === '' ? [] : group.words.split(' ');
      const path = `ironic-coreos-agent${group.words === '' ? '' : ` ${group.words}`}`;

      it('--help lists the commands and exits 0', async () => {
        const result = await run([...words, '--help']);

        expect(result.code).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`^Usage: ${path} <command> \\[options\\]\n`));
        expect(result.stdout).to.contain(`Run "${path} <command> --help" for the options of a command.`);
        expect(result.stderr).to.equal('');
      });

      it('an unknown option, an unknown command and no command exit 2 with the shared message', async () => {
        const results = [await run([...words, '--frobnicate']), await run([...words, 'frob']), await run(words)];

        expect(results.map((r) => r.code)).to.deep.equal([2, 2, 2]);
        expect(results.map((r) => r.stderr)).to.deep.equal([
          usageError(group.words, 'unknown option --frobnicate'),
          usageError(group.words, 'unknown command "frob"'),
          usageError(group.words, `missing command: one of ${group.commands}`),
        ]);
      });
    });
  }

  it('a runtime failure exits 1 as "<command>: error: <message>" with its causes', async () => {
    const show = await run(['iso', 'ignition', 'show', 'missing.iso']);
    const build = await run([
      'ignition',
      'build',
      '--host',
      'h',
      '--registry',
      'quay.io/example',
      '--no-ssh-key',
      '-o',
      'no-such-dir/agent.ign',
    ]);

    expect([show.code, build.code]).to.deep.equal([1, 1]);
    expect(show.stderr).to.equal(
      `ironic-coreos-agent iso ignition show: error: opening ${join(dir, 'missing.iso')}\n\nCaused by:\n` +
        `    ENOENT: no such file or directory, open '${join(dir, 'missing.iso')}'\n`,
    );
    expect(build.stderr).to.match(/^ironic-coreos-agent ignition build: error: ENOENT: no such file or directory/);
  });
});
