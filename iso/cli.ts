/**
 * The `iso` and `pxe` subcommands: coreos-installer's `iso ignition
 * embed|show|remove` and `pxe ignition wrap|unwrap`, same options, same
 * messages, same bytes. Help, usage errors and exit codes are the CLI's shared
 * ones (common/cli/report.ts): runtime errors print upstream's message and its
 * causes and exit 1; usage errors, and an `-i` file that cannot be read, exit 2.
 */
import { open } from 'node:fs/promises';
import { groupCommand, leafCommand } from '../common/cli/command.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { readIgnitionInput, readInput, resolvePath, writeStdout } from './cli-support.js';
import { withContext } from './errors.js';
import { embedIgnition, removeIgnition, showIgnition } from './ignition.js';
import type { InitrdCodecs } from './initrd.js';
import { parseOutput, verifyNotTty, type IsoOutput } from './iso-output.js';
import { unwrapIgnition, wrapIgnition } from './pxe.js';
import { SystemXzCodec } from './xz.js';
import { SystemZstdDecoder } from './zstd.js';

/** What the commands need; built lazily so that `--help` starts nothing. */
export interface IsoCliDeps {
  codecs: InitrdCodecs;
}

/** Production dependencies: the system xz and zstd programs through execa. */
export function defaultIsoCliDeps(): IsoCliDeps {
  const runner = new ExecaRunner();
  return { codecs: { xz: new SystemXzCodec(runner), zstd: new SystemZstdDecoder(runner) } };
}

const ISO = { name: 'ISO', min: 1, max: 1 } as const;

const OUTPUT = {
  type: 'string',
  short: 'o',
  value: 'path',
  help: 'Write the ISO to a new file (fails if it exists); "-" for stdout',
} as const;

/** `iso ignition embed|show|remove`. */
function isoLeaves(makeDeps: () => IsoCliDeps): Subcommand[] {
  const embed = leafCommand({
    name: 'embed',
    summary: 'Embed an Ignition config in a CoreOS live ISO (in place unless -o is given)',
    options: {
      'ignition-file': { type: 'string', short: 'i', value: 'path', help: 'Ignition config to embed (default: stdin)' },
      force: { type: 'boolean', short: 'f', help: 'Replace an already embedded config' },
      output: OUTPUT,
    },
    operands: ISO,
    run: async ({ values, operands }, io) => {
      const file = values['ignition-file'];
      const ignition = await readIgnitionInput(io, file);
      const deps = makeDeps();
      await embedIgnition(
        {
          isoPath: resolvePath(io, operands[0] ?? ''),
          ignition,
          ignitionSource: file ?? 'stdin',
          force: values.force === true,
          output: outputOf(io, values.output),
          onWarning: (message) => {
            io.stderr.write(`warning: ${message}\n`);
          },
        },
        { codecs: deps.codecs, stdout: io.stdout },
      );
    },
  });
  const show = leafCommand({
    name: 'show',
    summary: 'Write the Ignition config embedded in a CoreOS live ISO to stdout, unchanged',
    options: {},
    operands: ISO,
    run: async ({ operands }, io) => {
      await writeStdout(io, await showIgnition(resolvePath(io, operands[0] ?? ''), makeDeps().codecs));
    },
  });
  const remove = leafCommand({
    name: 'remove',
    summary: 'Remove the embedded Ignition config from a CoreOS live ISO (in place unless -o is given)',
    options: { output: OUTPUT },
    operands: ISO,
    run: async ({ values, operands }, io) => {
      await removeIgnition(
        { isoPath: resolvePath(io, operands[0] ?? ''), output: outputOf(io, values.output) },
        { codecs: makeDeps().codecs, stdout: io.stdout },
      );
    },
  });
  return [embed, show, remove];
}

/** `pxe ignition wrap|unwrap`. */
function pxeLeaves(makeDeps: () => IsoCliDeps): Subcommand[] {
  const wrap = leafCommand({
    name: 'wrap',
    summary: 'Wrap an Ignition config in an initrd image to append to the live initramfs',
    options: {
      'ignition-file': { type: 'string', short: 'i', value: 'path', help: 'Ignition config to wrap (default: stdin)' },
      output: { type: 'string', short: 'o', value: 'path', help: 'Write to this file (mode 0600) instead of stdout' },
    },
    run: async ({ values }, io) => {
      const output = values.output;
      if (output === undefined) verifyNotTty(io.stdout);
      const file = values['ignition-file'];
      const initrd = await wrapIgnition(await readIgnitionInput(io, file), file ?? 'stdin', makeDeps().codecs.xz);
      if (output === undefined) return writeStdout(io, initrd);
      await writePrivateFile(resolvePath(io, output), output, initrd);
    },
  });
  const unwrap = leafCommand({
    name: 'unwrap',
    summary: 'Write the Ignition config wrapped in an initrd image (default: stdin) to stdout',
    options: {},
    operands: { name: 'initrd', min: 0, max: 1 },
    run: async ({ operands }, io) => {
      await writeStdout(io, await unwrapIgnition(await readInput(io, operands[0]), makeDeps().codecs));
    },
  });
  return [wrap, unwrap];
}

/** Write `bytes` to `path` with mode 0600 (also when the file existed). */
async function writePrivateFile(path: string, shown: string, bytes: Buffer): Promise<void> {
  await withContext(`writing ${shown}`, async () => {
    const handle = await open(path, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
  });
}

function outputOf(io: CliIO, option: string | undefined): IsoOutput {
  const output = parseOutput(option);
  return output.kind === 'file' ? { kind: 'file', path: resolvePath(io, output.path) } : output;
}

/** `<name>` with its one group, `<name> ignition`. */
function createCommand(name: string, summary: string, leaves: Subcommand[]): Subcommand {
  return groupCommand({ name, summary, commands: [groupCommand({ name: 'ignition', summary, commands: leaves })] });
}

/** Build the `iso` subcommand with the given dependency factory. */
export function createIsoCommand(makeDeps: () => IsoCliDeps = defaultIsoCliDeps): Subcommand {
  return createCommand('iso', 'Embed, show or remove the Ignition config of a CoreOS live ISO', isoLeaves(makeDeps));
}

/** Build the `pxe` subcommand with the given dependency factory. */
export function createPxeCommand(makeDeps: () => IsoCliDeps = defaultIsoCliDeps): Subcommand {
  return createCommand('pxe', 'Wrap an Ignition config in an initrd for PXE boots, or unwrap it', pxeLeaves(makeDeps));
}

/** `ironic-coreos-agent iso`, with production dependencies. */
export const isoCommand: Subcommand = createIsoCommand();
/** `ironic-coreos-agent pxe`, with production dependencies. */
export const pxeCommand: Subcommand = createPxeCommand();
