import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { HOLD_MARKER, testHooks } from '../../reprovision/test-hooks.js';

const HOOKS = new URL('../../reprovision/test-hooks.ts', import.meta.url).pathname;

/** Runs checkpoint `step` in a child with `env`; resolves with its stderr once the marker shows or it exits. */
function child(env: Record<string, string>, step: string) {
  const code = `import { testHooks } from ${JSON.stringify(HOOKS)}; testHooks(process.env)(${JSON.stringify(step)}); console.error('passed');`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
  });
  return new Promise<{ stderr: string; exit: string | null; proc: typeof proc }>((resolve) => {
    let stderr = '';
    proc.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (stderr.includes(HOLD_MARKER)) resolve({ stderr, exit: null, proc });
    });
    proc.on('exit', (code, signal) => resolve({ stderr, exit: signal ?? String(code), proc }));
  });
}

describe('reprovision/test-hooks', function () {
  this.timeout(20_000);

  it('does nothing at a step no variable names', () => {
    const hook = testHooks({ ICA_REPROVISION_STOP: 'apply:deployed', ICA_REPROVISION_HOLD: 'apply:prepared' });
    expect(() => hook('apply:started')).to.not.throw();
  });

  it('kills the process at the ICA_REPROVISION_STOP step', async () => {
    const run = await child({ ICA_REPROVISION_STOP: 'apply:started' }, 'apply:started');
    expect(run.exit).to.equal('SIGKILL');
    expect(run.stderr).to.not.include('passed');
  });

  it('holds at the ICA_REPROVISION_HOLD step, announcing it', async () => {
    const run = await child({ ICA_REPROVISION_HOLD: 'apply:deployed' }, 'apply:deployed');
    expect(run.exit).to.equal(null);
    expect(run.stderr).to.equal(`${HOLD_MARKER} apply:deployed\n`);
    run.proc.kill('SIGKILL');
  });

  it('passes other steps', async () => {
    const run = await child({ ICA_REPROVISION_HOLD: 'apply:deployed' }, 'apply:started');
    expect(run).to.deep.include({ exit: '0', stderr: 'passed\n' });
  });
});
