/**
 * The `iso` and `pxe` subcommands: coreos-installer's `iso ignition
 * embed|show|remove` and `pxe ignition wrap|unwrap`, same options, same
 * messages, same bytes. Usage errors exit 2 (UsageError); runtime errors print
 * upstream's message and its causes and exit 1.
 */
import { open } from 'node:fs/promises';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { UsageError, type CliIO, type Subcommand } from '../common/cli/types.js';
import {
  parseLeaf,
  readInput,
  resolvePath,
  runLeaf,
  stringOption,
  writeStdout,
  type LeafOptions,
  type ParsedLeaf,
} from './cli-support.js';
import { withContext } from './errors.js';
import { embedIgnition, removeIgnition, showIgnition } from './ignition.js';
import type { InitrdCodecs } from './initrd.js';
import { parseOutput, verifyNotTty } from './iso-output.js';
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

/** One runnable leaf, e.g. `iso ignition embed`. */
interface Leaf {
  usage: string;
  options: LeafOptions;
  positionals: { min: number; max: number; name: string };
  run(parsed: ParsedLeaf, io: CliIO, deps: IsoCliDeps): Promise<void>;
}

const OUTPUT_HELP = '  -o, --output <path>         Write the ISO to a new file (fails if it exists); "-" for stdout';

const ISO_LEAVES: Record<string, Leaf> = {
  embed: {
    usage: [
      'Usage: ironic-coreos-agent iso ignition embed [options] <ISO>',
      '',
      'Embed an Ignition config in a CoreOS live ISO (in place unless -o is given).',
      '',
      'Options:',
      '  -i, --ignition-file <path>  Ignition config to embed (default: stdin)',
      '  -f, --force                 Replace an already embedded config',
      OUTPUT_HELP,
      '  -h, --help                  Show this help',
      '',
    ].join('\n'),
    options: {
      'ignition-file': { type: 'string', short: 'i' },
      force: { type: 'boolean', short: 'f' },
      output: { type: 'string', short: 'o' },
    },
    positionals: { min: 1, max: 1, name: 'ISO' },
    run: async (parsed, io, deps) => {
      const file = stringOption(parsed, 'ignition-file');
      const ignition = await readInput(io, file);
      await embedIgnition(
        {
          isoPath: resolvePath(io, parsed.positionals[0] ?? ''),
          ignition,
          ignitionSource: file ?? 'stdin',
          force: parsed.values.force === true,
          output: outputOf(io, parsed),
          onWarning: (message) => {
            io.stderr.write(`warning: ${message}\n`);
          },
        },
        { codecs: deps.codecs, stdout: io.stdout },
      );
    },
  },
  show: {
    usage: [
      'Usage: ironic-coreos-agent iso ignition show <ISO>',
      '',
      'Write the Ignition config embedded in a CoreOS live ISO to stdout, unchanged.',
      '',
      'Options:',
      '  -h, --help  Show this help',
      '',
    ].join('\n'),
    options: {},
    positionals: { min: 1, max: 1, name: 'ISO' },
    run: async (parsed, io, deps) => {
      await writeStdout(io, await showIgnition(resolvePath(io, parsed.positionals[0] ?? ''), deps.codecs));
    },
  },
  remove: {
    usage: [
      'Usage: ironic-coreos-agent iso ignition remove [options] <ISO>',
      '',
      'Remove the embedded Ignition config from a CoreOS live ISO (in place unless -o is given).',
      '',
      'Options:',
      OUTPUT_HELP,
      '  -h, --help                  Show this help',
      '',
    ].join('\n'),
    options: { output: { type: 'string', short: 'o' } },
    positionals: { min: 1, max: 1, name: 'ISO' },
    run: async (parsed, io, deps) => {
      await removeIgnition(
        { isoPath: resolvePath(io, parsed.positionals[0] ?? ''), output: outputOf(io, parsed) },
        { codecs: deps.codecs, stdout: io.stdout },
      );
    },
  },
};

const PXE_LEAVES: Record<string, Leaf> = {
  wrap: {
    usage: [
      'Usage: ironic-coreos-agent pxe ignition wrap [options]',
      '',
      'Wrap an Ignition config in an initrd image to append to the live initramfs.',
      '',
      'Options:',
      '  -i, --ignition-file <path>  Ignition config to wrap (default: stdin)',
      '  -o, --output <path>         Write to this file (mode 0600) instead of stdout',
      '  -h, --help                  Show this help',
      '',
    ].join('\n'),
    options: { 'ignition-file': { type: 'string', short: 'i' }, output: { type: 'string', short: 'o' } },
    positionals: { min: 0, max: 0, name: '' },
    run: async (parsed, io, deps) => {
      const output = stringOption(parsed, 'output');
      if (output === undefined) verifyNotTty(io.stdout);
      const file = stringOption(parsed, 'ignition-file');
      const initrd = await wrapIgnition(await readInput(io, file), file ?? 'stdin', deps.codecs.xz);
      if (output === undefined) return writeStdout(io, initrd);
      const path = resolvePath(io, output);
      await withContext(`writing ${output}`, async () => {
        const handle = await open(path, 'w', 0o600);
        try {
          await handle.chmod(0o600);
          await handle.writeFile(initrd);
        } finally {
          await handle.close();
        }
      });
    },
  },
  unwrap: {
    usage: [
      'Usage: ironic-coreos-agent pxe ignition unwrap [initrd]',
      '',
      'Write the Ignition config wrapped in an initrd image (default: stdin) to stdout.',
      '',
      'Options:',
      '  -h, --help  Show this help',
      '',
    ].join('\n'),
    options: {},
    positionals: { min: 0, max: 1, name: 'initrd' },
    run: async (parsed, io, deps) => {
      await writeStdout(io, await unwrapIgnition(await readInput(io, parsed.positionals[0]), deps.codecs));
    },
  },
};

function outputOf(io: CliIO, parsed: ParsedLeaf): ReturnType<typeof parseOutput> {
  const output = parseOutput(stringOption(parsed, 'output'));
  return output.kind === 'file' ? { kind: 'file', path: resolvePath(io, output.path) } : output;
}

/** Usage of `<name>` and of `<name> ignition`, listing the leaves. */
function groupUsage(name: string, leaves: Record<string, Leaf>, summary: string): string {
  const lines = Object.entries(leaves).map(
    ([leaf, spec]) => `  ignition ${leaf.padEnd(8)}${spec.usage.split('\n')[2] ?? ''}`,
  );
  return [
    `Usage: ironic-coreos-agent ${name} ignition <command> [options]`,
    '',
    summary,
    '',
    'Commands:',
    ...lines,
    '',
    `Run "ironic-coreos-agent ${name} ignition <command> --help" for the options of a command.`,
    '',
  ].join('\n');
}

function createCommand(
  name: string,
  summary: string,
  leaves: Record<string, Leaf>,
  makeDeps: () => IsoCliDeps,
): Subcommand {
  const usage = groupUsage(name, leaves, summary);
  return {
    name,
    summary,
    async run(argv: string[], io: CliIO): Promise<number> {
      const [group, leafName, ...rest] = argv;
      if (
        group === '--help' ||
        group === '-h' ||
        (group === 'ignition' && (leafName === '--help' || leafName === '-h'))
      ) {
        io.stdout.write(usage);
        return 0;
      }
      if (group !== 'ignition')
        throw new UsageError(group === undefined ? 'missing command (try "ignition")' : `unknown command "${group}"`);
      const leaf = leafName === undefined ? undefined : leaves[leafName];
      if (leaf === undefined) {
        throw new UsageError(
          leafName === undefined
            ? `missing command: one of ${Object.keys(leaves).join(', ')}`
            : `unknown command "ignition ${leafName}"`,
        );
      }
      const parsed = parseLeaf(rest, leaf.options, leaf.positionals);
      if (parsed.values.help === true) {
        io.stdout.write(leaf.usage);
        return 0;
      }
      return runLeaf(io, `ironic-coreos-agent ${name} ignition ${leafName ?? ''}`, () =>
        leaf.run(parsed, io, makeDeps()),
      );
    },
  };
}

/** Build the `iso` subcommand with the given dependency factory. */
export function createIsoCommand(makeDeps: () => IsoCliDeps = defaultIsoCliDeps): Subcommand {
  return createCommand('iso', 'Embed, show or remove the Ignition config of a CoreOS live ISO', ISO_LEAVES, makeDeps);
}

/** Build the `pxe` subcommand with the given dependency factory. */
export function createPxeCommand(makeDeps: () => IsoCliDeps = defaultIsoCliDeps): Subcommand {
  return createCommand('pxe', 'Wrap an Ignition config in an initrd for PXE boots, or unwrap it', PXE_LEAVES, makeDeps);
}

/** `ironic-coreos-agent iso`, with production dependencies. */
export const isoCommand: Subcommand = createIsoCommand();
/** `ironic-coreos-agent pxe`, with production dependencies. */
export const pxeCommand: Subcommand = createPxeCommand();
