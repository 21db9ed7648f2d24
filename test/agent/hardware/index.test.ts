import { expect } from 'chai';
import { defaultConfig } from '../../../agent/config/load.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import { builtinManagers } from '../../../agent/hardware/index.js';
import type { HardwareManager, StepContext, StepSpec } from '../../../agent/hardware/types.js';
import { DeviceNotFound } from '../../../common/errors.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { fakeManager } from '../../helpers/fake-managers.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { createTestLogger } from '../../helpers/logger.js';

const NODE_UUID = '6df241ec-4d0e-4b9c-ad67-789584931f8f';

function installContext(): StepContext {
  return {
    node: { uuid: NODE_UUID, instance_info: {} },
    ports: [],
    args: {},
    kind: 'deploy',
    progress: () => undefined,
  };
}

function installStep(manager: HardwareManager | undefined): StepSpec['run'] {
  const spec = manager?.steps.find((s) => s.step === 'install_coreos');
  if (spec === undefined) throw new Error('no install_coreos step');
  return (context) => spec.run(context);
}

describe('hardware/index builtinManagers', () => {
  const { logger } = createTestLogger();
  const inputs = () => ({
    config: defaultConfig(),
    runner: new FakeRunner(),
    fs: new NodeFs(),
    clock: new FakeClock(),
    disk: { read: () => Promise.reject(new Error('these tests read no disk')) },
    stateStore: bootStateStore('/nonexistent/ica-state'),
    logger,
  });

  it('offers the generic and the CoreOS manager', () => {
    const managers = builtinManagers(inputs());

    expect(managers.map((m) => m.className)).to.deep.equal(['GenericHardwareManager', 'CoreOSInstallHardwareManager']);
  });

  it('lets install_coreos ask every manager for the install device, through the dispatch given at initialize', async () => {
    const managers = builtinManagers(inputs());
    const vendor = fakeManager({
      className: 'VendorHardwareManager',
      support: 4,
      methods: {
        getOsInstallDevice: async () => {
          throw new DeviceNotFound('the vendor manager decides');
        },
      },
    });
    await HardwareDispatcher.create([...managers, vendor], logger);

    const error = await installStep(managers[1])(installContext()).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeviceNotFound);
    expect((error as DeviceNotFound).details).to.contain('the vendor manager decides');
  });

  it('refuses to resolve the install device before the managers were initialized', async () => {
    const managers = builtinManagers(inputs());

    const error = await installStep(managers[1])(installContext()).catch((e: unknown) => e);

    expect((error as Error).message).to.match(/not been initialized/);
  });
});
