import { expect } from 'chai';
import { DeviceNotFound } from '../../../../common/errors.js';
import {
  decideInstallDevice,
  rootDeviceHintsFromNode,
  selectInstallDevice,
  type SelectInstallDeviceOptions,
} from '../../../../agent/hardware/generic/install-device.js';
import type { DeviceMount, MountedDisks } from '../../../../agent/hardware/generic/mounted.js';
import type { BlockDevice, Node } from '../../../../agent/hardware/types.js';
import { GiB, makeDevice, referenceDevices } from '../../../helpers/block-device.js';
import { createTestLogger } from '../../../helpers/logger.js';

const node = (extra: Partial<Node> = {}): Node => ({
  uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123',
  properties: {},
  instance_info: {},
  ...extra,
});

/** No mounted disks unless the test says so. */
const select = (
  options: Omit<SelectInstallDeviceOptions, 'mounted'> & { mounted?: MountedDisks },
): ReturnType<typeof selectInstallDevice> => selectInstallDevice({ mounted: new Map(), ...options });
const ISO: DeviceMount = { device: '/dev/sda3', mountPoint: '/run/media/iso' };
const mounted = (entries: Record<string, DeviceMount[]>): MountedDisks => new Map(Object.entries(entries));

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
      expect(
        rootDeviceHintsFromNode(
          node({ instance_info: { root_device: { size: 64 } }, properties: { root_device: { size: 1 } } }),
        ),
      ).to.deep.equal({ value: { size: 64 }, source: 'instance_info.root_device' });
      expect(
        rootDeviceHintsFromNode(node({ instance_info: { root_device: {} }, properties: { root_device: { size: 1 } } })),
      ).to.deep.equal({ value: { size: 1 }, source: 'properties.root_device' });
      expect(rootDeviceHintsFromNode(node())).to.equal(null);
      expect(rootDeviceHintsFromNode(undefined)).to.equal(null);
    });
  });

  describe('with hints', () => {
    it('picks the first match, logs every match and warns about several', () => {
      const { logger, memory } = createTestLogger();

      const choice = select({
        devices: referenceDevices(),
        node: node({ instance_info: { root_device: { size: '>= 465' } } }),
        logger,
      });

      expect(choice.device.name).to.equal('/dev/sda');
      expect(choice).to.deep.include({
        method: 'hints',
        source: 'instance_info.root_device',
        hints: { size: '>= 465' },
      });
      expect(choice.normalizedHints).to.deep.equal({ size: '>= 465' });
      expect(choice.matches.map((m) => m.device.name)).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
      expect(choice.reason).to.match(
        /^it is the first of 2 device\(s\) matching the root device hints \{"size":">= 465"\} \(from instance_info\.root_device\): size 465\.76 GiB/,
      );
      const logged = memory.entries
        .filter((e) => e['message'] === 'Block device matches the root device hints')
        .map((e) => e['device']);
      expect(logged).to.deep.equal(['/dev/sda', '/dev/nvme0n1']);
      expect(
        memory.entries.some(
          (e) => e['level'] === 'warn' && String(e['message']).startsWith('Several block devices match'),
        ),
      ).to.equal(true);
    });

    it('reports every candidate with the hint it failed', () => {
      const choice = select({
        devices: referenceDevices(),
        node: node({ properties: { root_device: { rotational: true } } }),
        logger: createTestLogger().logger,
      });

      expect(choice.device.name).to.equal('/dev/sdb');
      expect(choice.candidates.map((c) => [c.device.name, c.mismatch?.hint ?? null])).to.deep.equal([
        ['/dev/sda', 'rotational'],
        ['/dev/sdb', null],
        ['/dev/nvme0n1', 'rotational'],
      ]);
    });

    it('strict mode refuses several matches and lists them', () => {
      const error = fail(() =>
        select({
          devices: referenceDevices(),
          node: node({ instance_info: { root_device: { size: '>= 465' } } }),
          strict: true,
          logger: createTestLogger().logger,
        }),
      );

      expect(error.details).to.match(
        /match 2 devices, and strict root device hints allow only one: \/dev\/sda \(465\.76 GiB.*; \/dev\/nvme0n1 \(/,
      );
      expect(error.details).to.include('Make the hints more specific');
    });

    it('strict mode accepts exactly one match', () => {
      expect(
        select({
          devices: referenceDevices(),
          node: node({ instance_info: { root_device: { size: 64 } } }),
          strict: true,
          logger: createTestLogger().logger,
        }).device.name,
      ).to.equal('/dev/sdb');
    });

    it('no match: DeviceNotFound listing every candidate, the hint it failed, and what to do next; never a guess', () => {
      const error = fail(() =>
        select({
          devices: referenceDevices(),
          node: node({ instance_info: { root_device: { size: 465 } } }),
          logger: createTestLogger().logger,
        }),
      );

      expect(error.code).to.equal(404);
      expect(error.details).to.match(
        /^No suitable device was found for deployment using these hints \{"size":465\} \(from instance_info\.root_device\)\. None of the 3 candidate device\(s\) matches: /,
      );
      expect(error.details).to.include(
        '/dev/sda (465.76 GiB, model "Samsung SSD 860 EVO 500GB", serial "S3Z9NB0K123456A", wwn "0x5002538e40a1b2c3", vendor "ATA", rotational false, hctl "0:0:0:0", by_path "/dev/disk/by-path/pci-0000:00:1f.2-ata-1", tran "sata"): size 465.76 GiB (500107862016 bytes) does not satisfy "== 465"',
      );
      expect(error.details).to.include('/dev/sdb (64 GiB');
      expect(error.details).to.include('/dev/nvme0n1 (931.51 GiB');
      expect(error.details).to.include('Correct the root device hints');
    });

    it('invalid hints: DeviceNotFound "failed to validate" with the HintError message', () => {
      const error = fail(() =>
        select({
          devices: referenceDevices(),
          node: node({ properties: { root_device: { foo: 1 } } }),
          logger: createTestLogger().logger,
        }),
      );

      expect(error.details).to.equal(
        'No devices could be found using the root device hints {"foo":1} (from properties.root_device) because they failed to validate: ' +
          'The hints "foo" are invalid. Valid hints are: "size, model, wwn, serial, vendor, wwn_with_extension, wwn_vendor_extension, name, rotational, hctl, by_path, tran"',
      );
    });

    it("hints given by the caller replace the node's", () => {
      const choice = select({
        devices: referenceDevices(),
        node: node({ instance_info: { root_device: { size: 64 } } }),
        hints: { value: { tran: 'nvme' }, source: '--hints' },
        logger: createTestLogger().logger,
      });

      expect(choice).to.deep.include({ source: '--hints' });
      expect(choice.device.name).to.equal('/dev/nvme0n1');
    });

    it('says so when there are no devices at all', () => {
      const error = fail(() =>
        select({
          devices: [],
          node: node({ instance_info: { root_device: { size: 8 } } }),
          logger: createTestLogger().logger,
        }),
      );

      expect(error.details).to.include(
        'No block devices were found, so there was nothing to match. Check the device allowlist',
      );
      expect(error.details).not.to.include('Correct the root device hints');
    });
  });

  describe('skip list', () => {
    it('skipped devices are never chosen, even when they match the hints', () => {
      const n = node({
        instance_info: { root_device: { size: '>= 465' } },
        properties: { skip_block_devices: [{ name: '/dev/sda' }] },
      });

      const choice = select({ devices: referenceDevices(), node: n, logger: createTestLogger().logger });

      expect(choice.device.name).to.equal('/dev/nvme0n1');
      expect(choice.skipped.map((s) => s.device.name)).to.deep.equal(['/dev/sda']);
      expect(choice.candidates.map((c) => c.device.name)).to.deep.equal(['/dev/sdb', '/dev/nvme0n1']);
    });

    it('hints that name a skipped disk: the error names it, the entry, and what to do', () => {
      const n = node({
        instance_info: { root_device: { name: '/dev/sda' } },
        properties: { skip_block_devices: [{ serial: 'S3Z9NB0K123456A' }] },
      });

      const error = fail(() => select({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }));

      expect(error.details).to.include(
        'These hints match /dev/sda, but /dev/sda is excluded: it is in properties.skip_block_devices (entry 0: {"serial":"S3Z9NB0K123456A"}).',
      );
      expect(error.details).to.include('None of the 2 candidate device(s) matches: /dev/sdb (64 GiB');
      expect(error.details).to.include(
        'Remove the entry from properties.skip_block_devices if that disk should be used.',
      );
    });

    it('a no-match error lists the skipped disks the hints do not match either', () => {
      const n = node({
        instance_info: { root_device: { size: 1 } },
        properties: { skip_block_devices: [{ name: '/dev/sda' }] },
      });

      const error = fail(() => select({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }));

      expect(error.details).to.include(
        'Also excluded: /dev/sda is in properties.skip_block_devices (entry 0: {"name":"/dev/sda"}).',
      );
      expect(error.details).not.to.include('These hints match');
      expect(error.details).to.include('Correct the root device hints');
    });

    it('applies to the guess as well', () => {
      const n = node({ properties: { skip_block_devices: [{ name: '/dev/sdb' }] } });

      expect(select({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }).device.name).to.equal(
        '/dev/sda',
      );
    });

    it('an invalid skip list is a DeviceNotFound naming the entry', () => {
      const n = node({ properties: { skip_block_devices: [{ bogus: 1 }] } });

      const error = fail(() => select({ devices: referenceDevices(), node: n, logger: createTestLogger().logger }));

      expect(error.details).to.match(
        /^Cannot apply properties\.skip_block_devices because it failed to validate: properties\.skip_block_devices\[0\]: The hints "bogus" are invalid/,
      );
    });
  });

  describe('mounted disks', () => {
    it('are never chosen, even when they match the hints first in lsblk order; a warning names them', () => {
      const { logger, memory } = createTestLogger();

      const choice = select({
        devices: referenceDevices(),
        mounted: mounted({ '/dev/sda': [ISO] }),
        node: node({ instance_info: { root_device: { size: '>= 400' } } }),
        logger,
      });

      expect(choice.device.name).to.equal('/dev/nvme0n1');
      expect(choice.excluded.map((e) => [e.device.name, e.reason, e.matchesHints])).to.deep.equal([
        ['/dev/sda', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)', true],
      ]);
      expect(choice.candidates.map((c) => c.device.name)).to.deep.equal(['/dev/sdb', '/dev/nvme0n1']);
      expect(
        memory.entries.some(
          (e) =>
            e['level'] === 'warn' &&
            e['device'] === '/dev/sda' &&
            String(e['message']).startsWith('A disk matching the root device hints is excluded'),
        ),
      ).to.equal(true);
    });

    it('hints that name a mounted disk fail naming it, the mount and what to do; nothing else is guessed', () => {
      const error = fail(() =>
        select({
          devices: referenceDevices(),
          mounted: mounted({ '/dev/sda': [ISO] }),
          node: node({ instance_info: { root_device: { name: '/dev/sda' } } }),
          logger: createTestLogger().logger,
        }),
      );

      expect(error.details).to.match(
        /^No suitable device was found for deployment using these hints \{"name":"\/dev\/sda"\} \(from instance_info\.root_device\)\. These hints match \/dev\/sda, but \/dev\/sda is excluded: it has a mounted filesystem \(\/dev\/sda3 on \/run\/media\/iso\)\. None of the 2 candidate device\(s\) matches: /,
      );
      expect(error.details).to.include(
        'A disk with a mounted filesystem is never installed onto or cleaned (on a live ISO it is the boot media)',
      );
      expect(error.details).to.include(
        'Otherwise correct the root device hints so that they describe a disk that is not excluded.',
      );
    });

    it('with hints, every disk mounted: says so, and names the one the hints match', () => {
      const all = mounted({
        '/dev/sda': [ISO],
        '/dev/sdb': [{ device: '/dev/sdb1', mountPoint: '/boot' }],
        '/dev/nvme0n1': [{ device: '/dev/nvme0n1p2', mountPoint: '/' }],
      });

      const none = fail(() =>
        select({
          devices: referenceDevices(),
          mounted: all,
          node: node({ instance_info: { root_device: { size: 1 } } }),
          logger: createTestLogger().logger,
        }),
      );
      const one = fail(() =>
        select({
          devices: referenceDevices(),
          mounted: all,
          node: node({ instance_info: { root_device: { size: 64 } } }),
          logger: createTestLogger().logger,
        }),
      );

      expect(none.details).to.include(
        'No disk is left to match: every disk is excluded because it has a mounted filesystem: /dev/sda (/dev/sda3 on /run/media/iso), /dev/sdb (/dev/sdb1 on /boot), /dev/nvme0n1 (/dev/nvme0n1p2 on /).',
      );
      expect(one.details).to.include(
        'These hints match /dev/sdb, but /dev/sdb is excluded: it has a mounted filesystem (/dev/sdb1 on /boot). No other disk is left to match. Also excluded: /dev/sda has a mounted filesystem',
      );
      for (const error of [none, one]) expect(error.details).not.to.match(/smaller than|No block devices were found/);
    });

    it('without hints, every disk mounted: says so instead of talking about sizes', () => {
      const error = fail(() =>
        select({
          devices: referenceDevices(),
          mounted: mounted({ '/dev/sda': [ISO], '/dev/sdb': [ISO], '/dev/nvme0n1': [ISO] }),
          node: node(),
          logger: createTestLogger().logger,
        }),
      );

      expect(error.details).to.match(
        /^No suitable device was found for deployment - root device hints were not provided and every disk is excluded because it has a mounted filesystem: \/dev\/sda \(\/dev\/sda3 on \/run\/media\/iso\), /,
      );
      expect(error.details).to.include('A disk with a mounted filesystem is never installed onto or cleaned');
      expect(error.details).not.to.include('smaller than');
    });

    it('without hints, the guess skips a mounted disk; when the rest is too small the error lists both', () => {
      const devices = [
        makeDevice('/dev/sda', 16 * GiB),
        makeDevice('/dev/sdb', 2 * GiB),
        makeDevice('/dev/sdc', 32 * GiB),
      ];

      const choice = select({
        devices,
        mounted: mounted({ '/dev/sda': [ISO] }),
        node: node(),
        logger: createTestLogger().logger,
      });
      const error = fail(() =>
        select({
          devices: devices.slice(0, 2),
          mounted: mounted({ '/dev/sda': [ISO] }),
          node: node(),
          logger: createTestLogger().logger,
        }),
      );

      expect(choice.device.name).to.equal('/dev/sdc');
      expect(error.details).to.match(
        /smaller than 4294967296B\. Candidates: \/dev\/sdb \(2 GiB.*\)\. Excluded: \/dev\/sda has a mounted filesystem \(\/dev\/sda3 on \/run\/media\/iso\)\. Attach a disk/,
      );
    });

    it('decideInstallDevice reports a failure without throwing: candidates, excluded disks and whether the hints match them', () => {
      const decision = decideInstallDevice({
        devices: referenceDevices(),
        mounted: mounted({ '/dev/sda': [ISO] }),
        node: node({ instance_info: { root_device: { tran: 'sata' } } }),
        logger: createTestLogger().logger,
      });

      if (decision.chosen) throw new Error('expected no choice');
      expect(decision.error).to.be.instanceOf(DeviceNotFound);
      expect(decision.report.given).to.deep.equal({ value: { tran: 'sata' }, source: 'instance_info.root_device' });
      expect(decision.report.compared).to.equal(true);
      expect(decision.report.candidates.map((c) => [c.device.name, c.mismatch?.hint ?? null])).to.deep.equal([
        ['/dev/sdb', 'tran'],
        ['/dev/nvme0n1', 'tran'],
      ]);
      expect(decision.report.excluded.map((e) => [e.device.name, e.rule, e.matchesHints])).to.deep.equal([
        ['/dev/sda', 'mounted', true],
      ]);
    });
  });

  describe('without hints', () => {
    it('guesses the smallest disk of at least 4 GiB', () => {
      const choice = select({ devices: referenceDevices(), node: node(), logger: createTestLogger().logger });

      expect(choice).to.deep.include({ method: 'guess', source: null, hints: null });
      expect(choice.device.name).to.equal('/dev/sdb');
    });

    it('empty hints from the caller mean "no hints"', () => {
      expect(
        select({
          devices: referenceDevices(),
          hints: { value: {}, source: '--hints' },
          logger: createTestLogger().logger,
        }).method,
      ).to.equal('guess');
    });

    it("fails with IPA's text plus the candidates when every disk is too small", () => {
      const devices: BlockDevice[] = [makeDevice('/dev/sda', 2 * GiB)];

      const error = fail(() => select({ devices, node: node(), logger: createTestLogger().logger }));

      expect(error.details).to.match(
        /^No suitable device was found for deployment - root device hints were not provided and all found block devices are smaller than 4294967296B\. Candidates: \/dev\/sda \(2 GiB/,
      );
      expect(error.details).to.include('Attach a disk of at least 4 GiB');
    });
  });
});
