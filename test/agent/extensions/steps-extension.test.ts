import { expect } from 'chai';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import type { Node, StepContext } from '../../../agent/hardware/types.js';
import { createStepsExtension } from '../../../agent/extensions/steps-extension.js';
import { DeploymentError, IncompatibleHardwareMethodError, InvalidCommandParamsError } from '../../../common/errors.js';
import { createTestLogger } from '../../helpers/logger.js';
import { fakeManager, recordingStep } from '../../helpers/fake-managers.js';

const NODE: Node = { uuid: 'c712b7a5-9f27-4921-b70e-0f181671403b', instance_info: {} };

describe('extensions/steps-extension', () => {
  async function setup(run?: (c: StepContext) => Promise<unknown>) {
    const { logger } = createTestLogger();
    const calls: unknown[] = [];
    const cached: Node[] = [];
    const install = recordingStep('install_coreos', { deploy: 0 }, null, calls);
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          name: 'generic_hardware_manager',
          className: 'GenericHardwareManager',
          version: '1.2',
          support: 1,
          steps: [recordingStep('erase_devices_metadata', { clean: 99, deploy: 0 }, { '/dev/loop0': 'ok' }, calls)],
        }),
        fakeManager({
          name: 'CoreOSInstallHardwareManager',
          className: 'CoreOSInstallHardwareManager',
          version: '1',
          support: 3,
          steps: [run === undefined ? install : { ...install, run }],
        }),
      ],
      logger,
    );
    const deps = { dispatcher, logger, cacheNode: (n: Node) => cached.push(n) };
    const executor = new CommandExecutor({
      extensions: [createStepsExtension('deploy', deps), createStepsExtension('clean', deps)],
      logger,
    });
    return { executor, calls, cached };
  }

  it('get_deploy_steps returns steps keyed by manager plus hardware_manager_version', async () => {
    const { executor } = await setup();

    const result = await executor.execute('deploy.get_deploy_steps', { node: NODE, ports: [] });

    expect(result.toJSON().command_result).to.deep.equal({
      deploy_steps: {
        CoreOSInstallHardwareManager: [
          { step: 'install_coreos', priority: 0, interface: 'deploy', reboot_requested: false },
        ],
        GenericHardwareManager: [
          { step: 'erase_devices_metadata', priority: 0, interface: 'deploy', reboot_requested: false },
        ],
      },
      hardware_manager_version: { CoreOSInstallHardwareManager: '1', generic_hardware_manager: '1.2' },
    });
  });

  it('execute_deploy_step merges step.args, caches the node and returns {deploy_result, deploy_step}', async () => {
    const { executor, calls, cached } = await setup();
    const step = { interface: 'deploy', step: 'install_coreos', args: { console: 'ttyS0' }, priority: 80 };

    const result = await executor.execute('deploy.execute_deploy_step', {
      step,
      node: NODE,
      ports: [],
      deploy_version: { CoreOSInstallHardwareManager: '1', generic_hardware_manager: '1.2' },
    });
    await result.wait();

    expect(result.toJSON()).to.deep.include({
      command_status: 'SUCCEEDED',
      command_result: { deploy_result: null, deploy_step: step },
    });
    expect((calls[0] as StepContext).args).to.deep.equal({ console: 'ttyS0' });
    expect((calls[0] as StepContext).kind).to.equal('deploy');
    expect(cached).to.deep.equal([NODE]);
  });

  it('execute_clean_step returns {clean_result, clean_step}', async () => {
    const { executor } = await setup();
    const step = {
      step: 'erase_devices_metadata',
      priority: 10,
      interface: 'deploy',
      reboot_requested: false,
      abortable: true,
      requires_ramdisk: true,
    };

    const result = await executor.execute('clean.execute_clean_step', {
      step,
      node: NODE,
      ports: [],
      clean_version: { CoreOSInstallHardwareManager: '1', generic_hardware_manager: '1.2' },
    });
    await result.wait();

    expect(result.toJSON().command_result).to.deep.equal({ clean_result: { '/dev/loop0': 'ok' }, clean_step: step });
  });

  it('a changed manager version gives CLEAN_VERSION_MISMATCH and runs nothing', async () => {
    const { executor, calls } = await setup();

    const result = await executor.execute('clean.execute_clean_step', {
      step: { step: 'erase_devices_metadata' },
      node: NODE,
      ports: [],
      clean_version: { generic_hardware_manager: '1.1' },
    });
    await result.wait();

    expect(result.toJSON()).to.deep.include({ command_status: 'CLEAN_VERSION_MISMATCH' });
    expect(result.toJSON().command_error).to.include({ type: 'VersionMismatch', code: 409 });
    expect(calls).to.have.length(0);
  });

  it('an unexpected error becomes a DeploymentError naming the step', async () => {
    const { executor } = await setup(async () => {
      throw new RangeError('boom');
    });

    const result = await executor.execute('deploy.execute_deploy_step', {
      step: { step: 'install_coreos' },
      node: NODE,
      ports: [],
    });
    await result.wait();

    expect(result.error).to.be.instanceOf(DeploymentError);
    expect(result.error?.details).to.equal('Error performing deploy step install_coreos: boom');
  });

  it('a manager that defers the step (IncompatibleHardwareMethodError) hands it to the next one', async () => {
    const { logger } = createTestLogger();
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          className: 'Generic',
          support: 1,
          steps: [recordingStep('erase_devices', { clean: 10 }, 'generic did it')],
        }),
        fakeManager({
          className: 'Vendor',
          support: 2,
          steps: [
            {
              ...recordingStep('erase_devices', { clean: 10 }),
              run: async () => {
                throw new IncompatibleHardwareMethodError('not my disks');
              },
            },
          ],
        }),
      ],
      logger,
    );
    const executor = new CommandExecutor({
      extensions: [createStepsExtension('clean', { dispatcher, logger, cacheNode: () => undefined })],
      logger,
    });

    const result = await executor.execute('clean.execute_clean_step', {
      step: { step: 'erase_devices' },
      node: NODE,
      ports: [],
    });
    await result.wait();

    expect(result.toJSON().command_result).to.deep.equal({
      clean_result: 'generic did it',
      clean_step: { step: 'erase_devices' },
    });
  });

  it('an unknown step fails with HardwareManagerMethodNotFound', async () => {
    const { executor } = await setup();

    const result = await executor.execute('deploy.execute_deploy_step', {
      step: { step: 'nope' },
      node: NODE,
      ports: [],
    });
    await result.wait();

    expect(result.toJSON().command_error).to.include({
      type: 'HardwareManagerMethodNotFound',
      details: 'Could not find method: nope',
    });
  });

  it('a malformed step is rejected before anything is recorded', async () => {
    const { executor } = await setup();

    const error = await executor
      .execute('deploy.execute_deploy_step', { step: { args: {} }, node: NODE })
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(InvalidCommandParamsError);
    expect(executor.list()).to.have.length(0);
  });

  it('reports progress on the running command', async () => {
    let finish = () => undefined as void;
    const { executor } = await setup(async (c) => {
      c.progress({ percent: 35, line: 'Read disk 1.2 GiB/3.4 GiB (35%)' });
      await new Promise<void>((r) => {
        finish = r;
      });
      return null;
    });

    const result = await executor.execute('deploy.execute_deploy_step', {
      step: { step: 'install_coreos' },
      node: NODE,
      ports: [],
    });
    await new Promise((r) => setImmediate(r));

    expect(result.toJSON().command_progress).to.deep.equal({ percent: 35, line: 'Read disk 1.2 GiB/3.4 GiB (35%)' });
    finish();
    await result.wait();
    expect(result.toJSON()).to.not.have.property('command_progress');
  });
});
