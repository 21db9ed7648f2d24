/**
 * xz compression for initrd archives.
 *
 * The embedded initrd must be byte-identical to what coreos-installer writes
 * (liblzma `lzma_easy_encoder(9, LZMA_CHECK_CRC32)`; the kernel requires
 * CRC32), so that images can be compared by hash with upstream tooling. Node
 * has no xz encoder, and the npm liblzma bindings need a native build, so the
 * implementation runs the system `xz` from xz-utils (a runtime requirement of
 * the image and CI): `xz -9 -C crc32 --format=xz -T1` produces exactly the
 * liblzma preset-9 stream. `-T1` pins single-threaded mode, because xz ≥ 5.6
 * defaults to multi-threaded mode, which writes different block headers.
 */
import type { Runner } from '../common/exec/runner.js';
import { IsoError } from './errors.js';

/** Compresses and decompresses whole xz streams. */
export interface XzCodec {
  /** One xz stream, liblzma preset 9 with a CRC32 check. */
  compress(data: Buffer): Promise<Buffer>;
  /**
   * Decompress exactly one xz stream (no trailing data).
   * @throws IsoError when the data is not a valid xz stream.
   */
  decompress(stream: Buffer): Promise<Buffer>;
}

/** argv of the byte-exact encoder (stdin → stdout). */
export const XZ_COMPRESS_ARGV: readonly string[] = ['xz', '--format=xz', '-9', '-C', 'crc32', '-T1', '-c', '-q'];
/** argv of the decoder (stdin → stdout). */
export const XZ_DECOMPRESS_ARGV: readonly string[] = ['xz', '--format=xz', '-d', '-c', '-q'];

/** XzCodec backed by the system `xz` program, run through the Runner. */
export class SystemXzCodec implements XzCodec {
  constructor(private readonly runner: Runner) {}

  compress(data: Buffer): Promise<Buffer> {
    return runFilter(this.runner, XZ_COMPRESS_ARGV, data, 'compressing initrd with xz', 'xz-utils');
  }

  decompress(stream: Buffer): Promise<Buffer> {
    return runFilter(this.runner, XZ_DECOMPRESS_ARGV, stream, 'decompressing xz archive', 'xz-utils');
  }
}

/**
 * Pipe `input` through a filter program and return its stdout bytes.
 * @throws IsoError `context`, caused by a hint to install package `pkg` when the program is
 *   missing, or by the program's failure otherwise.
 */
export async function runFilter(
  runner: Runner,
  argv: readonly string[],
  input: Buffer,
  context: string,
  pkg: string,
): Promise<Buffer> {
  try {
    const result = await runner.run(argv, { input, binary: true });
    return result.stdoutBuffer ?? Buffer.from(result.stdout, 'utf8');
  } catch (error) {
    const program = argv[0] ?? '';
    const notFound = (error as { notFound?: unknown }).notFound === true;
    const cause = notFound
      ? new IsoError(`the \`${program}\` program was not found; install the ${pkg} package`, { cause: error })
      : error;
    throw new IsoError(context, { cause });
  }
}
