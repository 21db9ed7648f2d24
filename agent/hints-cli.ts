/**
 * `ironic-coreos-agent hints`: show which disk the agent would install onto,
 * and why, without writing anything. Lists the real block devices (lsblk,
 * sysfs, udev/blkid) through the device allowlist and reads the mounts, then
 * decides with the install step's own function (decideInstallDevice), so it
 * chooses exactly as the install step does: skip-listed and mounted disks are
 * excluded, and the report says why.
 *
 * Exit codes (common/cli/report.ts): 0 a disk is chosen, 1 none would be (the
 * message lists every candidate and every excluded disk), 2 usage errors and
 * invalid option values (an unreadable --node file, a bad allowlist pattern).
 */
import { resolve } from 'node:path';
import winston from 'winston';
import { leafCommand } from '../common/cli/command.js';
import { readOptionFile, type OptionValues, type ParsedArgs } from '../common/cli/options.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { UsageError } from '../common/cli/types.js';
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

const DESCRIPTION = `Show which disk root device hints would choose, and why. Reads only; never writes.
Chooses exactly as the install step does: disks in skip_block_devices or with a
mounted filesystem are never chosen, and are listed with the reason.`;

/** The options of `hints`. */
const HINTS_OPTIONS = {
  hints: {
    type: 'string',
    value: 'json',
    help: `Root device hints, e.g. '{"size": ">= 100", "rotational": false}'
(overrides the node's; '{}' means no hints: IPA's default guess)`,
  },
  node: {
    type: 'string',
    value: 'file',
    help: `A node JSON (e.g. "baremetal node show -f json"): instance_info.root_device,
properties.root_device and properties.skip_block_devices are used`,
  },
  'device-allowlist': {
    type: 'string',
    multiple: true,
    value: 'glob',
    help: `Only consider these /dev paths (repeat the flag or separate with commas,
as for the agent; default /dev/*)`,
  },
  strict: { type: 'boolean', help: 'More than one matching disk is an error' },
  json: { type: 'boolean', help: 'Print a JSON report on stdout' },
  debug: { type: 'boolean', help: 'Debug logs on stderr' },
} as const;

/** What the command needs from the outside; tests replace the runner, the Fs and the host paths. */
export interface HintsCliDeps {
  runner: Runner;
  /** Sysfs, /proc and the --node file. */
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
  return leafCommand({
    name: 'hints',
    summary: 'Show which disk root device hints would choose, and why (no writes)',
    description: DESCRIPTION,
    options: HINTS_OPTIONS,
    exitStatus: { ok: 'a disk is chosen', failure: 'no disk would be chosen' },
    run: async (args, io) => runHints(await readOptions(args, io, deps.fs), io, deps),
  });
}

/** The registered `hints` subcommand (real lsblk, sysfs and blkid). */
export const hintsCommand: Subcommand = createHintsCommand({ runner: new ExecaRunner(), fs: new NodeFs() });

async function runHints(options: Options, io: CliIO, deps: HintsCliDeps): Promise<number> {
  const logger = createLogger({
    debug: options.debug,
    transports: [new winston.transports.Stream({ stream: io.stderr, level: options.debug ? 'debug' : 'warn' })],
  });
  const { fs } = deps;
  const listerOptions = { runner: deps.runner, fs, logger, allowlist: options.allowlist };
  const lister = new BlockDeviceLister(
    deps.paths === undefined ? listerOptions : { ...listerOptions, paths: deps.paths },
  );
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

/** The parsed options, with --hints parsed and the --node file read. */
async function readOptions(args: ParsedArgs<typeof HINTS_OPTIONS>, io: CliIO, fs: FsReader): Promise<Options> {
  const values: OptionValues<typeof HINTS_OPTIONS> = args.values;
  const hints =
    values.hints === undefined
      ? undefined
      : { value: parseJson(values.hints, '--hints', `'{"size": ">= 100"}'`), source: '--hints' };
  return {
    hints,
    node: values.node === undefined ? null : await readNode(fs, io, values.node),
    allowlist: splitAllowlist(values['device-allowlist']),
    strict: values.strict === true,
    json: values.json === true,
    debug: values.debug === true,
  };
}

/** `--device-allowlist` values as the agent reads them: repeated and/or comma-separated; default `/dev/*`. */
function splitAllowlist(values: readonly string[] | undefined): string[] {
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

async function readNode(fs: FsReader, io: CliIO, path: string): Promise<Node> {
  const text = await readOptionFile('--node', path, () => fs.readFile(resolve(io.cwd, path)));
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
