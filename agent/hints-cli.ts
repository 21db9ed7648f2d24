/**
 * `ironic-coreos-agent hints`: show which disk the agent would install onto,
 * and why, without writing anything. Lists the real block devices (lsblk,
 * sysfs, udev/blkid) through the device allowlist and reads the mounts, then
 * decides with the install step's own function (decideInstallDevice), so it
 * chooses exactly as the install step does: skip-listed and mounted disks are
 * excluded, and the report says why.
 *
 * Exit codes: 0 a disk is chosen, 1 none would be (the message lists every
 * candidate and every excluded disk), 2 usage errors.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import winston from 'winston';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { UsageError } from '../common/cli/types.js';
import { ConfigError } from '../common/errors.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { createLogger } from './logger.js';
import type { FsReader } from '../common/fs/fs-reader.js';
import { NodeFs } from '../common/fs/node-fs.js';
import type { Node } from './hardware/types.js';
import { BlockDeviceLister, type HostPaths } from './hardware/generic/block-devices.js';
import { failureJson, failureText, successJson, successText } from './hardware/generic/hints-report.js';
import { decideInstallDevice, type HintsWithSource } from './hardware/generic/install-device.js';
import { readInstallInputs } from './hardware/generic/install-inputs.js';

const USAGE = `Usage: ironic-coreos-agent hints [options]

Show which disk root device hints would choose, and why. Reads only; never writes.
Chooses exactly as the install step does: disks in skip_block_devices or with a
mounted filesystem are never chosen, and are listed with the reason.

Options:
  --hints JSON              root device hints, e.g. '{"size": ">= 100", "rotational": false}'
                            (overrides the node's; '{}' means no hints: IPA's default guess)
  --node FILE               a node JSON (e.g. "baremetal node show -f json"): instance_info.root_device,
                            properties.root_device and properties.skip_block_devices are used
  --device-allowlist GLOB   only consider these /dev paths (repeat the flag or separate with commas,
                            as for the agent; default /dev/*)
  --strict                  more than one matching disk is an error
  --json                    print a JSON report on stdout
  --debug                   debug logs on stderr
  -h, --help                show this help

Exit status: 0 a disk is chosen, 1 no disk would be chosen, 2 usage error.
`;

/** What the command needs from the outside; tests replace the runner, the Fs and the host paths. */
export interface HintsCliDeps {
  runner: Runner;
  /** Reads sysfs, /dev, the mounts and the `--node` file. */
  fs: FsReader;
  paths?: Partial<HostPaths>;
}

interface Options {
  hints: HintsWithSource | undefined;
  node: Node | null;
  allowlist: string[];
  strict: boolean;
  json: boolean;
  debug: boolean;
}

/** Build the `hints` subcommand. */
export function createHintsCommand(deps: HintsCliDeps): Subcommand {
  return {
    name: 'hints',
    summary: 'Show which disk root device hints would choose, and why (no writes)',
    run: (argv, io) => runHints(argv, io, deps),
  };
}

/** The registered `hints` subcommand (real lsblk, sysfs and blkid). */
export const hintsCommand: Subcommand = createHintsCommand({ runner: new ExecaRunner(), fs: new NodeFs() });

async function runHints(argv: string[], io: CliIO, deps: HintsCliDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const options = await parseOptions(argv, io, deps.fs);
  const logger = createLogger({
    debug: options.debug,
    transports: [new winston.transports.Stream({ stream: io.stderr, level: options.debug ? 'debug' : 'warn' })],
  });
  let lister: BlockDeviceLister;
  const { fs } = deps;
  try {
    const listerOptions = { runner: deps.runner, fs, logger, allowlist: options.allowlist };
    lister = new BlockDeviceLister(deps.paths === undefined ? listerOptions : { ...listerOptions, paths: deps.paths });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  // The same inputs and the same decision as the install step (getOsInstallDevice).
  const inputs = await readInstallInputs({
    lister,
    fs,
    ...(deps.paths?.sys === undefined ? {} : { sys: deps.paths.sys }),
  });
  const decision = decideInstallDevice({
    devices: inputs.devices,
    mounted: inputs.mounted,
    node: options.node,
    strict: options.strict,
    logger,
    ...(options.hints === undefined ? {} : { hints: options.hints }),
  });
  if (decision.chosen) {
    io.stdout.write(
      options.json
        ? `${JSON.stringify(successJson(decision.choice, inputs.notListed, options), null, 2)}\n`
        : successText(decision.choice, inputs.notListed),
    );
    return 0;
  }
  if (options.json)
    io.stdout.write(
      `${JSON.stringify(failureJson(decision.error, decision.report, inputs.notListed, options), null, 2)}\n`,
    );
  else io.stderr.write(failureText(decision.error, decision.report, inputs.notListed));
  return 1;
}

async function parseOptions(argv: string[], io: CliIO, fs: FsReader): Promise<Options> {
  let values: {
    hints?: string;
    node?: string;
    'device-allowlist'?: string[];
    strict?: boolean;
    json?: boolean;
    debug?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        hints: { type: 'string' },
        node: { type: 'string' },
        'device-allowlist': { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        json: { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const hints =
    values.hints === undefined
      ? undefined
      : { value: parseJson(values.hints, '--hints', `'{"size": ">= 100"}'`), source: '--hints' };
  return {
    hints,
    node: values.node === undefined ? null : await readNode(fs, resolve(io.cwd, values.node)),
    allowlist: splitAllowlist(values['device-allowlist']),
    strict: values.strict === true,
    json: values.json === true,
    debug: values.debug === true,
  };
}

/** `--device-allowlist` values as the agent reads them: repeated and/or comma-separated; default `/dev/*`. */
function splitAllowlist(values: string[] | undefined): string[] {
  const globs = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((g) => g.trim())
    .filter((g) => g !== '');
  return values === undefined ? ['/dev/*'] : globs;
}

function parseJson(text: string, what: string, example: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message}); example: ${what} ${example}`);
  }
}

async function readNode(fs: FsReader, path: string): Promise<Node> {
  let text: string;
  try {
    text = await fs.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read --node file ${path}: ${(error as Error).message}`);
  }
  const value = parseJson(text, '--node', 'node.json (a JSON object with properties / instance_info)');
  const node =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  // Accept a lookup response ({node: {...}}) as well as a plain node.
  const inner = node?.['node'];
  const picked = node !== null && !('properties' in node) && typeof inner === 'object' && inner !== null ? inner : node;
  if (picked === null)
    throw new UsageError(`--node file ${path} must hold a JSON object (a node with properties / instance_info)`);
  return picked as Node;
}
