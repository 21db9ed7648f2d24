import { expect } from 'chai';
import {
  everyDiskExcluded,
  excludeDisks,
  excludedSentence,
  exclusionAdvice,
  logExclusions,
  type ExcludedDisk,
} from '../../../../agent/hardware/generic/install-candidates.js';
import type { DeviceMount, MountedDisks } from '../../../../agent/hardware/generic/mounted.js';
import { HintError } from '../../../../agent/hardware/root-device-hints/hint-error.js';
import type { Node } from '../../../../agent/hardware/types.js';
import { referenceDevices } from '../../../helpers/block-device.js';
import { createTestLogger } from '../../../helpers/logger.js';

const ISO: DeviceMount = { device: '/dev/sda3', mountPoint: '/run/media/iso' };
const node = (skip?: unknown): Pick<Node, 'properties'> => ({
  properties: skip === undefined ? {} : { skip_block_devices: skip },
});
const mounted = (entries: Record<string, DeviceMount[]> = {}): MountedDisks => new Map(Object.entries(entries));

describe('generic/install-candidates', () => {
  describe('excludeDisks', () => {
    const table: Array<
      [string, Pick<Node, 'properties'> | null, MountedDisks, string[], Array<[string, string, string]>]
    > = [
      ['nothing excluded', node(), mounted(), ['/dev/sda', '/dev/sdb', '/dev/nvme0n1'], []],
      ['no node', null, mounted(), ['/dev/sda', '/dev/sdb', '/dev/nvme0n1'], []],
      [
        'a mounted disk',
        node(),
        mounted({ '/dev/sda': [ISO] }),
        ['/dev/sdb', '/dev/nvme0n1'],
        [['/dev/sda', 'mounted', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)']],
      ],
      [
        'a disk with two mounts',
        node(),
        mounted({
          '/dev/sdb': [
            { device: '/dev/sdb1', mountPoint: '/a' },
            { device: '/dev/sdb2', mountPoint: '/b' },
          ],
        }),
        ['/dev/sda', '/dev/nvme0n1'],
        [['/dev/sdb', 'mounted', 'has a mounted filesystem (/dev/sdb1 on /a, /dev/sdb2 on /b)']],
      ],
      [
        'a mount on a disk that is not listed changes nothing',
        node(),
        mounted({ '/dev/vda': [{ device: '/dev/vda', mountPoint: '/' }] }),
        ['/dev/sda', '/dev/sdb', '/dev/nvme0n1'],
        [],
      ],
      [
        'a skip-listed disk',
        node([{ name: '/dev/sdb' }]),
        mounted(),
        ['/dev/sda', '/dev/nvme0n1'],
        [['/dev/sdb', 'skip_block_devices', 'is in properties.skip_block_devices (entry 0: {"name":"/dev/sdb"})']],
      ],
      [
        'skipped and mounted: the skip list is named (applied first)',
        node([{ tran: 'sata' }]),
        mounted({ '/dev/sda': [ISO] }),
        ['/dev/sdb', '/dev/nvme0n1'],
        [['/dev/sda', 'skip_block_devices', 'is in properties.skip_block_devices (entry 0: {"tran":"sata"})']],
      ],
      [
        'both rules, excluded kept in lsblk order',
        node([{ name: '/dev/nvme0n1' }]),
        mounted({ '/dev/sda': [ISO] }),
        ['/dev/sdb'],
        [
          ['/dev/sda', 'mounted', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)'],
          [
            '/dev/nvme0n1',
            'skip_block_devices',
            'is in properties.skip_block_devices (entry 0: {"name":"/dev/nvme0n1"})',
          ],
        ],
      ],
      [
        'every disk mounted',
        node(),
        mounted({ '/dev/sda': [ISO], '/dev/sdb': [ISO], '/dev/nvme0n1': [ISO] }),
        [],
        [
          ['/dev/sda', 'mounted', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)'],
          ['/dev/sdb', 'mounted', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)'],
          ['/dev/nvme0n1', 'mounted', 'has a mounted filesystem (/dev/sda3 on /run/media/iso)'],
        ],
      ],
    ];
    for (const [what, n, m, candidates, excluded] of table) {
      it(what, () => {
        const result = excludeDisks(referenceDevices(), n, m);

        expect(result.candidates.map((d) => d.name)).to.deep.equal(candidates);
        expect(result.excluded.map((e) => [e.device.name, e.rule, e.reason])).to.deep.equal(excluded);
      });
    }

    it('reports volume_name entries and throws HintError for an invalid skip list', () => {
      expect(excludeDisks(referenceDevices(), node([{ volume_name: 'root' }]), mounted()).volumeNames).to.deep.equal([
        'root',
      ]);
      expect(() => excludeDisks(referenceDevices(), node([{ bogus: 1 }]), mounted())).to.throw(
        HintError,
        /skip_block_devices\[0\]/,
      );
    });
  });

  describe('texts', () => {
    const excluded = (n: Pick<Node, 'properties'>, m: MountedDisks): [ExcludedDisk, ExcludedDisk] => {
      const [a, b] = excludeDisks(referenceDevices(), n, m).excluded;
      if (a === undefined || b === undefined) throw new Error('expected two excluded disks');
      return [a, b];
    };
    const [sda, sdb] = excluded(node([{ name: '/dev/sdb' }]), mounted({ '/dev/sda': [ISO] }));
    const [m1, m2] = excluded(
      node(),
      mounted({ '/dev/sda': [ISO], '/dev/sdb': [{ device: '/dev/sdb', mountPoint: '/x' }] }),
    );

    it('names the disk and why it is excluded', () => {
      expect(excludedSentence(sda)).to.equal(
        '/dev/sda is excluded: it has a mounted filesystem (/dev/sda3 on /run/media/iso)',
      );
      expect(excludedSentence(sdb)).to.equal(
        '/dev/sdb is excluded: it is in properties.skip_block_devices (entry 0: {"name":"/dev/sdb"})',
      );
    });

    it('says "because it has a mounted filesystem" only when that is the reason for every disk', () => {
      expect(everyDiskExcluded([m1, m2])).to.equal(
        'every disk is excluded because it has a mounted filesystem: /dev/sda (/dev/sda3 on /run/media/iso), /dev/sdb (/dev/sdb on /x)',
      );
      expect(everyDiskExcluded([sda, sdb])).to.equal(
        'every disk is excluded: /dev/sda has a mounted filesystem (/dev/sda3 on /run/media/iso); /dev/sdb is in properties.skip_block_devices (entry 0: {"name":"/dev/sdb"})',
      );
    });

    it('advises per rule involved', () => {
      expect(exclusionAdvice([m1])).to.match(/^A disk with a mounted filesystem is never installed onto or cleaned/);
      expect(exclusionAdvice([sdb])).to.equal(
        'Remove the entry from properties.skip_block_devices if that disk should be used.',
      );
      expect(exclusionAdvice([sda, sdb]).split('. ')).to.have.length(2);
    });

    it('logs a mounted disk as a warning, a skipped one as info', () => {
      const { logger, memory } = createTestLogger();

      logExclusions([sda, sdb], logger);

      expect(memory.entries.map((e) => [e['level'], e['disk'] ?? e['device']])).to.deep.equal([
        ['warn', '/dev/sda'],
        ['info', '/dev/sdb'],
      ]);
      expect(memory.entries[0]?.['mounted']).to.equal('/dev/sda3 on /run/media/iso');
    });
  });
});
