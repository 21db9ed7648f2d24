import { expect } from 'chai';
import { ConfigError } from '../../../common/errors.js';
import { errorChain, exitCodeFor, failureText, formatErrorChain } from '../../../common/cli/report.js';
import { UsageError } from '../../../common/cli/types.js';

/** A UsageError as another copy of the module would make it (tsx may load one per subcommand). */
function foreignUsageError(message: string): Error {
  const error = new Error(message);
  error.name = 'UsageError';
  return error;
}

describe('common/cli/report', () => {
  const cases: { name: string; error: unknown; code: number; text: string }[] = [
    {
      name: 'a UsageError',
      error: new UsageError('unknown option --x'),
      code: 2,
      text: 'p sub: unknown option --x\nRun "p sub --help" for usage.\n',
    },
    {
      name: "another module copy's UsageError",
      error: foreignUsageError('missing command'),
      code: 2,
      text: 'p sub: missing command\nRun "p sub --help" for usage.\n',
    },
    {
      name: 'a ConfigError (an invalid value, wherever it came from)',
      error: new ConfigError('invalid value "x" for port'),
      code: 2,
      text: 'p sub: invalid value "x" for port\nRun "p sub --help" for usage.\n',
    },
    { name: 'any other error', error: new Error('disk on fire'), code: 1, text: 'p sub: error: disk on fire\n' },
    {
      name: 'an error with a cause',
      error: new Error('opening a.iso', { cause: new Error('ENOENT') }),
      code: 1,
      text: 'p sub: error: opening a.iso\n\nCaused by:\n    ENOENT\n',
    },
    { name: 'a thrown string', error: 'boom', code: 1, text: 'p sub: error: boom\n' },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.code}`, () => {
      expect(exitCodeFor(c.error)).to.equal(c.code);
      expect(failureText('p sub', c.error)).to.equal(c.text);
    });
  }

  it('formats a single error as its message and a chain as anyhow does', () => {
    const chain = new Error('top', { cause: new Error('middle', { cause: new Error('bottom') }) });

    expect(formatErrorChain(new Error('alone'))).to.equal('alone');
    expect(formatErrorChain(new Error('top', { cause: 'why' }))).to.equal('top\n\nCaused by:\n    why');
    expect(formatErrorChain(chain)).to.equal('top\n\nCaused by:\n    0: middle\n    1: bottom');
    expect(errorChain(chain)).to.deep.equal(['top', 'middle', 'bottom']);
  });
});
