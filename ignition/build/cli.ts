/**
 * `ironic-coreos-agent ignition`: the thin IO shell around generate.ts.
 * Reads the files the options name, renders, and writes the config (mode
 * 0600: it holds the agent conf and maybe a pull secret) only after every
 * check passed.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { groupCommand, leafCommand } from '../../common/cli/command.js';
import { readOptionFile } from '../../common/cli/options.js';
import { UsageError, type CliIO, type Subcommand } from '../../common/cli/types.js';
import { generateIgnition, type BuildInputs } from './generate.js';
import type { MergeSource } from '../merge.js';
import { BUILD_OPTIONS, buildOptions, type BuildOptions } from './options.js';
import { refuseBuildPyFlags } from './build-py-flags.js';
import { findDefaultPublicKey, NO_SSH_KEY_MESSAGE, parsePublicKeys, type KeyFs } from './ssh-key.js';

/** File access of the command (node:fs/promises in production). */
export interface IgnitionFs extends KeyFs {
  writeFile(path: string, data: string, options: { mode: number; flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

/** Read a file named by an option; a missing or unreadable file is a usage error. */
function readOptionText(fs: IgnitionFs, io: CliIO, flag: string, path: string): Promise<string> {
  return readOptionFile(flag, path, () => fs.readFile(resolve(io.cwd, path), 'utf8'));
}

/** Public keys from --ssh-key files, else the first ~/.ssh/id_*.pub; none with --no-ssh-key. */
async function readSshKeys(fs: IgnitionFs, io: CliIO, files: readonly string[], noSshKey: boolean): Promise<string[]> {
  if (noSshKey) return [];
  const sources = [...files];
  if (sources.length === 0) {
    const home = io.env['HOME'];
    const found = home === undefined || home === '' ? null : await findDefaultPublicKey(home, fs);
    if (found === null) throw new UsageError(NO_SSH_KEY_MESSAGE);
    sources.push(found);
  }
  const keys: string[] = [];
  for (const file of sources) {
    for (const key of parsePublicKeys(await readOptionText(fs, io, '--ssh-key', file), file)) {
      if (!keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

/** Parsed --merge configs. */
async function readMerges(fs: IgnitionFs, io: CliIO, files: readonly string[]): Promise<MergeSource[]> {
  const merges: MergeSource[] = [];
  for (const file of files) {
    const text = await readOptionText(fs, io, '--merge', file);
    try {
      merges.push({ name: file, config: JSON.parse(text) as unknown });
    } catch (error) {
      throw new UsageError(
        `--merge ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return merges;
}

/** Every file the options name, read. */
async function readInputs(fs: IgnitionFs, io: CliIO, options: BuildOptions): Promise<BuildInputs> {
  return {
    sshKeys: await readSshKeys(fs, io, options.sshKeyFiles, options.noSshKey),
    caPem: options.caFile === null ? null : await readOptionText(fs, io, '--ca-file', options.caFile),
    pullSecret:
      options.pullSecretFile === null ? null : await readOptionText(fs, io, '--pull-secret', options.pullSecretFile),
    merges: await readMerges(fs, io, options.mergeFiles),
  };
}

/** Write `text` to `path` with mode 0600 via a temporary file and rename (never half-written). */
async function writeSecretFile(fs: IgnitionFs, path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** `ignition build`: render, then write only after every check passed. */
async function build(fs: IgnitionFs, options: BuildOptions, io: CliIO): Promise<void> {
  const text = generateIgnition(options, await readInputs(fs, io, options));
  if (options.output === null) {
    io.stdout.write(text);
    return;
  }
  const path = resolve(io.cwd, options.output);
  await writeSecretFile(fs, path, text);
  io.stderr.write(`Wrote ${options.output} (Ignition ${options.spec}, mode 0600)\n`);
}

/**
 * The `ignition` subcommand.
 * @param fs - file access; node:fs/promises by default
 */
export function createIgnitionCommand(fs: IgnitionFs = nodeFs): Subcommand {
  return groupCommand({
    name: 'ignition',
    summary: 'Write the Ignition config for a CoreOS live ISO that runs the agent',
    commands: [
      leafCommand({
        name: 'build',
        summary: 'Write the Ignition config for a CoreOS live ISO that runs the agent container',
        options: BUILD_OPTIONS,
        precheck: refuseBuildPyFlags,
        run: (args, io) => build(fs, buildOptions(args.values), io),
      }),
    ],
  });
}

/** The subcommand as registered in cli/registry.ts. */
export const ignitionCommand: Subcommand = createIgnitionCommand();
