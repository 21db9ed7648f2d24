/**
 * The options of `fleet apply` and their typed reading: the Ironic
 * connection as the `baremetal` CLI (python-ironicclient / openstacksdk)
 * takes it, `--os-endpoint`/`OS_ENDPOINT` with noauth, or a token from
 * `--os-token`/`OS_TOKEN` sent as `X-Auth-Token`, and the waits.
 */
import type { OptionTable, OptionValues } from '../../common/cli/options.js';
import { UsageError } from '../../common/cli/types.js';
import type { Fleet } from '../fleet-file.js';
import { normalizeEndpoint, type IronicConnection } from './ironic-client.js';

/** How long one node may take when neither the node nor `--timeout` says (30 min: a reboot of a large server, twice). */
export const DEFAULT_NODE_TIMEOUT_SECONDS = 1800;
/** Seconds between two polls of a node's report or of Ironic. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 10;
/** How long, after Ironic's rebuild, a node with an SSH address is given to answer over SSH. */
export const DEFAULT_CONFIRM_TIMEOUT_SECONDS = 300;
/** The health command's limit when the fleet file gives none. */
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;

/** The option table of `fleet apply`. */
export const APPLY_OPTIONS = {
  state: {
    type: 'string',
    value: 'path',
    help: 'The state file (default: the fleet file with .state.json appended).',
  },
  concurrency: {
    type: 'string',
    value: 'N',
    help: "Workers reprovisioned at once (default: the fleet file's concurrency, else 1).",
  },
  'include-control-plane': {
    type: 'boolean',
    help: 'Also reprovision control-plane nodes: after the workers, one at a time, each behind the health command.',
  },
  'dry-run': { type: 'boolean', help: 'Validate everything and print the plan; touch no node.' },
  json: { type: 'boolean', help: 'Progress as JSON lines on stderr and the summary as JSON on stdout.' },
  timeout: {
    type: 'string',
    value: 'seconds',
    help: `How long a node may take (default ${DEFAULT_NODE_TIMEOUT_SECONDS}); a node's timeoutSeconds wins.`,
  },
  'poll-interval': {
    type: 'string',
    value: 'seconds',
    help: `Seconds between polls of a node's report or of Ironic (default ${DEFAULT_POLL_INTERVAL_SECONDS}).`,
  },
  'confirm-timeout': {
    type: 'string',
    value: 'seconds',
    help: `After an Ironic rebuild, how long a node with an SSH address is given to answer\n(default ${DEFAULT_CONFIRM_TIMEOUT_SECONDS}); after that Ironic's view is what is recorded.`,
  },
  'os-endpoint': {
    type: 'string',
    value: 'url',
    section: 'Ironic',
    help: "Ironic's API (default: the fleet file's ironic.endpoint, else OS_ENDPOINT).",
  },
  'os-token': {
    type: 'string',
    value: 'token',
    section: 'Ironic',
    help: 'A token sent as X-Auth-Token (default OS_TOKEN; none: noauth). Never printed.',
  },
} as const satisfies OptionTable;

/** What `fleet apply` was asked, typed. */
export interface ApplySettings {
  readonly concurrency: number;
  readonly includeControlPlane: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly timeoutSeconds: number;
  readonly pollIntervalMs: number;
  readonly confirmTimeoutMs: number;
  /** Undefined when neither a flag, the fleet file nor the environment names an endpoint. */
  readonly ironic?: IronicConnection;
}

/** Read the options (the fleet file gives the defaults). @throws UsageError naming the option */
export function readApplySettings(
  values: OptionValues<typeof APPLY_OPTIONS>,
  fleet: Fleet,
  env: NodeJS.ProcessEnv,
): ApplySettings {
  const ironic = readIronicConnection(values, fleet, env);
  return {
    concurrency: readCount('--concurrency', values.concurrency, [1, 1000]) ?? fleet.concurrency,
    includeControlPlane: values['include-control-plane'] === true,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    timeoutSeconds: readCount('--timeout', values.timeout, [1, 7 * 86400]) ?? DEFAULT_NODE_TIMEOUT_SECONDS,
    pollIntervalMs:
      (readCount('--poll-interval', values['poll-interval'], [1, 3600]) ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
    confirmTimeoutMs:
      (readCount('--confirm-timeout', values['confirm-timeout'], [0, 86400]) ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS) * 1000,
    ...(ironic === undefined ? {} : { ironic }),
  };
}

/** The endpoint: flag, then fleet file, then OS_ENDPOINT; the token: flag, then OS_TOKEN. @throws UsageError */
export function readIronicConnection(
  values: Pick<OptionValues<typeof APPLY_OPTIONS>, 'os-endpoint' | 'os-token'>,
  fleet: Pick<Fleet, 'ironic'>,
  env: NodeJS.ProcessEnv,
): IronicConnection | undefined {
  const raw = values['os-endpoint'] ?? fleet.ironic?.endpoint ?? nonEmpty(env['OS_ENDPOINT']);
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) {
    throw new UsageError(`the Ironic endpoint must be an http(s) URL, not ${JSON.stringify(raw)}`);
  }
  const token = values['os-token'] ?? nonEmpty(env['OS_TOKEN']);
  return { endpoint: normalizeEndpoint(raw), ...(token === undefined ? {} : { token }) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readCount(flag: string, value: string | undefined, [min, max]: readonly [number, number]): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}
