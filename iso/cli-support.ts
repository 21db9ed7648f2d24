/**
 * Shared plumbing of the `iso` and `pxe` subcommands: reading inputs from a
 * file or stdin and writing binary output.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readOptionFile } from '../common/cli/options.js';
import type { CliIO } from '../common/cli/types.js';
import { withContext } from './errors.js';
import { writeChunk } from './iso-output.js';

/** Resolve a user-given path against the CLI's working directory. */
export function resolvePath(io: CliIO, path: string): string {
  return resolve(io.cwd, path);
}

/**
 * Read a whole input: the file `path` (an operand), or stdin when it is undefined.
 * @throws IsoError `reading <path>` / `reading stdin` (a runtime error, exit 1).
 */
export async function readInput(io: CliIO, path: string | undefined): Promise<Buffer> {
  if (path !== undefined) return withContext(`reading ${path}`, () => readFile(resolvePath(io, path)));
  return withContext('reading stdin', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  });
}

/**
 * Read the Ignition config `-i, --ignition-file` names, or stdin without it.
 * @throws UsageError when the file cannot be read: a file an option names, so exit 2
 */
export async function readIgnitionInput(io: CliIO, file: string | undefined): Promise<Buffer> {
  if (file === undefined) return readInput(io, undefined);
  return readOptionFile('--ignition-file', file, () => readFile(resolvePath(io, file)));
}

/** Write bytes to the CLI's stdout, honouring back-pressure. */
export async function writeStdout(io: CliIO, bytes: Buffer): Promise<void> {
  await withContext('writing output', () => writeChunk(io.stdout, bytes));
}
