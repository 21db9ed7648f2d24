import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';
import { encodeNewc, S_IFREG } from '../../iso/newc.js';
import { SystemXzCodec, XZ_COMPRESS_ARGV } from '../../iso/xz.js';
import { SystemZstdDecoder } from '../../iso/zstd.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { expectRejection, runner, sha256 } from '../helpers/iso-fixtures.js';

/**
 * sha256 of the xz payload of the 34-byte config's cpio, compressed as coreos-installer
 * src/io/initrd.rs does (liblzma preset 9, CRC32: `xz -9 -C crc32 --format=xz`).
 */
const REFERENCE_XZ_SHA256 = '79b330cf3b6531fd1a5f9341b556031071c59b9fd88d4638f3bf004d0e2d48cf';

describe('iso/xz', () => {
  describe('SystemXzCodec with the real xz', () => {
    const codec = new SystemXzCodec(runner);

    it('produces the reference 148-byte stream for the reference cpio (liblzma preset 9, CRC32)', async () => {
      const cpio = encodeNewc([
        { name: 'config.ign', mode: S_IFREG | 0o600, data: Buffer.from('{"ignition": {"version": "3.0.0"}\n') },
      ]);

      const xz = await codec.compress(cpio);

      expect(xz.length).to.equal(148);
      expect(sha256(xz)).to.equal(REFERENCE_XZ_SHA256);
      expect(xz.subarray(6, 8)).to.deep.equal(Buffer.from([0x00, 0x01]));
    });

    it('round-trips binary data', async () => {
      const data = randomBytes(70000);

      expect(await codec.decompress(await codec.compress(data))).to.deep.equal(data);
    });

    it('reports data that is not xz', async () => {
      const error = await expectRejection(
        codec.decompress(Buffer.from('not xz at all')),
        IsoError,
        'decompressing xz archive',
      );

      expect(errorChain(error)[1]).to.include('exited with code 1');
    });
  });

  describe('when the programs are missing', () => {
    it('tells which package to install for xz', async () => {
      const fake = new FakeRunner().expect({ match: [...XZ_COMPRESS_ARGV], notFound: true });

      const error = await expectRejection(
        new SystemXzCodec(fake).compress(Buffer.from('x')),
        IsoError,
        'compressing initrd with xz',
      );

      expect(errorChain(error)[1]).to.equal('the `xz` program was not found; install the xz-utils package');
      expect(fake.calls[0]?.options).to.include({ binary: true });
    });

    it('tells which package to install for zstd', async () => {
      const fake = new FakeRunner().expect({ match: (argv) => argv[0] === 'zstd', notFound: true });

      const error = await expectRejection(
        new SystemZstdDecoder(fake).decompress(Buffer.from('x')),
        IsoError,
        'decompressing zstd archive',
      );

      expect(errorChain(error)[1]).to.equal('the `zstd` program was not found; install the zstd package');
    });
  });
});
