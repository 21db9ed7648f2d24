import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { ProcessError } from '../../../common/exec/process-error.js';

describe('ExecaRunner', () => {
  const runner = new ExecaRunner();

  it('returns stdout, stderr and the exit code of a real program', async () => {
    const result = await runner.run(['sh', '-c', 'echo out; echo err >&2']);

    expect(result).to.deep.equal({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('throws ProcessError with the exit code and stderr tail on failure', async () => {
    const error = await runner.run(['sh', '-c', 'echo boom >&2; exit 3']).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(ProcessError);
    const failure = error as ProcessError;
    expect(failure.exitCode).to.equal(3);
    expect(failure.details).to.contain('exited with code 3: boom');
    expect(failure.toJSON().type).to.equal('ProcessError');
  });

  it('accepts exit codes listed in okExitCodes', async () => {
    const result = await runner.run(['sh', '-c', 'exit 4'], { okExitCodes: [0, 4] });

    expect(result.exitCode).to.equal(4);
  });

  it('marks a missing program as notFound', async () => {
    const error = (await runner.run(['/nonexistent/program']).catch((e: unknown) => e)) as ProcessError;

    expect(error.notFound).to.equal(true);
    expect(error.details).to.equal('Command not found: /nonexistent/program');
  });

  it('streams lines to onLine as they arrive', async () => {
    const lines: string[] = [];

    await runner.run(['sh', '-c', 'printf "a\\nb\\n"; printf "c" >&2'], { onLine: (line) => lines.push(line) });

    expect(lines.sort()).to.deep.equal(['a', 'b', 'c']);
  });

  it('passes stdin input', async () => {
    const result = await runner.run(['cat'], { input: 'hello' });

    expect(result.stdout).to.equal('hello');
  });
});
