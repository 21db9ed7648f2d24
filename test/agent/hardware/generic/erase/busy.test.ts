import { expect } from 'chai';
import { DeviceNotFound } from '../../../../../common/errors.js';
import { parseFuserPids, waitUntilNotBusy } from '../../../../../agent/hardware/generic/erase/busy.js';
import { FakeRunner } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { fakeDeps } from './support.js';

describe('erase/busy', () => {
  describe('parseFuserPids', () => {
    const table: [string, string[]][] = [
      ['', []],
      [' 1234 5678', ['1234', '5678']],
      ['1234\n', ['1234']],
      ['  ', []],
    ];
    for (const [stdout, expected] of table) {
      it(`reads ${JSON.stringify(stdout)}`, () => {
        expect(parseFuserPids(stdout)).to.deep.equal(expected);
      });
    }
  });

  describe('waitUntilNotBusy', () => {
    it('returns at once when fuser reports nobody (exit 1)', async () => {
      const runner = new FakeRunner().expect({ match: ['fuser', '/dev/sda'], exitCode: 1 });
      const deps = fakeDeps(runner, createTestLogger().logger);

      await waitUntilNotBusy(deps, '/dev/sda');

      expect(runner.calls[0]?.options.okExitCodes).to.deep.equal([0, 1]);
      expect(deps.sleeps).to.deep.equal([]);
    });

    it('ignores stderr noise without PIDs (psmisc in a container)', async () => {
      const runner = new FakeRunner().expect({
        match: ['fuser', '/dev/sda'],
        exitCode: 1,
        stderr: 'Cannot stat file /proc/1/fd/0: Permission denied\n',
      });

      await waitUntilNotBusy(fakeDeps(runner, createTestLogger().logger), '/dev/sda');

      expect(runner.calls).to.have.length(1);
    });

    it('polls until the holders are gone', async () => {
      const runner = new FakeRunner().expect(
        { match: ['fuser', '/dev/sda'], stdout: ' 4242', stderr: '/dev/sda:' },
        { match: ['fuser', '/dev/sda'], stdout: ' 4242', stderr: '/dev/sda:' },
        { match: ['fuser', '/dev/sda'], exitCode: 1 },
      );
      const deps = fakeDeps(runner, createTestLogger().logger);

      await waitUntilNotBusy(deps, '/dev/sda', { intervalMs: 250 });

      expect(runner.calls).to.have.length(3);
      expect(deps.sleeps).to.deep.equal([250, 250]);
    });

    it('gives up with the holding PIDs after the last attempt', async () => {
      const runner = new FakeRunner().expect({
        match: ['fuser', '/dev/sda'],
        stdout: ' 4242 4343',
        stderr: '/dev/sda:',
        repeat: true,
      });
      const deps = fakeDeps(runner, createTestLogger().logger);

      const error = await waitUntilNotBusy(deps, '/dev/sda', { attempts: 3 }).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(DeviceNotFound);
      expect((error as DeviceNotFound).details).to.equal(
        'Processes with the following PIDs are holding device /dev/sda: 4242, 4343. Timed out waiting for completion.',
      );
      expect(deps.sleeps).to.deep.equal([1000, 1000]);
    });

    it('gives up naming the fuser error when fuser keeps failing', async () => {
      const runner = new FakeRunner().expect({
        match: ['fuser', '/dev/sda'],
        exitCode: 2,
        stderr: 'fuser: unknown failure',
        repeat: true,
      });
      const { logger, memory } = createTestLogger();

      const error = await waitUntilNotBusy(fakeDeps(runner, logger), '/dev/sda', { attempts: 2 }).then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as DeviceNotFound).details).to.match(
        /^Fuser exited with ".*unknown failure" while checking locks for device \/dev\/sda\. Timed out waiting for completion\.$/,
      );
      expect(memory.text()).to.include('Failed to check the device with fuser');
    });
  });
});
