import { expect } from 'chai';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { defineCommand } from '../../../agent/commands/define-command.js';
import type { Extension } from '../../../agent/commands/types.js';
import { InterruptedStep, type PendingStep } from '../../../agent/lifecycle/interrupted-step.js';
import { createTestLogger } from '../../helpers/logger.js';

const ID = '0b9f3a8e-5c1d-4f7a-9a3e-2d6b8c4f1e07';
const PENDING: PendingStep = {
  id: ID,
  name: 'deploy.execute_deploy_step',
  params: { step: { step: 'install_coreos', interface: 'deploy' } },
};

describe('lifecycle/interrupted-step InterruptedStep', () => {
  function setup() {
    const { logger, memory } = createTestLogger();
    const runs: unknown[] = [];
    const deploy: Extension = {
      name: 'deploy',
      commands: {
        execute_deploy_step: defineCommand({
          mode: 'async',
          parse: (raw) => raw,
          resumable: true,
          run: async (params) => {
            runs.push(params);
            return null;
          },
        }),
      },
    };
    const executor = new CommandExecutor({ extensions: [deploy], logger });
    return { executor, runs, logger, memory };
  }

  it('runs the step again under its id, once', async () => {
    const { executor, runs, logger } = setup();
    const step = new InterruptedStep(PENDING, executor, logger);

    await step.resume();
    await executor.get(ID).wait();
    await step.resume();

    expect(runs).to.deep.equal([PENDING.params]);
    expect(executor.list().map((r) => [r.id, r.commandName, r.status])).to.deep.equal([
      [ID, 'execute_deploy_step', 'SUCCEEDED'],
    ]);
  });

  it('runs nothing once discarded (Ironic started a new operation)', async () => {
    const { executor, runs, logger } = setup();
    const step = new InterruptedStep(PENDING, executor, logger);

    step.discard();
    await step.resume();

    expect(runs).to.deep.equal([]);
    expect(executor.list()).to.deep.equal([]);
  });

  it('runs nothing when no step was interrupted', async () => {
    const { executor, logger } = setup();

    await new InterruptedStep(null, executor, logger).resume();

    expect(executor.list()).to.deep.equal([]);
  });

  it('records the step as FAILED under its id when it cannot start, so that Ironic sees the failure', async () => {
    const { executor, logger, memory } = setup();
    const gone: PendingStep = { ...PENDING, name: 'clean.execute_clean_step' };

    await new InterruptedStep(gone, executor, logger).resume();

    const [result] = executor.list();
    expect(result?.toJSON()).to.deep.include({
      id: ID,
      command_name: 'execute_clean_step',
      command_status: 'FAILED',
    });
    expect(result?.toJSON().command_error?.details).to.match(
      /^The agent restarted during this step and could not resume it: /,
    );
    expect(memory.text()).to.contain('Could not resume the interrupted step; recording it as failed');
  });
});
