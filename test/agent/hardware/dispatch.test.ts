import { expect } from 'chai';
import { HardwareManagerMethodNotFound, HardwareManagerNotFound, DeviceNotFound } from '../../../common/errors.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import { createTestLogger } from '../../helpers/logger.js';
import { fakeManager, incompatible, recordingStep } from '../../helpers/fake-managers.js';
import { fakeInventory } from '../../helpers/inventory-fixtures.js';

describe('hardware/dispatch', () => {
  const { logger } = createTestLogger();

  it('keeps managers above NONE, sorted by support, and initializes only after probing all', async () => {
    const order: string[] = [];
    const probe = (name: string, support: number) => ({
      ...fakeManager({ className: name, support, onInitialize: () => order.push(`init ${name}`) }),
      evaluateSupport: async () => {
        order.push(`probe ${name}`);
        return support;
      },
    });

    const dispatcher = await HardwareDispatcher.create(
      [probe('Generic', 1), probe('None', 0), probe('CoreOS', 3)],
      logger,
    );

    expect(dispatcher.active.map((m) => m.manager.className)).to.deep.equal(['CoreOS', 'Generic']);
    expect(order).to.deep.equal(['probe Generic', 'probe None', 'probe CoreOS', 'init CoreOS', 'init Generic']);
  });

  it('initializes every manager with the dispatcher over all of them', async () => {
    const given: unknown[] = [];
    const managers = ['A', 'B'].map((className) =>
      fakeManager({ className, onInitialize: (context) => given.push(context.hardware) }),
    );

    const dispatcher = await HardwareDispatcher.create(managers, logger);

    expect(given).to.deep.equal([dispatcher, dispatcher]);
    expect(given[0]).to.equal(dispatcher);
  });

  it('fails with HardwareManagerNotFound when no manager supports the machine', async () => {
    const error = await HardwareDispatcher.create([fakeManager({ support: 0 })], logger).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(HardwareManagerNotFound);
  });

  it('dispatch falls through IncompatibleHardwareMethodError to the next manager', async () => {
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          className: 'Generic',
          support: 1,
          methods: {
            fullSync: async () => undefined,
            listHardwareInfo: async () => fakeInventory({ hostname: 'generic' }),
          },
        }),
        fakeManager({ className: 'Vendor', support: 2, methods: { listHardwareInfo: async () => incompatible() } }),
      ],
      logger,
    );

    expect(await dispatcher.dispatch('listHardwareInfo')).to.deep.equal(fakeInventory({ hostname: 'generic' }));
  });

  it('dispatch propagates other errors immediately', async () => {
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({ className: 'Generic', support: 1, methods: { listHardwareInfo: async () => fakeInventory() } }),
        fakeManager({
          className: 'Vendor',
          support: 2,
          methods: {
            listHardwareInfo: async () => {
              throw new DeviceNotFound('x');
            },
          },
        }),
      ],
      logger,
    );

    const error = await dispatcher.dispatch('listHardwareInfo').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeviceNotFound);
  });

  it('dispatch without any handler is HardwareManagerMethodNotFound', async () => {
    const dispatcher = await HardwareDispatcher.create(
      [fakeManager({ methods: { listHardwareInfo: async () => incompatible() } })],
      logger,
    );

    const error = await dispatcher.dispatch('listHardwareInfo').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(HardwareManagerMethodNotFound);
    expect((error as HardwareManagerMethodNotFound).details).to.equal('Could not find method: listHardwareInfo');
  });

  it('dispatchAll collects {ClassName: result}, skipping managers that defer', async () => {
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          className: 'A',
          support: 1,
          methods: { listHardwareInfo: async () => fakeInventory({ hostname: 'a' }) },
        }),
        fakeManager({ className: 'B', support: 2, methods: { listHardwareInfo: async () => incompatible() } }),
        fakeManager({
          className: 'C',
          support: 3,
          methods: { listHardwareInfo: async () => fakeInventory({ hostname: 'c' }) },
        }),
      ],
      logger,
    );

    expect(await dispatcher.dispatchAll('listHardwareInfo')).to.deep.equal({
      C: fakeInventory({ hostname: 'c' }),
      A: fakeInventory({ hostname: 'a' }),
    });
  });

  it('reports versions and deduplicated steps keyed by class name', async () => {
    const dispatcher = await HardwareDispatcher.create(
      [
        fakeManager({
          name: 'generic_hardware_manager',
          className: 'GenericHardwareManager',
          version: '1.2',
          support: 1,
          steps: [recordingStep('erase_devices_metadata', { clean: 99, deploy: 0 })],
        }),
        fakeManager({
          name: 'CoreOSInstallHardwareManager',
          className: 'CoreOSInstallHardwareManager',
          version: '1',
          support: 3,
          steps: [recordingStep('install_coreos', { deploy: 0 })],
        }),
      ],
      logger,
    );

    expect(dispatcher.versions()).to.deep.equal({ CoreOSInstallHardwareManager: '1', generic_hardware_manager: '1.2' });
    expect(dispatcher.steps('deploy')).to.deep.equal({
      CoreOSInstallHardwareManager: [
        { step: 'install_coreos', priority: 0, interface: 'deploy', reboot_requested: false },
      ],
      GenericHardwareManager: [
        { step: 'erase_devices_metadata', priority: 0, interface: 'deploy', reboot_requested: false },
      ],
    });
    expect(dispatcher.steps('clean')).to.deep.equal({
      CoreOSInstallHardwareManager: [],
      GenericHardwareManager: [
        { step: 'erase_devices_metadata', priority: 99, interface: 'deploy', reboot_requested: false },
      ],
    });
    expect(dispatcher.findSteps('install_coreos').map((s) => s.manager.className)).to.deep.equal([
      'CoreOSInstallHardwareManager',
    ]);
  });
});
