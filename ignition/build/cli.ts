/**
 * `ironic-coreos-agent ignition`: the thin IO shell around generate.ts.
 * Reads the files the options name, renders, and writes the config (mode
 * 0600: it holds the agent conf and maybe a pull secret) only after every
 * check passed.
 */
import { resolve } from 'node:path';
import { groupCommand, leafCommand } from '../../common/cli/command.js';
import { readOptionFile } from '../../common/cli/options.js';
import { UsageError, type CliIO, type Subcommand } from '../../common/cli/types.js';
import type { Fs } from '../../common/fs/fs.js';
import { NodeFs } from '../../common/fs/node-fs.js';
import { generateIgnition, type BuildInputs } from './generate.js';
import type { MergeSource } from '../merge.js';
import { BUILD_OPTIONS, buildOptions, type BuildOptions } from './options.js';
import { refuseBuildPyFlags } from './build-py-flags.js';
import { findDefaultPublicKey, NO_SSH_KEY_MESSAGE, parsePublicKeys } from './ssh-key.js';

/** File access of the command: the {@link Fs} seam's reads and its atomic write. */
export type IgnitionFs = Pick<Fs, 'readFile' | 'readdir' | 'writeFileAtomic'>;

/** Read a file named by an option; a missing or unreadable file is a usage error. */
function readOptionText(fs: IgnitionFs, io: CliIO, flag: string, path: string): Promise<string> {
  return readOptionFile(flag, path, () => fs.readFile(resolve(io.cwd, path)));
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

/** `ignition build`: render, then write only after every check passed. */
async function build(fs: IgnitionFs, options: BuildOptions, io: CliIO): Promise<void> {
  const text = generateIgnition(options, await readInputs(fs, io, options));
  if (options.output === null) {
    io.stdout.write(text);
    return;
  }
  const path = resolve(io.cwd, options.output);
  // Mode 0600 through a temporary file and a rename: never half-written, never world-readable.
  await fs.writeFileAtomic(path, text, 0o600);
  io.stderr.write(`Wrote ${options.output} (Ignition ${options.spec}, mode 0600)\n`);
}

/**
 * The `ignition` subcommand.
 * @param fs - file access (the composition root passes {@link NodeFs})
 */
export function createIgnitionCommand(fs: IgnitionFs): Subcommand {
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

/** The subcommand as registered in cli/registry.ts: its composition root, on the real filesystem. */
export const ignitionCommand: Subcommand = createIgnitionCommand(new NodeFs());
