import { expect } from 'chai';
import { BlockDeviceEraseError } from '../../../../../agent/errors.js';
import { isNvme, nvmeErase, nvmeFormatMode } from '../../../../../agent/hardware/generic/erase/nvme.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, fakeDeps, fixture } from './support.js';

const ID_CTRL = ['nvme', 'id-ctrl', '/dev/nvme0n1', '-o', 'json'];

describe('erase/nvme', () => {
  describe('nvmeFormatMode', () => {
    const table: { title: string; json: string; expected: ReturnType<typeof nvmeFormatMode> }[] = [
      { title: 'a datacenter drive with crypto erase (fna bit 2)', json: fixture('nvme-id-ctrl-crypto.json'), expected: { mode: 2 } },
      { title: 'a client drive with user-data erase only', json: fixture('nvme-id-ctrl-user-data.json'), expected: { mode: 1 } },
      { title: 'a cloud volume without Format NVM (oacs bit 1 clear)', json: fixture('nvme-id-ctrl-no-format.json'), expected: { problem: 'no-format' } },
      { title: 'oacs with only other bits', json: '{"oacs": 5, "fna": 4}', expected: { problem: 'no-format' } },
      { title: 'format without fna', json: '{"oacs": 2}', expected: { mode: 1 } },
      { title: 'an empty object', json: '{}', expected: { problem: 'no-information' } },
      { title: 'empty output', json: '', expected: { problem: 'no-information' } },
      { title: 'non-JSON output', json: 'NVMe status: INVALID_NS', expected: { problem: 'no-information' } },
    ];
    for (const row of table) {
      it(`decides for ${row.title}`, () => {
        expect(nvmeFormatMode(row.json)).to.deep.equal(row.expected);
      });
    }
  });

  describe('isNvme', () => {
    const table: [string, boolean][] = [['/dev/nvme0n1', true], ['/dev/nvme0n1p1', true], ['/dev/sda', false], ['/dev/vda', false]];
    for (const [name, expected] of table) {
      it(`${name} → ${expected}`, () => {
        expect(isNvme(name)).to.equal(expected);
      });
    }
  });

  describe('nvmeErase', () => {
    it('formats with crypto erase (ses 2) when supported', async () => {
      const runner = new FakeRunner().expect({ match: ID_CTRL, stdout: fixture('nvme-id-ctrl-crypto.json') }, { match: ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f'] });

      expect(await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1')).to.equal(true);
      expect(argvs(runner)).to.deep.equal([ID_CTRL, ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f']]);
    });

    it('formats with user-data erase (ses 1) otherwise', async () => {
      const runner = new FakeRunner().expect({ match: ID_CTRL, stdout: fixture('nvme-id-ctrl-user-data.json') }, { match: ['nvme', 'format', '/dev/nvme0n1', '-s', '1', '-f'] });

      expect(await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1')).to.equal(true);
    });

    const failures: { title: string; script: Scripted[]; message: RegExp }[] = [
      { title: 'id-ctrl fails', script: [{ match: ID_CTRL, exitCode: 1, stderr: 'NVMe status: INVALID_FIELD' }], message: /^Failed to fetch NVMe capabilities for device \/dev\/nvme0n1: .*INVALID_FIELD/ },
      { title: 'format is unsupported', script: [{ match: ID_CTRL, stdout: fixture('nvme-id-ctrl-no-format.json') }], message: /^nvme-cli did not return any supported format modes for device: \/dev\/nvme0n1$/ },
      { title: 'id-ctrl prints nothing', script: [{ match: ID_CTRL, stdout: '' }], message: /^nvme-cli did not return any information for device: \/dev\/nvme0n1$/ },
      {
        title: 'format fails',
        script: [{ match: ID_CTRL, stdout: fixture('nvme-id-ctrl-crypto.json') }, { match: ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f'], exitCode: 1, stderr: 'NVMe status: ACCESS_DENIED' }],
        message: /^Failed to nvme format device \/dev\/nvme0n1: .*ACCESS_DENIED/,
      },
    ];
    for (const row of failures) {
      it(`raises BlockDeviceEraseError when ${row.title}`, async () => {
        const runner = new FakeRunner().expect(...row.script);

        const error = await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1').then(() => null, (e: unknown) => e);

        expect(error).to.be.instanceOf(BlockDeviceEraseError);
        expect((error as BlockDeviceEraseError).details).to.match(row.message);
      });
    }
  });
});
