/**
 * `demo --keep` as a user drives it: after the scripted flows, the commands
 * the demo prints (undeploy, then a new deploy) work against its real Ironic,
 * because the node boots the agent whenever Ironic needs it; Ctrl-C then
 * cleans everything up. Needs root and the test bed's Debian packages, and a
 * built dist/ (npm test builds first).
 */
import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedUnavailableReason } from '../../testbed/host.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_OPTIONS = { cwd: ROOT, all: true, reject: false } as const;

describe('e2e: demo --keep', function () {
  this.timeout(20 * 60_000);
  const runner = new ExecaRunner();
  let demo: ResultPromise<typeof DEMO_OPTIONS> | undefined;
  let output = '';
  let envSh = '';
  let deployCommand = '';

  /** The printed lines, without the "[  12.3 s] " prefix. */
  const lines = (): string[] => output.split('\n').map((l) => l.replace(/^\[\s*[\d.]+ s\] /, ''));

  async function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline)
        throw new Error(`the demo did not print ${String(pattern)} in ${timeoutMs} ms:\n${output.slice(-4000)}`);
      if (demo?.exitCode !== undefined && demo.exitCode !== null)
        throw new Error(`the demo exited (${demo.exitCode}):\n${output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Run `command` in bash with the printed env.sh sourced. */
  function baremetal(command: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return runner
      .run(['bash', '-euo', 'pipefail', '-c', `. ${envSh}\n${command}`], {
        okExitCodes: Array.from({ length: 256 }, (_, i) => i),
        timeoutMs: 120_000,
      })
      .then((r) => ({ exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }));
  }

  async function waitForState(state: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = (await baremetal('baremetal node show demo-node -f value -c provision_state')).stdout.trim();
      if (last === state) return;
      if (/failed$/.test(last) || Date.now() > deadline) {
        const show = await baremetal('baremetal node show demo-node -f value -c last_error');
        throw new Error(`demo-node is "${last}", not "${state}": ${show.stdout.trim()}\n${output.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  before(async function () {
    const reason = testbedUnavailableReason();
    if (reason !== undefined) {
      console.log(`      (skipping: ${reason})`);
      this.skip();
    }
    if (!existsSync(join(ROOT, 'dist', 'cli', 'index.js')))
      await runner.run(['npm', 'run', 'build'], { cwd: ROOT, timeoutMs: 300_000 });
    demo = execa(process.execPath, ['--import', 'tsx', join(ROOT, 'testbed', 'demo.ts'), '--keep'], DEMO_OPTIONS);
    demo.all.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitForOutput(/Drive it from another shell/, 10 * 60_000);
    await waitForOutput(/tail -f \S+ironic\.log/, 10_000);
    envSh = /^\s*\. (\S+env\.sh) /m.exec(lines().join('\n'))?.[1] ?? '';
    deployCommand =
      lines()
        .find((l) => l.trim().startsWith('baremetal node deploy demo-node'))
        ?.trim() ?? '';
  });

  after(async function () {
    this.timeout(180_000);
    if (demo === undefined) return;
    if (demo.exitCode === null || demo.exitCode === undefined) demo.kill('SIGINT');
    await demo;
  });

  it('prints how to drive it: env.sh, undeploy and a deploy command', () => {
    expect(envSh).to.match(/env\.sh$/);
    expect(existsSync(envSh)).to.equal(true);
    expect(deployCommand).to.match(
      /^baremetal node deploy demo-node --deploy-steps '.*install_coreos.*' --config-drive '.*'$/,
    );
  });

  it('undeploys: Ironic cleans the node through a new agent boot and makes it available', async () => {
    const undeploy = await baremetal('baremetal node undeploy demo-node');

    expect(undeploy.exitCode, undeploy.stderr).to.equal(0);
    await waitForState('available', 5 * 60_000);
    expect(output).to.match(/Ironic moved the node to "(cleaning|clean wait)": the node boots the agent \(boot 1\)/);
  });

  it('deploys again with the printed command', async () => {
    const deploy = await baremetal(deployCommand);

    expect(deploy.exitCode, deploy.stderr).to.equal(0);
    await waitForState('active', 5 * 60_000);
    expect(output).to.match(/the node boots the agent \(boot 2\)/);
  });

  it('cleans up on Ctrl-C and exits 0', async () => {
    demo?.kill('SIGINT');
    const result = await demo;

    expect(result?.exitCode, output.slice(-3000)).to.equal(0);
    expect(output).to.contain('Cleaning up: agents, host root, node');
  });
});
