/**
 * `ironic-coreos-agent fleet status`: the thin IO shell and composition root
 * of the fleet wing. Results go to stdout; the configs' content is never
 * printed.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { groupCommand, leafCommand } from '../common/cli/command.js';
import type { OptionTable } from '../common/cli/options.js';
import { readOptionFile } from '../common/cli/options.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import type { Fs } from '../common/fs/fs.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { httpGetText, type ReadSource } from './desired.js';
import { parseFleet, type Fleet } from './fleet-file.js';
import { readState } from './state.js';
import { describeFleetStatus, readFleetStatus } from './status.js';

/** The seams the commands are built on (tests pass their own). */
export interface FleetDeps {
  readonly fs: Fs;
  readonly runner: Runner;
  /** GET an http(s) config as text. */
  readonly httpGet: (url: string) => Promise<string>;
}

const STATE_OPTION = {
  state: {
    type: 'string',
    value: 'path',
    help: 'The state file of fleet apply (default: the fleet file with .state.json appended).',
  },
} as const satisfies OptionTable;

const STATUS_OPTIONS = {
  ...STATE_OPTION,
  json: { type: 'boolean', help: 'Print the status as JSON (snake_case keys).' },
} as const satisfies OptionTable;

const FLEET_OPERAND = { name: 'FLEETFILE', min: 1, max: 1 } as const;

/** The fleet file at `path` (relative to the working directory), validated. @throws UsageError, FleetFileError */
async function readFleet(deps: FleetDeps, io: CliIO, path: string): Promise<{ fleet: Fleet; path: string }> {
  const full = resolve(io.cwd, path);
  const text = await readOptionFile('fleet file', path, () => deps.fs.readFile(full));
  return { fleet: parseFleet(text, path, dirname(full)), path: full };
}

/** The default state file: beside the fleet file, its name with `.state.json` appended. */
export function defaultStatePath(fleetPath: string): string {
  return join(dirname(fleetPath), `${basename(fleetPath)}.state.json`);
}

function readSource(deps: FleetDeps): ReadSource {
  return (source) => (/^https?:/.test(source) ? deps.httpGet(source) : deps.fs.readFile(source));
}

/** Build the command group on `deps`. */
export function createFleetCommand(deps: FleetDeps): Subcommand {
  const status = leafCommand({
    name: 'status',
    summary: 'Show, for each node of a fleet file, the config it should run and the one it reports',
    description:
      "Show, for each node of FLEETFILE, the sha256 of its desired Ignition config, the sha256 the node itself reports (its reprovision success marker, read over SSH), the method apply would use, and what apply's state file recorded. Exits 0 whether or not the nodes are in sync; --json gives the details.",
    options: STATUS_OPTIONS,
    operands: FLEET_OPERAND,
    run: async ({ values, operands }, io) => {
      const { fleet, path } = await readFleet(deps, io, operands[0]!);
      const statePath = values.state === undefined ? defaultStatePath(path) : resolve(io.cwd, values.state);
      const state = await readState(deps.fs, statePath);
      const document = await readFleetStatus({ runner: deps.runner, readSource: readSource(deps) }, fleet, state);
      io.stdout.write(
        values.json === true
          ? `${JSON.stringify(document, null, 2)}\n`
          : `${describeFleetStatus(document).join('\n')}\n`,
      );
    },
  });
  return groupCommand({
    name: 'fleet',
    summary: 'Bring every node of a fleet to its desired Ignition config, with proof from the nodes',
    commands: [status],
  });
}

/** The command on the real seams. */
export const fleetCommand: Subcommand = createFleetCommand({
  fs: new NodeFs(),
  runner: new ExecaRunner(),
  httpGet: httpGetText,
});
