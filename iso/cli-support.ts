/**
 * Shared plumbing of the `iso` and `pxe` subcommands: argument parsing that
 * turns parse failures into UsageError, reading inputs from a file or stdin,
 * writing binary output, and printing runtime errors with their cause chain.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIO } from '../common/cli/types.js';
import { formatErrorChain, withContext } from './errors.js';
import { writeChunk } from './iso-output.js';

/** Options of one leaf command, in parseArgs form (`help` is added automatically). */
export type LeafOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of a leaf command. */
export interface ParsedLeaf {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parse a leaf command's arguments strictly.
 * @throws UsageError on an unknown option, a missing option value, or positionals
 *   outside `[min, max]`.
 */
export function parseLeaf(
  argv: string[],
  options: LeafOptions,
  positionals: { min: number; max: number; name: string },
): ParsedLeaf {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return { values, positionals: parsed.positionals };
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing required argument <${positionals.name}>`);
  if (count > positionals.max)
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max] ?? ''}"`);
  return { values, positionals: parsed.positionals };
}

/** A string option's value, or undefined. */
export function stringOption(parsed: ParsedLeaf, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Resolve a user-given path against the CLI's working directory. */
export function resolvePath(io: CliIO, path: string): string {
  return resolve(io.cwd, path);
}

/**
 * Read a whole input: the file `path`, or stdin when it is undefined.
 * @throws IsoError `reading <path>` / `reading stdin`.
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

/** Write bytes to the CLI's stdout, honouring back-pressure. */
export async function writeStdout(io: CliIO, bytes: Buffer): Promise<void> {
  await withContext('writing output', () => writeChunk(io.stdout, bytes));
}

/**
 * Run a leaf command: UsageErrors propagate (exit 2 from the top-level CLI);
 * any other error is printed with its cause chain and gives exit code 1.
 */
export async function runLeaf(io: CliIO, prefix: string, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`${prefix}: error: ${formatErrorChain(error)}\n`);
    return 1;
  }
}
