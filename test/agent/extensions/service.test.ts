import { expect } from 'chai';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { defaultConfig } from '../../../agent/config/load.js';
import { createServiceExtension } from '../../../agent/extensions/service/index.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import { builtinManagers } from '../../../agent/hardware/index.js';
import type { Node, StepContext } from '../../../agent/hardware/types.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { fakeManager, recordingStep } from '../../helpers/fake-managers.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';

const NODE: Node = {
  uuid: 'c712b7a5-9f27-4921-b70e-0f181671403b',
  instance_info: { configdrive: '******' },
  driver_info: {},
};
const VERSIONS = { generic_hardware_manager: '1.2', CoreOSInstallHardwareManager: '1' };

/**
 * The service extension as Ironic drives it during servicing (API 1.87+):
 * openstack/ironic ironic/drivers/modules/agent_client.py get_service_steps
 * (wait=true) and execute_service_step (async, polled on heartbeats), with the
 * shapes of openstack/ironic-python-agent ironic_python_agent/extensions/service.py.
 */
describe('extensions/service', () => {
  const { logger } = createTestLogger();

  async function setup() {
    const calls: StepContext[] = [];
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          name: 'generic_hardware_manager',
          className: 'GenericHardwareManager',
          version: '1.2',
          support: 1,
          steps: [
            recordingStep('erase_devices_metadata', { clean: 99, deploy: 0 }, null, calls),
            { ...recordingStep('burnin_cpu', { clean: 0, service: 0 }, null, calls), abortable: true },
          ],
        }),
        fakeManager({
          name: 'CoreOSInstallHardwareManager',
          className: 'CoreOSInstallHardwareManager',
          version: '1',
          support: 3,
          steps: [recordingStep('install_coreos', { deploy: 0 }, null, calls)],
        }),
      ],
      logger,
    );
    const executor = new CommandExecutor({
      extensions: [createServiceExtension({ dispatcher, logger, cacheNode: () => undefined })],
      logger,
    });
    return { executor, calls };
  }

  it('get_service_steps lists only the steps offered for servicing, by manager, with hardware_manager_version', async () => {
    const { executor } = await setup();

    const result = await executor.execute('service.get_service_steps', { node: NODE, ports: [] });

    expect(result.toJSON()).to.deep.include({ command_name: 'get_service_steps', command_status: 'SUCCEEDED' });
    expect(result.toJSON().command_result).to.deep.equal({
      service_steps: {
        CoreOSInstallHardwareManager: [],
        GenericHardwareManager: [
          { step: 'burnin_cpu', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
        ],
      },
      hardware_manager_version: VERSIONS,
    });
  });

  it('execute_service_step runs the step with its args and answers {service_result, service_step}', async () => {
    const { executor, calls } = await setup();
    const step = { interface: 'deploy', step: 'burnin_cpu', args: {}, priority: 0, abortable: true };

    const result = await executor.execute('service.execute_service_step', {
      step,
      node: NODE,
      ports: [],
      service_version: VERSIONS,
    });
    await result.wait();

    expect(result.toJSON()).to.deep.include({
      command_name: 'execute_service_step',
      command_status: 'SUCCEEDED',
      command_error: null,
    });
    expect(result.toJSON().command_result).to.deep.equal({ service_result: null, service_step: step });
    expect(calls.map((c) => [c.kind, c.node.uuid])).to.deep.equal([['service', NODE.uuid]]);
  });

  it('refuses a step that is not offered for servicing, without running it (erase_devices_metadata would wipe the instance)', async () => {
    const { executor, calls } = await setup();

    const result = await executor.execute('service.execute_service_step', {
      step: { interface: 'deploy', step: 'erase_devices_metadata' },
      node: NODE,
      ports: [],
      service_version: VERSIONS,
    });
    await result.wait();

    expect(result.toJSON()).to.deep.include({ command_status: 'FAILED' });
    expect(result.toJSON().command_error).to.include({ type: 'HardwareManagerMethodNotFound' });
    expect(result.error?.details).to.equal(
      'Could not find method: erase_devices_metadata (not offered as a service step; service steps: burnin_cpu)',
    );
    expect(calls).to.deep.equal([]);
  });

  it('a changed manager version ends CLEAN_VERSION_MISMATCH and runs nothing', async () => {
    const { executor, calls } = await setup();

    const result = await executor.execute('service.execute_service_step', {
      step: { step: 'burnin_cpu' },
      node: NODE,
      ports: [],
      service_version: { generic_hardware_manager: '1.1' },
    });
    await result.wait();

    expect(result.toJSON()).to.deep.include({ command_status: 'CLEAN_VERSION_MISMATCH' });
    expect(calls).to.deep.equal([]);
  });

  it('the built-in managers offer exactly burnin_cpu and burnin_memory for servicing', async () => {
    const managers = builtinManagers({
      config: defaultConfig(),
      runner: new FakeRunner(),
      fs: new NodeFs(),
      clock: new FakeClock(),
      disk: { read: () => Promise.reject(new Error('listing steps reads no disk')) },
      logger,
      stateStore: bootStateStore(defaultConfig().stateDir),
    });
    const dispatcher = await HardwareDispatcher.create(managers, logger);

    const steps = dispatcher.steps('service');

    expect(steps).to.deep.equal({
      CoreOSInstallHardwareManager: [],
      GenericHardwareManager: [
        { step: 'burnin_cpu', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
        { step: 'burnin_memory', priority: 0, interface: 'deploy', reboot_requested: false, abortable: true },
      ],
    });
    expect(dispatcher.steps('deploy')['GenericHardwareManager']?.map((s) => s.step)).to.deep.equal([
      'erase_devices_metadata',
    ]);
  });
});
