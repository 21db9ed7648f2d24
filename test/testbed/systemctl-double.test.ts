import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { SYSTEMCTL_DOUBLE } from '../../testbed/host-root.js';

describe('testbed/systemctl-double', () => {
  const runner = new ExecaRunner();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'systemctl-double-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const systemctl = async (...args: string[]): Promise<{ code: number | null; stderr: string }> => {
    const result = await runner.run([SYSTEMCTL_DOUBLE, ...args], {
      env: { SYSTEMCTL_DOUBLE_DIR: dir },
      okExitCodes: [0, 1],
    });
    return { code: result.exitCode, stderr: result.stderr };
  };
  const requests = (): string[] =>
    existsSync(join(dir, 'requests')) ? readFileSync(join(dir, 'requests'), 'utf8').split('\n').filter(Boolean) : [];

  it('records power requests in order, with their options, and succeeds', async () => {
    const first = await systemctl('poweroff', '--no-block');
    const second = await systemctl('--no-wall', 'reboot');

    expect([first.code, second.code]).to.deep.equal([0, 0]);
    expect(requests()).to.deep.equal(['poweroff --no-block', '--no-wall reboot']);
  });

  it('refuses other verbs, extra arguments and no verb without recording anything', async () => {
    const results = [
      await systemctl('start', 'sshd'),
      await systemctl('poweroff', 'now'),
      await systemctl('--no-block'),
    ];

    expect(results.map((r) => r.code)).to.deep.equal([1, 1, 1]);
    expect(results[0]?.stderr).to.contain("Unknown command verb 'start'");
    expect(results[1]?.stderr).to.contain("unexpected argument 'now' after 'poweroff'");
    expect(results[2]?.stderr).to.contain('no verb given');
    expect(requests()).to.deep.equal([]);
  });

  it('fails a power request with the text of the fail file', async () => {
    writeFileSync(join(dir, 'fail'), 'Failed to connect to bus: No such file or directory\n');

    const result = await systemctl('poweroff', '--no-block');

    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.equal('Failed to connect to bus: No such file or directory');
    expect(requests()).to.deep.equal([]);
  });
});
