import { expect } from 'chai';
import { failureJson, failureText, successJson, successText } from '../../../../agent/hardware/generic/hints-report.js';
import { decideInstallDevice, type InstallDecision } from '../../../../agent/hardware/generic/install-device.js';
import type { MountedDisks } from '../../../../agent/hardware/generic/mounted.js';
import type { Node } from '../../../../agent/hardware/types.js';
import { referenceDevices } from '../../../helpers/block-device.js';
import { createTestLogger } from '../../../helpers/logger.js';

const SETTINGS = { strict: false, allowlist: ['/dev/*'] };
const NOT_LISTED = [{ name: '/dev/sr0', reason: 'read-only' }];
const ISO_ON_SDA: MountedDisks = new Map([['/dev/sda', [{ device: '/dev/sda3', mountPoint: '/run/media/iso' }]]]);

function decide(rootDevice: Record<string, unknown> | null, properties: Record<string, unknown> = {}): InstallDecision {
  const node: Node = { uuid: 'u', instance_info: rootDevice === null ? {} : { root_device: rootDevice }, properties };
  return decideInstallDevice({
    devices: referenceDevices(),
    mounted: ISO_ON_SDA,
    node,
    logger: createTestLogger().logger,
  });
}

describe('generic/hints-report', () => {
  describe('a chosen disk', () => {
    const decision = decide({ size: '>= 400' }, { skip_block_devices: [{ name: '/dev/sdb' }] });
    if (!decision.chosen) throw new Error('expected a choice');

    it('text: every excluded disk with its reason, marked when the hints match it, then what the lister left out', () => {
      expect(successText(decision.choice, NOT_LISTED)).to.include(
        [
          'Not considered:',
          '    /dev/sda: has a mounted filesystem (/dev/sda3 on /run/media/iso) — matches the hints, but is never chosen',
          '    /dev/sdb: is in properties.skip_block_devices (entry 0: {"name":"/dev/sdb"})',
          '    /dev/sr0: read-only',
          'Nothing was written.',
        ].join('\n'),
      );
    });

    it('json: excluded disks carry their rule and whether the hints match them; skipped is kept', () => {
      const report = successJson(decision.choice, NOT_LISTED, SETTINGS);

      expect(report['excluded']).to.deep.equal([
        {
          name: '/dev/sda',
          reason: 'has a mounted filesystem (/dev/sda3 on /run/media/iso)',
          rule: 'mounted',
          matches_hints: true,
        },
        {
          name: '/dev/sdb',
          reason: 'is in properties.skip_block_devices (entry 0: {"name":"/dev/sdb"})',
          rule: 'skip_block_devices',
          matches_hints: false,
        },
        { name: '/dev/sr0', reason: 'read-only' },
      ]);
      expect(report['skipped']).to.deep.equal([{ name: '/dev/sdb', entry: { name: '/dev/sdb' } }]);
      expect((report['chosen'] as { name: string }).name).to.equal('/dev/nvme0n1');
    });

    it('without hints, excluded disks are not compared (matches_hints null)', () => {
      const guess = decide(null);
      if (!guess.chosen) throw new Error('expected a choice');

      expect(successJson(guess.choice, [], SETTINGS)['excluded']).to.deep.equal([
        {
          name: '/dev/sda',
          reason: 'has a mounted filesystem (/dev/sda3 on /run/media/iso)',
          rule: 'mounted',
          matches_hints: null,
        },
      ]);
    });
  });

  describe('no disk chosen', () => {
    const decision = decide({ name: '/dev/sda' });
    if (decision.chosen) throw new Error('expected no choice');

    it('text: the error naming the excluded disk, the candidates, and the excluded disk again in the list', () => {
      const text = failureText(decision.error, decision.report, []);

      expect(text).to.match(
        /^No disk would be chosen\.\nNo suitable device .* These hints match \/dev\/sda, but \/dev\/sda is excluded: it has a mounted filesystem \(\/dev\/sda3 on \/run\/media\/iso\)\./,
      );
      expect(text).to.include('Candidates:\n    /dev/sdb (64 GiB');
      expect(text).to.include(
        'Not considered:\n    /dev/sda: has a mounted filesystem (/dev/sda3 on /run/media/iso) — matches the hints, but is never chosen\nNothing was written.\n',
      );
    });

    it('json: the error, the candidates compared, the excluded disk matching', () => {
      const report = failureJson(decision.error, decision.report, NOT_LISTED, SETTINGS);

      expect(report).to.deep.include({
        chosen: null,
        method: 'hints',
        source: 'instance_info.root_device',
        hints: { name: '/dev/sda' },
      });
      expect((report['candidates'] as Array<{ matches: boolean }>).map((c) => c.matches)).to.deep.equal([false, false]);
      expect(report['excluded']).to.deep.equal([
        {
          name: '/dev/sda',
          reason: 'has a mounted filesystem (/dev/sda3 on /run/media/iso)',
          rule: 'mounted',
          matches_hints: true,
        },
        { name: '/dev/sr0', reason: 'read-only' },
      ]);
      expect((report['error'] as { details: string }).details).to.include(
        '/dev/sda is excluded: it has a mounted filesystem',
      );
    });
  });
});
