/**
 * `ironic-coreos-agent hints`: show which disk the agent would install onto,
 * and why, without writing anything. Lists the real block devices (lsblk,
 * sysfs, udev/blkid) through the device allowlist, applies the node's skip
 * list and root device hints exactly as the install step does.
 *
 * Exit codes: 0 a disk is chosen, 1 none would be (the message lists every
 * candidate), 2 usage errors.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import winston from 'winston';
import type { CliIO, Subcommand } from '../../../cli/types.js';
import { UsageError } from '../../../cli/types.js';
import { ConfigError, DeviceNotFound } from '../../errors.js';
import { ExecaRunner } from '../../exec/execa-runner.js';
import type { Runner } from '../../exec/runner.js';
import { createLogger } from '../../logger.js';
import { NodeFsReader, type FsReader } from '../../util/fs-reader.js';
import { IRONIC_REJECTED_HINTS } from '../root-device-hints/grammar.js';
import { parseRootDeviceHints } from '../root-device-hints/parse.js';
import { excludeSkippedDevices } from '../root-device-hints/skip-list.js';
import type { BlockDevice, Node } from '../types.js';
import { BlockDeviceLister, type BlockDeviceScan, type HostPaths } from './block-devices.js';
import { serializeBlockDevice } from './disk-wire.js';
import { explainCandidates, rootDeviceHintsFromNode, selectInstallDevice, type CandidateReport, type HintsWithSource, type InstallDeviceChoice } from './install-device.js';
import { describeDevice } from './install-device-text.js';
import { readInstallInputs } from './install-inputs.js';

const USAGE = `Usage: ironic-coreos-agent hints [options]

Show which disk root device hints would choose, and why. Reads only; never writes.

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

/** What the command needs from the outside; tests replace the runner and host paths. */
export interface HintsCliDeps {
  runner?: Runner;
  fs?: FsReader;
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
export function createHintsCommand(deps: HintsCliDeps = {}): Subcommand {
  return {
    name: 'hints',
    summary: 'Show which disk root device hints would choose, and why (no writes)',
    run: (argv, io) => runHints(argv, io, deps),
  };
}

/** The registered `hints` subcommand (real lsblk, sysfs and blkid). */
export const hintsCommand: Subcommand = createHintsCommand();

async function runHints(argv: string[], io: CliIO, deps: HintsCliDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const options = await parseOptions(argv, io);
  const logger = createLogger({
    debug: options.debug,
    transports: [new winston.transports.Stream({ stream: io.stderr, level: options.debug ? 'debug' : 'warn' })],
  });
  let lister: BlockDeviceLister;
  const fs = deps.fs ?? new NodeFsReader();
  try {
    const listerOptions = { runner: deps.runner ?? new ExecaRunner(), fs, logger, allowlist: options.allowlist };
    lister = new BlockDeviceLister(deps.paths === undefined ? listerOptions : { ...listerOptions, paths: deps.paths });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  // The same inputs as the install step (getOsInstallDevice): mounted disks are never chosen.
  const inputs = await readInstallInputs({ lister, fs, ...(deps.paths?.sys === undefined ? {} : { sys: deps.paths.sys }) });
  const scan: BlockDeviceScan = { devices: inputs.devices, excluded: inputs.notListed };
  try {
    const choice = selectInstallDevice({ devices: inputs.devices, mounted: inputs.mounted, node: options.node, strict: options.strict, logger, ...(options.hints === undefined ? {} : { hints: options.hints }) });
    io.stdout.write(options.json ? `${JSON.stringify(successReport(choice, scan, options), null, 2)}\n` : successText(choice, scan));
    return 0;
  } catch (error) {
    if (!(error instanceof DeviceNotFound)) throw error;
    const report = candidatesForReport(scan.devices, options);
    if (options.json) io.stdout.write(`${JSON.stringify(failureReport(error, report, scan, options), null, 2)}\n`);
    else io.stderr.write(failureText(error, report.candidates, scan));
    return 1;
  }
}

async function parseOptions(argv: string[], io: CliIO): Promise<Options> {
  let values: { hints?: string; node?: string; 'device-allowlist'?: string[]; strict?: boolean; json?: boolean; debug?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        hints: { type: 'string' }, node: { type: 'string' }, 'device-allowlist': { type: 'string', multiple: true },
        strict: { type: 'boolean' }, json: { type: 'boolean' }, debug: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const hints = values.hints === undefined ? undefined : { value: parseJson(values.hints, '--hints', `'{"size": ">= 100"}'`), source: '--hints' };
  return {
    hints,
    node: values.node === undefined ? null : await readNode(resolve(io.cwd, values.node)),
    allowlist: splitAllowlist(values['device-allowlist']),
    strict: values.strict === true,
    json: values.json === true,
    debug: values.debug === true,
  };
}

/** `--device-allowlist` values as the agent reads them: repeated and/or comma-separated; default `/dev/*`. */
function splitAllowlist(values: string[] | undefined): string[] {
  const globs = (values ?? []).flatMap((v) => v.split(',')).map((g) => g.trim()).filter((g) => g !== '');
  return values === undefined ? ['/dev/*'] : globs;
}

function parseJson(text: string, what: string, example: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message}); example: ${what} ${example}`);
  }
}

async function readNode(path: string): Promise<Node> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --node file ${path}: ${(error as Error).message}`);
  }
  const value = parseJson(text, '--node', 'node.json (a JSON object with properties / instance_info)');
  const node = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  // Accept a lookup response ({node: {...}}) as well as a plain node.
  const inner = node?.['node'];
  const picked = node !== null && !('properties' in node) && typeof inner === 'object' && inner !== null ? inner : node;
  if (picked === null) throw new UsageError(`--node file ${path} must hold a JSON object (a node with properties / instance_info)`);
  return picked as Node;
}

/** Candidates for a failure report, and whether they could be compared with the hints at all. */
function candidatesForReport(devices: BlockDevice[], options: Options): { candidates: CandidateReport[]; compared: boolean } {
  let kept = devices;
  try {
    kept = excludeSkippedDevices(devices, options.node).devices;
  } catch {
    // invalid skip list: the error already says so; show every device
  }
  const given = options.hints ?? rootDeviceHintsFromNode(options.node);
  let parsed = null;
  try {
    parsed = given === null ? null : parseRootDeviceHints(given.value);
  } catch {
    // invalid hints: nothing to compare against
  }
  if (parsed === null) return { candidates: kept.map((device) => ({ device, mismatch: null })), compared: false };
  return { candidates: explainCandidates(kept, parsed), compared: true };
}

function successText(choice: InstallDeviceChoice, scan: BlockDeviceScan): string {
  const lines = [`Chosen disk: ${choice.device.name}`, `  ${describeDevice(choice.device)}`, `Why: ${choice.reason}`];
  if (choice.normalizedHints !== null) lines.push(`Normalised hints: ${JSON.stringify(choice.normalizedHints)}`);
  lines.push(...ironicNote(choice.normalizedHints), 'Candidates:');
  for (const c of choice.candidates) {
    const mark = c.device === choice.device ? '*' : ' ';
    const verdict = choice.method === 'guess' ? '' : ` — ${c.mismatch?.reason ?? 'matches'}`;
    lines.push(`  ${mark} ${describeDevice(c.device)}${verdict}`);
  }
  lines.push(...otherDevices(choice.skipped.map((s) => ({ name: s.device.name, reason: `skip_block_devices entry ${s.entry.index}` })), scan));
  lines.push('Nothing was written.');
  return `${lines.join('\n')}\n`;
}

function failureText(error: DeviceNotFound, candidates: CandidateReport[], scan: BlockDeviceScan): string {
  const lines = ['No disk would be chosen.', error.details, candidates.length === 0 ? 'Candidates: none' : 'Candidates:'];
  for (const c of candidates) lines.push(`    ${describeDevice(c.device)}${c.mismatch === null ? '' : ` — ${c.mismatch.reason}`}`);
  lines.push(...otherDevices([], scan), 'Nothing was written.');
  return `${lines.join('\n')}\n`;
}

function otherDevices(skipped: Array<{ name: string; reason: string }>, scan: BlockDeviceScan): string[] {
  const all = [...skipped, ...scan.excluded];
  return all.length === 0 ? [] : ['Not considered:', ...all.map((e) => `    ${e.name}: ${e.reason}`)];
}

function ironicNote(normalized: Readonly<Record<string, unknown>> | null): string[] {
  const names = IRONIC_REJECTED_HINTS.filter((h) => normalized !== null && h in normalized);
  return names.map((h) => `Note: Ironic's own validation rejects the hint "${h}" (the agent accepts it, as IPA does); Ironic may refuse to deploy a node that sets it.`);
}

function successReport(choice: InstallDeviceChoice, scan: BlockDeviceScan, options: Options): Record<string, unknown> {
  return {
    chosen: serializeBlockDevice(choice.device), method: choice.method, source: choice.source, hints: choice.hints,
    normalized_hints: choice.normalizedHints, reason: choice.reason, strict: options.strict, allowlist: options.allowlist,
    candidates: choice.candidates.map((c) => candidateJson(c, choice.method === 'guess' ? null : c.mismatch === null)),
    skipped: choice.skipped.map((s) => ({ name: s.device.name, entry: s.entry.hints })), excluded: scan.excluded, error: null,
  };
}

function failureReport(error: DeviceNotFound, report: { candidates: CandidateReport[]; compared: boolean }, scan: BlockDeviceScan, options: Options): Record<string, unknown> {
  const given = options.hints ?? rootDeviceHintsFromNode(options.node);
  return {
    chosen: null, method: given === null ? 'guess' : 'hints', source: given?.source ?? null, hints: given?.value ?? null,
    strict: options.strict, allowlist: options.allowlist,
    candidates: report.candidates.map((c) => candidateJson(c, report.compared ? c.mismatch === null : null)),
    excluded: scan.excluded, error: error.toJSON(),
  };
}

function candidateJson(c: CandidateReport, matches: boolean | null): Record<string, unknown> {
  return { device: serializeBlockDevice(c.device), matches, failed_hint: c.mismatch?.hint ?? null, reason: c.mismatch?.reason ?? null };
}
