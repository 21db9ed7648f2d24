import { expect } from 'chai';
import { CommandExecutionError } from '../../../common/errors.js';
import { ProcessError } from '../../../common/exec/process-error.js';

describe('common/exec/process-error', () => {
  it("carries the command's outcome and serialises as a CommandExecutionError named ProcessError", () => {
    const cause = new Error('exit 3');
    const error = new ProcessError('Command false exited with code 3: no', ['false'], 3, 'out', 'no', false, cause);

    expect(error).to.be.instanceOf(CommandExecutionError);
    expect(error).to.include({ exitCode: 3, stdout: 'out', stderr: 'no', notFound: false, cause });
    expect(error.argv).to.deep.equal(['false']);
    expect(error.toJSON()).to.deep.equal({
      type: 'ProcessError',
      code: 500,
      message: 'Command execution failed',
      details: 'Command false exited with code 3: no',
    });
  });
});
