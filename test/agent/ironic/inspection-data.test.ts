import { expect } from 'chai';
import { createInspectionCollector, formatFailures } from '../../../agent/ironic/inspection-data.js';
import type { CollectorContextOptions } from '../../../agent/inspection/collectors/context.js';
import type { InspectionSources } from '../../../agent/inspection/collectors/types.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { createTestLogger } from '../../helpers/logger.js';
import { fakeDisk, fakeInterface, fakeInventory } from '../../helpers/inventory-fixtures.js';

const VDB = fakeDisk({ name: '/dev/vdb', size: 21474836480 });
const INVENTORY = fakeInventory({
  interfaces: [fakeInterface({ name: 'eth0', mac_address: '52:54:00:d4:61:b7', ipv4_address: '192.0.2.20' })],
  disks: [VDB],
  boot: { current_boot_mode: 'uefi', pxe_interface: '52:54:00:d4:61:b7' },
});

describe('ironic/inspection-data', () => {
  describe('createInspectionCollector', () => {
    function sources(overrides: Partial<InspectionSources> = {}): InspectionSources {
      return {
        inventory: async () => INVENTORY,
        rootDisk: (inventory) => inventory.disks[0] ?? null,
        managers: () => [
          { name: 'generic_hardware_manager', version: '1.2' },
          { name: 'CoreOSInstallHardwareManager', version: '1' },
        ],
        logs: async () => 'H4sIAAAAAAAAA+3BAQ0AAADCoPdPbQ8HFAAAAAAAAAAAAAAAAAAAAAA=',
        ...overrides,
      };
    }

    function collector(
      names: string[],
      overrides: Partial<InspectionSources> = {},
      runner = new FakeRunner(),
    ): { run: () => Promise<Record<string, unknown>>; memory: ReturnType<typeof createTestLogger>['memory'] } {
      const { logger, memory } = createTestLogger();
      const options: CollectorContextOptions = {
        runner,
        fs: new NodeFs(),
        logger,
        sources: sources(overrides),
        collectorNames: names,
      };
      return { run: createInspectionCollector(options), memory };
    }

    it("builds IPA's default + logs inspection body (ironic_python_agent/inspector.py)", async () => {
      let waited = false;

      const data = await collector(['default', 'logs'], {
        waitForDhcp: async () => {
          waited = true;
        },
      }).run();

      expect(waited).to.equal(true);
      expect(data).to.deep.equal({
        inventory: INVENTORY,
        root_disk: VDB,
        boot_interface: '52:54:00:d4:61:b7',
        configuration: {
          collectors: ['default', 'logs'],
          managers: [
            { name: 'generic_hardware_manager', version: '1.2' },
            { name: 'CoreOSInstallHardwareManager', version: '1' },
          ],
        },
        logs: 'H4sIAAAAAAAAA+3BAQ0AAADCoPdPbQ8HFAAAAAAAAAAAAAAAAAAAAAA=',
        error: null,
      });
    });

    it('leaves out logs unless the logs collector is on', async () => {
      const data = await collector(['default']).run();

      expect(data).to.not.have.property('logs');
      expect(data['configuration']).to.deep.include({ collectors: ['default'] });
    });

    it('omits root_disk when no disk qualifies (null or a throw)', async () => {
      const none = collector(['default'], { rootDisk: () => null });
      const thrown = collector(['default'], {
        rootDisk: () => {
          throw new Error('DeviceNotFound');
        },
      });

      const [noneData, thrownData] = [await none.run(), await thrown.run()];

      expect(noneData).to.not.have.property('root_disk');
      expect(thrownData).to.not.have.property('root_disk');
      expect(thrownData['error']).to.equal(null);
      expect(thrown.memory.text()).to.contain('No suitable root device detected');
    });

    it('records a default collector failure in error and keeps going', async () => {
      const data = await collector(['default', 'logs'], {
        inventory: async () => {
          throw new Error('no lsblk');
        },
      }).run();

      expect(data).to.not.have.property('inventory');
      expect(data).to.have.property('logs');
      expect(data['error']).to.equal('The following errors were encountered:\n* collector default failed: no lsblk');
    });

    it('skips an unknown collector with a warning; error stays null so inspector accepts the data', async () => {
      const { run, memory } = collector(['default', 'magic-hardware', 'logs']);

      const data = await run();

      expect(data['error']).to.equal(null);
      expect(data).to.have.property('inventory');
      expect(data).to.have.property('logs');
      expect(data['configuration']).to.deep.include({ collectors: ['default', 'magic-hardware', 'logs'] });
      const warning = memory.entries.find((e) => e.message === 'Unknown inspection collector skipped');
      expect(warning).to.deep.include({ level: 'warn', collector: 'magic-hardware' });
      expect(warning?.['known']).to.include.members([
        'extra-hardware',
        'numa-topology',
        'pci-devices',
        'dmi-decode',
        'usb-devices',
        'lldp',
      ]);
    });

    it('a failing optional collector leaves its keys out with a warning, not an error', async () => {
      const runner = new FakeRunner().expect({ match: ['lshw', '-quiet', '-json'], stdout: '{"id":"x","children":[' });
      const { run, memory } = collector(['usb-devices', 'default'], {}, runner);

      const data = await run();

      expect(data['error']).to.equal(null);
      expect(data).to.not.have.property('usb_devices');
      expect(memory.text()).to.contain('usb_devices left out');
    });

    it('collects the inventory once for every collector that needs it', async () => {
      let calls = 0;
      const runner = new FakeRunner().expect({ match: () => true, notFound: true, repeat: true });

      const data = await collector(
        ['default', 'extra-hardware'],
        {
          inventory: async () => {
            calls += 1;
            return INVENTORY;
          },
        },
        runner,
      ).run();

      expect(calls).to.equal(1);
      expect(data).to.have.property('data').that.is.an('array');
    });

    it('sets boot_interface to null when the inventory has no PXE interface', async () => {
      const data = await collector(['default'], {
        inventory: async () => fakeInventory({ boot: { current_boot_mode: 'bios', pxe_interface: null } }),
      }).run();

      expect(data['boot_interface']).to.equal(null);
    });

    it('formats failures as IPA does', () => {
      expect(formatFailures([])).to.equal(null);
      expect(formatFailures(['a', 'b'])).to.equal('The following errors were encountered:\n* a\n* b');
    });
  });
});
