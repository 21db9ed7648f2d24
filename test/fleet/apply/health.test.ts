import { expect } from 'chai';
import { healthCheck } from '../../../fleet/apply/health.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const COMMAND = ['kubectl', 'get', '--raw', '/readyz'];

describe('fleet/apply/health', () => {
  it('passes when the command exits 0, run with its time limit', async () => {
    const runner = new FakeRunner().expect({ match: COMMAND });

    await healthCheck(runner, { command: COMMAND, timeoutSeconds: 60 })();

    expect(runner.calls[0]?.options.timeoutMs).to.equal(60_000);
  });

  it('fails with the command and its words when it exits non-zero; default limit 300 s', async () => {
    const runner = new FakeRunner().expect({ match: COMMAND, exitCode: 1, stderr: 'etcd: 2 of 3 members\n' });

    const error = await healthCheck(runner, { command: COMMAND })().then(
      () => undefined,
      (e: Error) => e,
    );

    expect(error?.message).to.equal('health command kubectl get --raw /readyz failed: etcd: 2 of 3 members');
    expect(runner.calls[0]?.options.timeoutMs).to.equal(300_000);
  });

  it('never passes without a command', async () => {
    const error = await healthCheck(new FakeRunner(), undefined)().then(
      () => undefined,
      (e: Error) => e,
    );

    expect(error?.message).to.equal('no health.command in the fleet file');
  });
});
