/**
 * `ironic-coreos-agent ignition`: the thin IO shell around generate.ts.
 * Reads the files the options name, renders, and writes the config (mode
 * 0600: it holds the agent conf and maybe a pull secret) only after every
 * check passed.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../common/errors.js';
import type { Fs } from '../../common/fs/fs.js';
import { NodeFs } from '../../common/fs/node-fs.js';
import { UsageError, type CliIO, type Subcommand } from '../../common/cli/types.js';
import { generateIgnition, type BuildInputs } from './generate.js';
import type { MergeSource } from '../merge.js';
import { BUILD_USAGE, parseBuildOptions, type BuildOptions } from './options.js';
import { findDefaultPublicKey, NO_SSH_KEY_MESSAGE, parsePublicKeys } from './ssh-key.js';

/** File access of the command: the {@link Fs} seam's reads and its atomic write. */
export type IgnitionFs = Pick<Fs, 'readFile' | 'readdir' | 'writeFileAtomic'>;

/** `ignition --help`. */
export const IGNITION_USAGE = `Usage: ironic-coreos-agent ignition <command> [options]

Commands:
  build    write the Ignition config for a CoreOS live ISO that runs the agent

Run "ironic-coreos-agent ignition build --help" for its options.
`;

/** Read a file named by an option; a missing or unreadable file is a usage error. */
async function readOptionFile(fs: IgnitionFs, io: CliIO, flag: string, path: string): Promise<string> {
  try {
    return await fs.readFile(resolve(io.cwd, path));
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`cannot read ${flag} ${path}: ${reason}`);
  }
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
    for (const key of parsePublicKeys(await readOptionFile(fs, io, '--ssh-key', file), file)) {
      if (!keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

/** Parsed --merge configs. */
async function readMerges(fs: IgnitionFs, io: CliIO, files: readonly string[]): Promise<MergeSource[]> {
  const merges: MergeSource[] = [];
  for (const file of files) {
    const text = await readOptionFile(fs, io, '--merge', file);
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
    caPem: options.caFile === null ? null : await readOptionFile(fs, io, '--ca-file', options.caFile),
    pullSecret:
      options.pullSecretFile === null ? null : await readOptionFile(fs, io, '--pull-secret', options.pullSecretFile),
    merges: await readMerges(fs, io, options.mergeFiles),
  };
}

/** `ignition build`. */
async function build(fs: IgnitionFs, argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(BUILD_USAGE);
    return 0;
  }
  const options = parseBuildOptions(argv);
  let text: string;
  try {
    text = generateIgnition(options, await readInputs(fs, io, options));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (options.output === null) {
    io.stdout.write(text);
    return 0;
  }
  const path = resolve(io.cwd, options.output);
  // Mode 0600 through a temporary file and a rename: never half-written, never world-readable.
  await fs.writeFileAtomic(path, text, 0o600);
  io.stderr.write(`Wrote ${options.output} (Ignition ${options.spec}, mode 0600)\n`);
  return 0;
}

/**
 * The `ignition` subcommand.
 * @param fs - file access (the composition root passes {@link NodeFs})
 */
export function createIgnitionCommand(fs: IgnitionFs): Subcommand {
  return {
    name: 'ignition',
    summary: 'Write the Ignition config for a CoreOS live ISO that runs the agent',
    async run(argv: string[], io: CliIO): Promise<number> {
      const [command, ...rest] = argv;
      if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
        (command === undefined ? io.stderr : io.stdout).write(IGNITION_USAGE);
        return command === undefined ? 2 : 0;
      }
      if (command === 'build') return build(fs, rest, io);
      throw new UsageError(`unknown ignition command "${command}"`);
    },
  };
}

/** The subcommand as registered in cli/registry.ts: its composition root, on the real filesystem. */
export const ignitionCommand: Subcommand = createIgnitionCommand(new NodeFs());
