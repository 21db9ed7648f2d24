/**
 * zstd decompression for reading initrd archives.
 *
 * Only reading needs zstd (coreos-installer never writes it). Node 20 has no
 * zstd codec, so the system `zstd` program is used through the Runner; when
 * it is missing, reading a zstd member fails with a hint to install it.
 */
import type { Runner } from '../common/exec/runner.js';
import { runFilter } from './xz.js';

/** Decompresses a run of zstd frames. */
export interface ZstdDecoder {
  /**
   * Decompress consecutive zstd frames (skippable frames allowed).
   * @throws IsoError when the data is invalid or no decoder is available.
   */
  decompress(frames: Buffer): Promise<Buffer>;
}

/** argv of the decoder (stdin → stdout). */
export const ZSTD_DECOMPRESS_ARGV: readonly string[] = ['zstd', '-d', '-c', '-q'];

/** ZstdDecoder backed by the system `zstd` program. */
export class SystemZstdDecoder implements ZstdDecoder {
  constructor(private readonly runner: Runner) {}

  decompress(frames: Buffer): Promise<Buffer> {
    return runFilter(this.runner, ZSTD_DECOMPRESS_ARGV, frames, 'decompressing zstd archive', 'zstd');
  }
}
