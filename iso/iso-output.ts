/**
 * Where a modified ISO goes: the input file itself, a new file, or stdout.
 *
 * Mirrors coreos-installer `write_live_iso` (src/live/util.rs), facts only:
 * - in place: only the embed area is rewritten;
 * - a path: the input is copied to a hidden temp file in the output's
 *   directory (mode 0600, as it may hold secrets), patched, then hard-linked to
 *   the output name, which fails if that name exists (no clobbering, atomic);
 * - `-`: the whole image is streamed with the area replaced, never to a TTY.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, link, lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { IsoError, withContext } from './errors.js';

/** Output of an ISO-modifying command. */
export type IsoOutput = { kind: 'in-place' } | { kind: 'file'; path: string } | { kind: 'stdout' };

/** Chunk size for streaming the image to stdout. */
const STREAM_CHUNK = 1024 * 1024;

/** Map the `-o/--output` option to an IsoOutput (`-` is stdout, absent is in place). */
export function parseOutput(option: string | undefined): IsoOutput {
  if (option === undefined) return { kind: 'in-place' };
  if (option === '-') return { kind: 'stdout' };
  return { kind: 'file', path: option };
}

/** True when the stream is a terminal. */
export function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/**
 * Refuse to write binary data to a terminal.
 * @throws IsoError `Refusing to write binary data to terminal`.
 */
export function verifyNotTty(stream: NodeJS.WritableStream): void {
  if (isTty(stream)) throw new IsoError('Refusing to write binary data to terminal');
}

/**
 * Check, before any work, that a file output can be created.
 * @throws IsoError when the output path already exists.
 */
export async function checkOutputAvailable(output: IsoOutput): Promise<void> {
  if (output.kind !== 'file') return;
  const exists = await lstat(output.path).then(
    () => true,
    () => false,
  );
  if (exists) throw new IsoError(`Output file ${output.path} already exists; remove it or choose another path.`);
}

/** Write `bytes` at `offset` of an open file. */
export async function writeAt(handle: FileHandle, offset: number, bytes: Buffer): Promise<void> {
  await withContext(`writing ${bytes.length} bytes at ${offset}`, async () => {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
  });
}

/**
 * Copy `inputPath` to the new file `outputPath` with `bytes` written at `offset`.
 * @throws IsoError `persisting output file to <path>` when the output appeared meanwhile.
 */
export async function writeNewIso(inputPath: string, outputPath: string, offset: number, bytes: Buffer): Promise<void> {
  const temp = join(
    dirname(outputPath),
    `.ironic-coreos-agent-temp-${basename(outputPath)}-${randomBytes(6).toString('hex')}`,
  );
  try {
    await withContext('copying input to temporary file', () => copyFile(inputPath, temp, fsConstants.COPYFILE_EXCL));
    await chmod(temp, 0o600);
    const handle = await open(temp, 'r+');
    try {
      await writeAt(handle, offset, bytes);
    } finally {
      await handle.close();
    }
    await withContext(`persisting output file to ${outputPath}`, () => link(temp, outputPath));
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Stream the whole image to `out`, replacing `bytes.length` bytes at `offset`.
 * Honours back-pressure; does not end `out`.
 */
export async function streamIso(
  handle: FileHandle,
  size: number,
  offset: number,
  bytes: Buffer,
  out: NodeJS.WritableStream,
): Promise<void> {
  verifyNotTty(out);
  await copyRange(handle, 0, offset, out);
  await writeChunk(out, bytes);
  await copyRange(handle, offset + bytes.length, size, out);
}

async function copyRange(handle: FileHandle, start: number, end: number, out: NodeJS.WritableStream): Promise<void> {
  const buffer = Buffer.alloc(STREAM_CHUNK);
  for (let pos = start; pos < end;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(STREAM_CHUNK, end - pos), pos);
    if (bytesRead === 0) throw new IsoError(`reading input at ${pos}: unexpected end of file`);
    await writeChunk(out, Buffer.from(buffer.subarray(0, bytesRead)));
    pos += bytesRead;
  }
}

/** Write one chunk, waiting for 'drain' when the stream asks for it. */
export async function writeChunk(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
