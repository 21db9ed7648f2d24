import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import {
  compressedLength,
  gzipMemberLength,
  sniffFormat,
  xzStreamLength,
  zstdFramesLength,
} from '../../iso/compressed-stream.js';
import { IsoError } from '../../iso/errors.js';
import { runner } from '../helpers/iso-fixtures.js';

const TRAILING = Buffer.from('070701 and more');

async function compressWith(argv: string[], data: Buffer): Promise<Buffer> {
  const { stdoutBuffer } = await runner.run(argv, { input: data, binary: true });
  return stdoutBuffer ?? Buffer.alloc(0);
}

/** A gzip member with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC). */
function fullHeaderGzip(data: Buffer): Buffer {
  const fixed = Buffer.from([0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3]);
  const header = Buffer.concat([
    fixed,
    Buffer.from([3, 0]),
    Buffer.from('abc'),
    Buffer.from('x.cpio\0'),
    Buffer.from('note\0'),
  ]);
  const hcrc = Buffer.alloc(2);
  hcrc.writeUInt16LE(crc32(header) & 0xffff);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, hcrc, deflateRawSync(data), trailer]);
}

function zstdSkippable(payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a5e, 0);
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

describe('iso/compressed-stream', () => {
  describe('sniffFormat', () => {
    const cases: Array<[string, Buffer, string]> = [
      ['gzip', Buffer.from([0x1f, 0x8b]), 'gzip'],
      ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'],
      ['xz magic cut short', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a]), 'uncompressed'],
      ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]), 'zstd'],
      ['zstd skippable', Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 0x00]), 'zstd'],
      ['zstd magic alone (needs more than 4 bytes)', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'uncompressed'],
      ['newc', Buffer.from('070701'), 'uncompressed'],
    ];
    for (const [what, bytes, format] of cases) {
      it(`detects ${what} as ${format}`, () => {
        expect(sniffFormat(Buffer.concat([Buffer.from('pad'), bytes]), 3)).to.equal(format);
      });
    }
  });

  describe('gzip', () => {
    it('measures one member, ignoring what follows (even another member)', () => {
      const member = gzipSync(Buffer.from('first archive'));
      const buffer = Buffer.concat([member, gzipSync(Buffer.from('second')), TRAILING]);

      expect(gzipMemberLength(buffer, 0)).to.equal(member.length);
    });

    it('skips the optional header fields', () => {
      const member = fullHeaderGzip(Buffer.from('with every header field'));

      expect(gzipMemberLength(Buffer.concat([TRAILING, member, TRAILING]), TRAILING.length)).to.equal(member.length);
    });

    it('rejects a truncated member', () => {
      const member = gzipSync(randomBytes(2000));

      expect(() => gzipMemberLength(member.subarray(0, member.length - 4), 0)).to.throw(
        IsoError,
        'truncated gzip member at offset 0',
      );
      expect(() => gzipMemberLength(member.subarray(0, 500), 0)).to.throw(IsoError, 'corrupt gzip member at offset 0');
    });
  });

  describe('xz', () => {
    it('measures a stream made by xz, with stream padding and data after it', async () => {
      const stream = await compressWith(['xz', '-9', '-C', 'crc32', '-c'], Buffer.from('some cpio bytes'));

      expect(xzStreamLength(Buffer.concat([stream, Buffer.alloc(4), TRAILING]), 0)).to.equal(stream.length);
    });

    it('adds up several blocks from the index', async () => {
      const stream = await compressWith(['xz', '--block-size=4096', '-T1', '-c'], randomBytes(20000));

      expect(compressedLength('xz', Buffer.concat([Buffer.alloc(8), stream, TRAILING]), 8)).to.equal(stream.length);
    });

    it('rejects a truncated or corrupted stream', async () => {
      const stream = await compressWith(['xz', '-c'], Buffer.from('x'.repeat(1000)));
      const corrupted = Buffer.from(stream);
      const at = corrupted.length - 9;
      corrupted.writeUInt8((corrupted[at] ?? 0) ^ 0xff, at);

      expect(() => xzStreamLength(stream.subarray(0, stream.length - 1), 0)).to.throw(
        IsoError,
        'truncated or corrupt xz stream at offset 0',
      );
      expect(() => xzStreamLength(corrupted, 0)).to.throw(IsoError, 'truncated or corrupt xz stream at offset 0');
    });
  });

  describe('zstd', () => {
    it('measures consecutive frames, skippable ones included, up to the next non-frame byte', async () => {
      const small = await compressWith(['zstd', '-q', '-c'], Buffer.from('small'));
      const large = await compressWith(
        ['zstd', '-q', '-c', '--no-check', '-1'],
        Buffer.concat([randomBytes(200000), Buffer.alloc(200000)]),
      );
      const frames = Buffer.concat([zstdSkippable(Buffer.from('meta')), small, large]);

      expect(zstdFramesLength(Buffer.concat([frames, TRAILING]), 0)).to.equal(frames.length);
    });

    it('handles frames without a content size (streamed input)', async () => {
      const { stdoutBuffer } = await runner.run(['sh', '-c', 'head -c 5000 /dev/zero | zstd -q -c'], { binary: true });
      const frame = stdoutBuffer ?? Buffer.alloc(0);

      expect(zstdFramesLength(Buffer.concat([frame, TRAILING]), 0)).to.equal(frame.length);
    });

    it('rejects a truncated frame', async () => {
      const frame = await compressWith(['zstd', '-q', '-c'], randomBytes(3000));

      expect(() => zstdFramesLength(frame.subarray(0, frame.length - 2), 0)).to.throw(
        IsoError,
        'premature EOF reading zstd frame at offset 0',
      );
    });
  });
});
