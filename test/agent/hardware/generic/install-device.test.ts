import { expect } from 'chai';
import { DeviceNotFound } from '../../../../agent/errors.js';
import { describeDevice, rootDeviceHintsFromNode, selectInstallDevice } from '../../../../agent/hardware/generic/install-device.js';
import type { BlockDevice, Node } from '../../../../agent/hardware/types.js';
import { GiB, makeDevice, referenceDevices } from '../../../helpers/block-device.js';
import { createTestLogger } from '../../../helpers/logger.js';

const node = (extra: Partial<Node> = {}): Node => ({ uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123', properties: {}, instance_info: {}, ...extra });

const fail = (fn: () => unknown): DeviceNotFound => {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(DeviceNotFound);
    return error as DeviceNotFound;
  }
  throw new Error('expected DeviceNotFound');
};

describe('generic/install-device', () => {
  describe('where hints come from', () => {
    it('prefers non-empty instance_info.root_device over properties.root_device', () => {
      expect(rootDeviceHintsFromNode(node({ instance_info: { root_device: { size: 64 } }, properties: { root_device: { size: 1 } } })))
        .to.deep.equal({ value: { size: 64 }, source: 'instance_info.root_device' });
      expect(rootDeviceHintsFromNode(node({ instance_info: { root_device: {} }, properties: { root_device: { size: 1 } } })))
        .to.deep.equal({ value: { size: 1 }, source: 'properties.root_device' });
      expect(rootDeviceHintsFromNode(node())).to.equal(null);
      expect(rootDeviceHintsFromNode(undefined)).to.equal(null);
    });
  });

  describe('with hints', () => {
    it('picks the first match, logs every match and warns about several', () => {
      const { logger, memory } = createTestLogger();

      const choice = selectInstallDevice({ devices: referenceDevices(), node: node({ instance_info: { root_device: { size: '>= 465' } } }), logger });

      expect(choice.device.name).to.equal('/dev/sda');
      expect(choice).to.deep.include({ method: 'hints', source: 'instance_info.root_device', hints: { size: '>= 465' } });
      expect(choice.normalizedHints).to.deep.equal({ size: '>= 465' });
      expect(choice.matches.map((m) => m.device.name)).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
      expect(choice.reason).to.match(/^it is the first of 2 device\(s\) matching the root device hints \{"size":">= 465"\} \(from instance_info\.root_device\): size 465\.76 GiB/);
      const logged = memory.entries.filter((e) => e['message'] === 'Block device matches the root device hints').map((e) => e['device']);
      expect(logged).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
      expect(memory.entries.some((e) => e['level'] === 'warn' && String(e['message']).startsWith('Several block devices match'))).to.equal(true);
    });

    it('reports every candidate with the hint it failed', () => {
      const choice = selectInstallDevice({ devices: referenceDevices(), node: node({ properties: { root_device: { rotational: true } } }), logger: createTestLogger().logger });

      expect(choice.device.name).to.equal('/dev/sdb');
      expect(choice.candidates.map((c) => [c.device.name, c.mismatch?.hint ?? null])).to.deep.equal([['/dev/sda', 'rotational'], ['/dev/sdb', null], ['/dev/nvme0n1', 'rotational']]);
    });

    it('strict mode refuses several matches and lists them', () => {
      const error = fail(() => selectInstallDevice({ devices: referenceDevices(), node: node({ instance_info: { root_device: { size: '>= 465' } } }), strict: true, logger: createTestLogger().logger }));

      expect(error.details).to.match(/match 2 devices, and strict root device hints allow only one: \/dev\/sda \(465\.76 GiB.*; \/dev\/nvme0n1 \(/);
      expect(error.details).to.include('Make the hints more specific');
    });

    it('strict mode accepts exactly one match', () => {
      expect(selectInstallDevice({ devices: referenceDevices(), node: node({ instance_info: { root_device: { size: 64 } } }), strict: true, logger: createTestLogger().logger }).device.name).to.equal('/dev/sdb');
    });

    it('no match: DeviceNotFound listing every candidate, the hint it failed, and what to do next; never a guess', () => {
      const error = fail(() => selectInstallDevice({ devices: referenceDevices(), node: node({ instance_info: { root_device: { size: 465 } } }), logger: createTestLogger().logger }));

      expect(error.code).to.equal(404);
      expect(error.details).to.match(/^No suitable device was found for deployment using these hints \{"size":465\} \(from instance_info\.root_device\)\. None of the 3 candidate device\(s\) matches: /);
      expect(error.details).to.include('/dev/sda (465.76 GiB, model "Samsung SSD 860 EVO 500GB", serial "S3Z9NB0K123456A", wwn "0x5002538e40a1b2c3", vendor "ATA", rotational false, hctl "0:0:0:0", by_path "/dev/disk/by-path/pci-0000:00:1f.2-ata-1", tran "sata"): size 465.76 GiB (500107862016 bytes) does not satisfy "== 465"');
      expect(error.details).to.include('/dev/sdb (64 GiB');
      expect(error.details).to.include('/dev/nvme0n1 (931.51 GiB');
      expect(error.details).to.include('Correct the root device hints');
    });

    it('invalid hints: DeviceNotFound "failed to validate" with the HintError message', () => {
      const error = fail(() => selectInstallDevice({ devices: referenceDevices(), node: node({ properties: { root_device: { foo: 1 } } }), logger: createTestLogger().logger }));

      expect(error.details).to.equal(
        'No devices could be found using the root device hints {"foo":1} (from properties.root_device) because they failed to validate: ' +
          'The hints "foo" are invalid. Valid hints are: "size, model, wwn, serial, vendor, wwn_with_extension, wwn_vendor_extension, name, rotational, hctl, by_path, tran"',
      );
    });

    it('hints given by the caller replace the node\'s', () => {
      const choice = selectInstallDevice({ devices: referenceDevices(), node: node({ instance_info: { root_device: { size: 64 } } }), hints: { value: { tran: 'nvme' }, source: '--hints' }, logger: createTestLogger().logger });

      expect(choice).to.deep.include({ source: '--hints' });
      expect(choice.device.name).to.equal('/dev/nvme0n1');
    });

    it('says so when there are no devices at all', () => {
      const error = fail(() => selectInstallDevice({ devices: [], node: node({ instance_info: { root_device: { size: 8 } } }), logger: createTestLogger().logger }));

      expect(error.details).to.include('No block devices were found, so there was nothing to match. Check the device allowlist');
      expect(error.details).not.to.include('Correct the root device hints');
    });
  });

  describe('skip list', () => {
    it('skipped devices are never chosen, even when they match the hints', () => {
      const n = node({ instance_info: { root_device: { size: '>= 465' } }, properties: { skip_block_devices: [{ name: '/dev/sda' }] } });

      const choice = selectInstallDevice({ devices: referenceDevices(), node: n, logger: createTestLogger().logger });

      expect(choice.device.name).to.equal('/dev/nvme0n1');
      expect(choice.skipped.map((s) => s.device.name)).to.deep.equal(['/dev/sda']);
      expect(choice.candidates.map((c) => c.device.name)).to.deep.equal(['/dev/sdb', '/dev/nvme0n1']);
    });

    it('a no-match error mentions the skipped devices', () => {
      const n = node({ instance_info: { root_device: { name: '/dev/sda' } }, properties: { skip_block_devices: [{ name: '/dev/sda' }] } });

      const error = fail(() => selectInstallDevice({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }));

      expect(error.details).to.include('Skipped by properties.skip_block_devices: /dev/sda (entry 0).');
    });

    it('applies to the guess as well', () => {
      const n = node({ properties: { skip_block_devices: [{ name: '/dev/sdb' }] } });

      expect(selectInstallDevice({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }).device.name).to.equal('/dev/sda');
    });

    it('an invalid skip list is a DeviceNotFound naming the entry', () => {
      const n = node({ properties: { skip_block_devices: [{ bogus: 1 }] } });

      const error = fail(() => selectInstallDevice({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }));

      expect(error.details).to.match(/^Cannot apply properties\.skip_block_devices because it failed to validate: properties\.skip_block_devices\[0\]: The hints "bogus" are invalid/);
    });
  });

  describe('without hints', () => {
    it('guesses the smallest disk of at least 4 GiB', () => {
      const choice = selectInstallDevice({ devices: referenceDevices(), node: node(), logger: createTestLogger().logger });

      expect(choice).to.deep.include({ method: 'guess', source: null, hints: null });
      expect(choice.device.name).to.equal('/dev/sdb');
    });

    it('empty hints from the caller mean "no hints"', () => {
      expect(selectInstallDevice({ devices: referenceDevices(), hints: { value: {}, source: '--hints' }, logger: createTestLogger().logger }).method).to.equal('guess');
    });

    it('fails with IPA\'s text plus the candidates when every disk is too small', () => {
      const devices: BlockDevice[] = [makeDevice('/dev/sda', 2 * GiB)];

      const error = fail(() => selectInstallDevice({ devices, node: node(), logger: createTestLogger().logger }));

      expect(error.details).to.match(/^No suitable device was found for deployment - root device hints were not provided and all found block devices are smaller than 4294967296B\. Candidates: \/dev\/sda \(2 GiB/);
      expect(error.details).to.include('Attach a disk of at least 4 GiB');
    });
  });

  it('describeDevice shows every identifying field, "none" when unknown', () => {
    expect(describeDevice(makeDevice('/dev/loop4', 5 * GiB))).to.equal(
      '/dev/loop4 (5 GiB, model none, serial none, wwn none, vendor none, rotational false, hctl none, by_path none, tran none)',
    );
  });
});
