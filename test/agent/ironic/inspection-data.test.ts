import { expect } from 'chai';
import { createInspectionCollector, formatFailures, type InspectionSources } from '../../../agent/ironic/inspection-data.js';
import { createTestLogger } from '../../helpers/logger.js';

const INVENTORY = {
  interfaces: [{ name: 'eth0', mac_address: '52:54:00:d4:61:b7', ipv4_address: '192.0.2.20' }],
  disks: [{ name: '/dev/vdb', size: 21474836480 }],
  boot: { current_boot_mode: 'uefi', pxe_interface: '52:54:00:d4:61:b7' },
};

describe('ironic/inspection-data', () => {
  describe('createInspectionCollector', () => {
    function sources(overrides: Partial<InspectionSources> = {}): InspectionSources {
      return {
        inventory: async () => INVENTORY,
        rootDisk: (inventory) => (inventory['disks'] as unknown[])[0] ?? null,
        managers: () => [{ name: 'generic_hardware_manager', version: '1.2' }, { name: 'CoreOSInstallHardwareManager', version: '1' }],
        logs: async () => 'H4sIAAAAAAAAA+3BAQ0AAADCoPdPbQ8HFAAAAAAAAAAAAAAAAAAAAAA=',
        ...overrides,
      };
    }

    it('builds the default + logs body of §2.6', async () => {
      const { logger } = createTestLogger();
      let waited = false;

      const data = await createInspectionCollector(['default', 'logs'], sources({ waitForDhcp: async () => { waited = true; } }), logger)();

      expect(waited).to.equal(true);
      expect(data).to.deep.equal({
        inventory: INVENTORY,
        root_disk: { name: '/dev/vdb', size: 21474836480 },
        boot_interface: '52:54:00:d4:61:b7',
        configuration: {
          collectors: ['default', 'logs'],
          managers: [{ name: 'generic_hardware_manager', version: '1.2' }, { name: 'CoreOSInstallHardwareManager', version: '1' }],
        },
        logs: 'H4sIAAAAAAAAA+3BAQ0AAADCoPdPbQ8HFAAAAAAAAAAAAAAAAAAAAAA=',
        error: null,
      });
    });

    it('leaves out logs unless the logs collector is on', async () => {
      const { logger } = createTestLogger();

      const data = await createInspectionCollector(['default'], sources(), logger)();

      expect(data).to.not.have.property('logs');
      expect(data['configuration']).to.deep.include({ collectors: ['default'] });
    });

    it('omits root_disk when no disk qualifies (null or a throw)', async () => {
      const { logger, memory } = createTestLogger();

      const none = await createInspectionCollector(['default'], sources({ rootDisk: () => null }), logger)();
      const thrown = await createInspectionCollector(['default'], sources({ rootDisk: () => { throw new Error('DeviceNotFound'); } }), logger)();

      expect(none).to.not.have.property('root_disk');
      expect(thrown).to.not.have.property('root_disk');
      expect(thrown['error']).to.equal(null);
      expect(memory.text()).to.contain('No suitable root device detected');
    });

    it('records collector failures in error and keeps going', async () => {
      const { logger } = createTestLogger();

      const data = await createInspectionCollector(['default', 'pci-devices', 'logs'], sources({ inventory: async () => { throw new Error('no lsblk'); } }), logger)();

      expect(data).to.not.have.property('inventory');
      expect(data).to.have.property('logs');
      expect(data['error']).to.equal(
        'The following errors were encountered:\n* collector default failed: no lsblk\n* collector pci-devices is not supported by this agent (supported: default, logs)',
      );
    });

    it('does not count a logs failure as an error', async () => {
      const { logger } = createTestLogger();

      const data = await createInspectionCollector(['default', 'logs'], sources({ logs: async () => { throw new Error('journalctl missing'); } }), logger)();

      expect(data).to.not.have.property('logs');
      expect(data['error']).to.equal(null);
    });

    it('sets boot_interface to null when the inventory has no PXE interface', async () => {
      const { logger } = createTestLogger();

      const data = await createInspectionCollector(['default'], sources({ inventory: async () => ({ interfaces: [] }) }), logger)();

      expect(data['boot_interface']).to.equal(null);
    });

    it('formats failures as IPA does', () => {
      expect(formatFailures([])).to.equal(null);
      expect(formatFailures(['a', 'b'])).to.equal('The following errors were encountered:\n* a\n* b');
    });
  });
});
