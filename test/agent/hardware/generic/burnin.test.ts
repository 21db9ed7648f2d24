import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBurninSteps, MISSING_STRESS_NG } from '../../../../agent/hardware/generic/burnin.js';
import { toStepDefinition } from '../../../../agent/hardware/steps.js';
import type { Node, StepContext, StepSpec } from '../../../../agent/hardware/types.js';
import { CommandExecutionError, InvalidCommandParamsError } from '../../../../common/errors.js';
import { ExecaRunner } from '../../../../common/exec/execa-runner.js';
import type { Runner } from '../../../../common/exec/runner.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';

const NODE: Node = { uuid: 'c712b7a5-9f27-4921-b70e-0f181671403b', driver_info: {} };

describe('hardware/generic/burnin', () => {
  const { logger } = createTestLogger();

  function step(name: string, runner: FakeRunner): StepSpec {
    const found = createBurninSteps({ runner, logger }).find((s) => s.step === name);
    if (found === undefined) throw new Error(`no step ${name}`);
    return found;
  }

  function context(node: Node, progress: unknown[] = []): StepContext {
    return { node, ports: [], args: {}, kind: 'service', progress: (p) => progress.push(p) };
  }

  it('offers burnin_cpu and burnin_memory as clean and service steps, priority 0, abortable (IPA GenericHardwareManager)', () => {
    const steps = createBurninSteps({ runner: new FakeRunner(), logger });

    for (const kind of ['clean', 'service'] as const) {
      expect(steps.map((s) => toStepDefinition(s, kind))).to.deep.equal([
        { step: 'burnin_cpu', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
        { step: 'burnin_memory', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
      ]);
    }
    expect(steps.map((s) => toStepDefinition(s, 'deploy'))).to.deep.equal([null, null]);
  });

  it('burnin_cpu runs stress-ng on every CPU for 24 h by default and returns null', async () => {
    const runner = new FakeRunner().expect({
      match: ['stress-ng', '--cpu', '0', '--timeout', '86400', '--metrics-brief'],
      lines: ['stress-ng: info: [7] dispatching hogs: 4 cpu'],
    });
    const progress: unknown[] = [];

    const result = await step('burnin_cpu', runner).run(context(NODE, progress));

    expect(result).to.equal(null);
    expect(runner.pending()).to.deep.equal([]);
    expect(progress).to.deep.equal([{ phase: 'burnin_cpu', line: 'stress-ng: info: [7] dispatching hogs: 4 cpu' }]);
  });

  it("burnin_cpu takes count, timeout and output file from driver_info (IPA's agent_burnin_cpu_* keys)", async () => {
    const runner = new FakeRunner().expect({
      match: ['stress-ng', '--cpu', '2', '--timeout', '30', '--metrics-brief', '--log-file', '/var/log/cpu.log'],
    });
    const node = {
      ...NODE,
      driver_info: {
        agent_burnin_cpu_cpu: 2,
        agent_burnin_cpu_timeout: '30',
        agent_burnin_cpu_outputfile: '/var/log/cpu.log',
      },
    };

    await step('burnin_cpu', runner).run(context(node));

    expect(runner.pending()).to.deep.equal([]);
  });

  it('burnin_memory runs the vm stressor on 98 % of the memory by default', async () => {
    const runner = new FakeRunner().expect({
      match: ['stress-ng', '--vm', '0', '--timeout', '86400', '--vm-bytes', '98%', '--metrics-brief'],
    });

    await step('burnin_memory', runner).run(context(NODE));

    expect(runner.pending()).to.deep.equal([]);
  });

  it('burnin_memory takes agent_burnin_vm_vm, agent_burnin_vm_vm-bytes and agent_burnin_vm_timeout', async () => {
    const runner = new FakeRunner().expect({
      match: ['stress-ng', '--vm', '1', '--timeout', '5m', '--vm-bytes', '1G', '--metrics-brief'],
    });
    const node = {
      ...NODE,
      driver_info: { agent_burnin_vm_vm: '1', 'agent_burnin_vm_vm-bytes': '1G', agent_burnin_vm_timeout: '5m' },
    };

    await step('burnin_memory', runner).run(context(node));

    expect(runner.pending()).to.deep.equal([]);
  });

  it("a failing stress-ng fails the step with IPA's message", async () => {
    const runner = new FakeRunner().expect({
      match: (a) => a[0] === 'stress-ng',
      exitCode: 2,
      stderr: 'stress-ng: error: [9] cpu: failed',
    });

    const error = await step('burnin_cpu', runner)
      .run(context(NODE))
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(CommandExecutionError);
    expect((error as CommandExecutionError).details).to.match(/^stress-ng \(cpu\) failed with error .*cpu: failed/);
  });

  it('a missing stress-ng fails the step, says so and how to get it (the image built with BURNIN=true)', async () => {
    const runner = new FakeRunner().expect({ match: (a) => a[0] === 'stress-ng', notFound: true });

    const error = await step('burnin_memory', runner)
      .run(context(NODE))
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(CommandExecutionError);
    expect((error as CommandExecutionError).details).to.equal(
      `stress-ng (vm) failed with error Command not found: stress-ng. ${MISSING_STRESS_NG}`,
    );
    expect(MISSING_STRESS_NG).to.contain('--build-arg BURNIN=true');
  });

  it('says the same when the real runner finds no stress-ng on PATH (the default image)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ica-no-stress-ng-'));
    const real = new ExecaRunner();
    const runner: Runner = { run: (argv, options) => real.run(argv, { ...options, env: { PATH: empty } }) };
    const found = createBurninSteps({ runner, logger }).find((s) => s.step === 'burnin_cpu');

    try {
      const error = await found?.run(context(NODE)).catch((e: unknown) => e);

      expect((error as CommandExecutionError).details).to.match(/^stress-ng \(cpu\) failed with error .*stress-ng/);
      expect((error as CommandExecutionError).details).to.contain(MISSING_STRESS_NG);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a negative count', { agent_burnin_cpu_cpu: -1 }, /agent_burnin_cpu_cpu/],
    ['an option as timeout', { agent_burnin_cpu_timeout: '--help' }, /agent_burnin_cpu_timeout/],
    ['a relative output file', { agent_burnin_cpu_outputfile: 'cpu.log' }, /agent_burnin_cpu_outputfile/],
  ];
  for (const [name, driverInfo, message] of invalid) {
    it(`refuses ${name} before running anything`, async () => {
      const runner = new FakeRunner();

      const error = await step('burnin_cpu', runner)
        .run(context({ ...NODE, driver_info: driverInfo }))
        .catch((e: unknown) => e);

      expect(error).to.be.instanceOf(InvalidCommandParamsError);
      expect((error as Error).message).to.match(message);
      expect(runner.calls).to.deep.equal([]);
    });
  }

  it('refuses vm-bytes that is not a size or percentage', async () => {
    const runner = new FakeRunner();
    const node = { ...NODE, driver_info: { 'agent_burnin_vm_vm-bytes': '98%; reboot' } };

    const error = await step('burnin_memory', runner)
      .run(context(node))
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(InvalidCommandParamsError);
    expect(runner.calls).to.deep.equal([]);
  });
});
