import { expect } from 'chai';
import { BlockDeviceEraseError } from '../../../../../common/errors.js';
import { isNvme, nvmeErase, nvmeFormatMode } from '../../../../../agent/hardware/generic/erase/nvme.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, fakeDeps, fakeFs, fixture } from './support.js';

const ID_CTRL = ['nvme', 'id-ctrl', '/dev/nvme0n1', '-o', 'json'];

describe('erase/nvme', () => {
  describe('nvmeFormatMode', () => {
    const table: { title: string; json: string; expected: ReturnType<typeof nvmeFormatMode> }[] = [
      {
        title: 'a datacenter drive with crypto erase (fna bit 2)',
        json: fixture('nvme-id-ctrl-crypto.json'),
        expected: { mode: 2, allNamespaces: false },
      },
      {
        title: 'a client drive with user-data erase only',
        json: fixture('nvme-id-ctrl-user-data.json'),
        expected: { mode: 1, allNamespaces: false },
      },
      {
        title: 'a cloud volume without Format NVM (oacs bit 1 clear)',
        json: fixture('nvme-id-ctrl-no-format.json'),
        expected: { problem: 'no-format' },
      },
      { title: 'oacs with only other bits', json: '{"oacs": 5, "fna": 4}', expected: { problem: 'no-format' } },
      { title: 'format without fna', json: '{"oacs": 2}', expected: { mode: 1, allNamespaces: false } },
      {
        title: 'a controller that formats all namespaces at once (fna bits 0-2)',
        json: fixture('nvme-id-ctrl-all-namespaces.json'),
        expected: { mode: 2, allNamespaces: true },
      },
      {
        title: 'fna bit 0 only (format applies to all namespaces)',
        json: '{"oacs": 2, "fna": 1}',
        expected: { mode: 1, allNamespaces: true },
      },
      {
        title: 'fna bit 1 only (secure erase applies to all namespaces)',
        json: '{"oacs": 2, "fna": 2}',
        expected: { mode: 1, allNamespaces: true },
      },
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
    const table: [string, boolean][] = [
      ['/dev/nvme0n1', true],
      ['/dev/nvme0n1p1', true],
      ['/dev/sda', false],
      ['/dev/vda', false],
    ];
    for (const [name, expected] of table) {
      it(`${name} → ${expected}`, () => {
        expect(isNvme(name)).to.equal(expected);
      });
    }
  });

  describe('nvmeErase', () => {
    it('formats with crypto erase (ses 2) when supported', async () => {
      const runner = new FakeRunner().expect(
        { match: ID_CTRL, stdout: fixture('nvme-id-ctrl-crypto.json') },
        { match: ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f'] },
      );

      expect(await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1', ['/dev/nvme0n1'])).to.equal(
        true,
      );
      expect(argvs(runner)).to.deep.equal([ID_CTRL, ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f']]);
    });

    it('formats with user-data erase (ses 1) otherwise', async () => {
      const runner = new FakeRunner().expect(
        { match: ID_CTRL, stdout: fixture('nvme-id-ctrl-user-data.json') },
        { match: ['nvme', 'format', '/dev/nvme0n1', '-s', '1', '-f'] },
      );

      expect(await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1', ['/dev/nvme0n1'])).to.equal(
        true,
      );
    });

    describe('when the controller formats all namespaces (fna bits 0/1)', () => {
      const ALL_NS = { match: ID_CTRL, stdout: fixture('nvme-id-ctrl-all-namespaces.json') };
      const FORMAT = ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f'];
      const controller = (entries: string[]) => fakeFs({ namespaces: { nvme0n1: entries } });
      const formats: { title: string; entries: string[]; erasing: string[] }[] = [
        {
          title: 'a single-namespace controller',
          entries: ['nvme0n1', 'firmware_rev', 'model', 'serial'],
          erasing: ['/dev/nvme0n1'],
        },
        {
          title: 'every namespace being erased',
          entries: ['nvme0n1', 'nvme0n2', 'nvme0n3'],
          erasing: ['/dev/sda', '/dev/nvme0n3', '/dev/nvme0n1', '/dev/nvme0n2'],
        },
      ];
      for (const row of formats) {
        it(`formats for ${row.title}`, async () => {
          const runner = new FakeRunner().expect(ALL_NS, { match: FORMAT });

          expect(
            await nvmeErase(
              fakeDeps(runner, createTestLogger().logger, controller(row.entries)),
              '/dev/nvme0n1',
              row.erasing,
            ),
          ).to.equal(true);
          expect(argvs(runner)).to.deep.equal([ID_CTRL, FORMAT]);
        });
      }

      const refusals: { title: string; fs: ReturnType<typeof fakeFs>; message: RegExp }[] = [
        {
          title: 'a namespace is not being erased',
          fs: controller(['nvme0n1', 'nvme0n2', 'nvme0n3']),
          message:
            /^Refusing to nvme format device \/dev\/nvme0n1: .*would also erase \/dev\/nvme0n3 \(not being erased\)$/,
        },
        {
          title: 'the namespaces cannot be listed',
          fs: fakeFs(),
          message: /^Cannot list the NVMe namespaces sharing \/dev\/nvme0n1 .*ENOENT/,
        },
        { title: 'the listing lacks the device itself', fs: controller(['nvme0n2']), message: /does not list it$/ },
      ];
      for (const row of refusals) {
        it(`refuses (BlockDeviceEraseError, no format) when ${row.title}`, async () => {
          const runner = new FakeRunner().expect(ALL_NS);

          const error = await nvmeErase(fakeDeps(runner, createTestLogger().logger, row.fs), '/dev/nvme0n1', [
            '/dev/nvme0n1',
            '/dev/nvme0n2',
          ]).then(
            () => null,
            (e: unknown) => e,
          );

          expect(error).to.be.instanceOf(BlockDeviceEraseError);
          expect((error as BlockDeviceEraseError).details).to.match(row.message);
          expect(argvs(runner)).to.deep.equal([ID_CTRL]);
        });
      }
    });

    const failures: { title: string; script: Scripted[]; message: RegExp }[] = [
      {
        title: 'id-ctrl fails',
        script: [{ match: ID_CTRL, exitCode: 1, stderr: 'NVMe status: INVALID_FIELD' }],
        message: /^Failed to fetch NVMe capabilities for device \/dev\/nvme0n1: .*INVALID_FIELD/,
      },
      {
        title: 'format is unsupported',
        script: [{ match: ID_CTRL, stdout: fixture('nvme-id-ctrl-no-format.json') }],
        message: /^nvme-cli did not return any supported format modes for device: \/dev\/nvme0n1$/,
      },
      {
        title: 'id-ctrl prints nothing',
        script: [{ match: ID_CTRL, stdout: '' }],
        message: /^nvme-cli did not return any information for device: \/dev\/nvme0n1$/,
      },
      {
        title: 'format fails',
        script: [
          { match: ID_CTRL, stdout: fixture('nvme-id-ctrl-crypto.json') },
          {
            match: ['nvme', 'format', '/dev/nvme0n1', '-s', '2', '-f'],
            exitCode: 1,
            stderr: 'NVMe status: ACCESS_DENIED',
          },
        ],
        message: /^Failed to nvme format device \/dev\/nvme0n1: .*ACCESS_DENIED/,
      },
    ];
    for (const row of failures) {
      it(`raises BlockDeviceEraseError when ${row.title}`, async () => {
        const runner = new FakeRunner().expect(...row.script);

        const error = await nvmeErase(fakeDeps(runner, createTestLogger().logger), '/dev/nvme0n1', [
          '/dev/nvme0n1',
        ]).then(
          () => null,
          (e: unknown) => e,
        );

        expect(error).to.be.instanceOf(BlockDeviceEraseError);
        expect((error as BlockDeviceEraseError).details).to.match(row.message);
      });
    }
  });
});
