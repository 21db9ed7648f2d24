import { expect } from 'chai';
import { linksToTakeDown, takeNetworkDown } from '../../../agent/lifecycle/lockdown.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { createTestLogger } from '../../helpers/logger.js';

const LINKS = JSON.stringify([{ ifname: 'lo' }, { ifname: 'eno1' }, { ifname: 'eno1.100' }, { link_type: 'none' }]);

describe('lifecycle/lockdown', () => {
  describe('linksToTakeDown', () => {
    const cases: Array<[string, string, string[] | null]> = [
      ['every named link but lo', LINKS, ['eno1', 'eno1.100']],
      ['no output as no links', '', []],
      ['a JSON object as no links', '{"ifname":"eno1"}', []],
      ['entries that are not objects as nothing', '[null, 1, "eno1", {"ifname": 7}]', []],
      ['output that is not JSON as unknown', 'Error: no such device', null],
    ];
    for (const [name, json, expected] of cases) {
      it(`reads ${name}`, () => {
        expect(linksToTakeDown(json)).to.deep.equal(expected);
      });
    }
  });

  describe('takeNetworkDown', () => {
    it('takes every interface but lo down and goes on when one refuses', async () => {
      const runner = new FakeRunner().expect(
        { match: ['ip', '-j', 'link', 'show'], stdout: LINKS },
        { match: ['ip', 'link', 'set', 'eno1', 'down'], exitCode: 2, stderr: 'RTNETLINK answers: busy' },
        { match: ['ip', 'link', 'set', 'eno1.100', 'down'] },
      );

      await takeNetworkDown(runner, createTestLogger().logger);

      expect(runner.pending()).to.deep.equal([]);
    });

    it('warns and takes nothing down when the links cannot be read', async () => {
      const { logger, memory } = createTestLogger();
      const runner = new FakeRunner().expect({ match: ['ip', '-j', 'link', 'show'], stdout: 'garbage' });

      await takeNetworkDown(runner, logger);

      expect(runner.calls).to.have.length(1);
      expect(memory.text()).to.contain('Could not list the network interfaces to take them down');
    });

    it('takes nothing down when ip itself fails', async () => {
      const runner = new FakeRunner().expect({ match: ['ip', '-j', 'link', 'show'], notFound: true });

      await takeNetworkDown(runner, createTestLogger().logger);

      expect(runner.calls).to.have.length(1);
    });
  });
});
