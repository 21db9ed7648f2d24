/**
 * `ironic-coreos-agent fleet status|apply`: the thin IO shell and composition
 * root of the fleet wing. Results go to stdout, progress to stderr; the
 * configs' content and the Ironic token are never printed.
 *
 * The interface other tools (and the e2e suite) rely on; kept stable:
 *
 * `fleet apply [--concurrency N] [--include-control-plane] [--dry-run] [--json]
 * [--state PATH] [--timeout S] [--poll-interval S] [--confirm-timeout S]
 * [--os-endpoint URL] [--os-token TOKEN] FLEETFILE`
 * - Ironic: `--os-endpoint`, else the fleet file's `ironic.endpoint`, else
 *   `OS_ENDPOINT`; noauth unless `--os-token`/`OS_TOKEN` (sent as `X-Auth-Token`).
 * - Exit 0 when every node that was to be done is done; 1 when a node failed or
 *   the control-plane work stopped; 2 for bad input (fleet file, a node's
 *   config, a method without its SSH address, Ironic node or endpoint,
 *   `--include-control-plane` without `health.command`), before any node is touched.
 * - stderr: a line per node and phase (`w1: waiting (ssh)`), or with `--json` a
 *   JSON object per line `{time, node, phase, method, message}`; phases:
 *   applying, resuming, fallback, waiting, confirmed, unconfirmed, done,
 *   failed, skipped, planned, not-started, and fleet-wide health, healthy, unhealthy.
 * - stdout: the summary; with `--json` `{done, failed, skipped, not_started, stopped, dry_run}`.
 *
 * `fleet status [--json] [--state PATH] FLEETFILE`, `--json`:
 * `{nodes: [{name, role, method, desired_sha256, reported_sha256, reported_by,
 * node_phase, in_sync, phase, last_error, errors}]}` where `reported_by` is
 * `ssh` (the node's own success marker), `ironic` (no marker read over SSH;
 * the sha256 of the config Ironic last completed a rebuild with, from the
 * state file) or `none`.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { groupCommand, leafCommand } from '../common/cli/command.js';
import type { OptionTable } from '../common/cli/options.js';
import { readOptionFile } from '../common/cli/options.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import axios from 'axios';
import { createSystemClock, type Clock } from '../common/clock.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import type { Fs } from '../common/fs/fs.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { httpGetText, type ReadSource } from './desired.js';
import { parseFleet, type Fleet } from './fleet-file.js';
import { IronicClient, type IronicApi, type IronicConnection } from './apply/ironic-client.js';
import { APPLY_OPTIONS, readApplySettings } from './apply/options.js';
import { describeSummary, exitCodeOf, runApply } from './apply/run.js';
import { progressJson, progressLine } from './progress.js';
import { readState } from './state.js';
import { describeFleetStatus, readFleetStatus } from './status.js';

/** The seams the commands are built on (tests pass their own). */
export interface FleetDeps {
  readonly fs: Fs;
  readonly runner: Runner;
  /** GET an http(s) config as text. */
  readonly httpGet: (url: string) => Promise<string>;
  readonly clock: Clock;
  /** The Ironic client for a connection. */
  readonly ironicApi: (connection: IronicConnection) => IronicApi;
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
    commands: [status, applyCommand(deps)],
  });
}

function applyCommand(deps: FleetDeps): Subcommand {
  return leafCommand({
    name: 'apply',
    summary: 'Bring every node of a fleet file to its desired config, in place over SSH or by an Ironic rebuild',
    description:
      "Bring every node of FLEETFILE to its desired Ignition config: in place over SSH (reprovision plan, then apply --now, then the node's own report of the config's sha256), or by an Ironic rebuild with the config as configdrive and the install_coreos deploy step. Method auto falls back to Ironic when SSH fails before anything changed. Workers first (--concurrency at once); control-plane nodes only with --include-control-plane, one at a time behind the fleet file's health command. Every node's config is validated before any node is touched. A state file makes a killed run resumable without redoing done nodes or starting a second reprovision.",
    options: APPLY_OPTIONS,
    operands: FLEET_OPERAND,
    exitStatus: {
      ok: 'every node that was to be done reports its desired config (or, without SSH, Ironic completed its rebuild)',
      failure: 'a node failed, or the control-plane work stopped',
    },
    run: async ({ values, operands }, io) => {
      const { fleet, path } = await readFleet(deps, io, operands[0]!);
      const settings = readApplySettings(values, fleet, io.env);
      const statePath = values.state === undefined ? defaultStatePath(path) : resolve(io.cwd, values.state);
      const emit = settings.json
        ? (event: Parameters<typeof progressLine>[0]) => io.stderr.write(`${progressJson(event, deps.clock.now())}\n`)
        : (event: Parameters<typeof progressLine>[0]) => io.stderr.write(`${progressLine(event)}\n`);
      const summary = await runApply(
        {
          fs: deps.fs,
          runner: deps.runner,
          clock: deps.clock,
          readSource: readSource(deps),
          ironicApi: deps.ironicApi,
        },
        fleet,
        statePath,
        settings,
        emit,
      );
      io.stdout.write(settings.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary).join('\n')}\n`);
      return exitCodeOf(summary);
    },
  });
}

/** The command on the real seams. */
export const fleetCommand: Subcommand = createFleetCommand({
  fs: new NodeFs(),
  runner: new ExecaRunner(),
  httpGet: httpGetText,
  clock: createSystemClock(),
  ironicApi: (connection) => new IronicClient(axios.create(), connection),
});
