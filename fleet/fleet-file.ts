/**
 * The fleet file (YAML or JSON; JSON is YAML): which nodes exist, their role,
 * the Ignition config each should run and how to reach it. Parsing is pure;
 * every problem is reported at once, naming the node and the field, as
 * `nodes[2] (name "w3"): ssh.port must be 1-65535`.
 */
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  checkKnown,
  isFields,
  readArgv,
  readFields,
  readInteger,
  readString,
  type Fields,
  type Problems,
} from './fields.js';

/** What a node is to the cluster: control-plane nodes are only touched when asked, one at a time. */
export type Role = 'control-plane' | 'worker';

/** How a node is to be reprovisioned: in place over SSH, by Ironic, or SSH when possible else Ironic. */
export type Method = 'auto' | 'ssh' | 'ironic';

/** How to reach a node over SSH. */
export interface SshTarget {
  readonly address: string;
  /** Default `core`, the Fedora CoreOS user. */
  readonly user: string;
  /** Private key path (absolute: resolved against the fleet file's folder). */
  readonly key?: string;
  /** Default 22. */
  readonly port: number;
}

/** One node of the fleet. */
export interface FleetNode {
  readonly name: string;
  readonly role: Role;
  /** The desired Ignition config: an absolute path (resolved against the fleet file's folder) or an http(s) URL. */
  readonly config: string;
  readonly ssh?: SshTarget;
  /** The Ironic node (name or UUID). */
  readonly ironic?: { readonly node: string };
  readonly method: Method;
  /** How long one reprovision of this node may take before it is marked failed. */
  readonly timeoutSeconds?: number;
}

/** How the fleet runs the agent on a node over SSH: `command` then `reprovision ...` then `--sysroot`. */
export interface RemoteCommand {
  /** Default `sudo ironic-coreos-agent`; e.g. `sudo podman run --rm --privileged --pid host -v /:/mnt/host IMAGE`. */
  readonly command: readonly string[];
  /** Passed as `--sysroot` (e.g. `/mnt/host` when the agent runs in a container with the host's root there). */
  readonly sysroot?: string;
}

/** The whole fleet file. */
export interface Fleet {
  readonly nodes: readonly FleetNode[];
  /** Ironic's endpoint; else OS_ENDPOINT. */
  readonly ironic?: { readonly endpoint: string };
  /** Workers reprovisioned at once (default 1). */
  readonly concurrency: number;
  /** The gate after each control-plane node: an argv that must exit 0. */
  readonly health?: { readonly command: readonly string[]; readonly timeoutSeconds?: number };
  readonly remote: RemoteCommand;
}

/** A fleet file that cannot be used. Named ConfigError so that the CLI exits 2, as for any bad input file. */
export class FleetFileError extends Error {
  /** Every problem found, one line each. */
  readonly problems: readonly string[];

  constructor(origin: string, problems: readonly string[]) {
    super(`${origin} is not a valid fleet file:\n    ${problems.join('\n    ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The remote command when the fleet file names none. */
export const DEFAULT_REMOTE_COMMAND: readonly string[] = ['sudo', 'ironic-coreos-agent'];

const NODE_FIELDS = ['name', 'role', 'config', 'ssh', 'ironic', 'method', 'timeoutSeconds'] as const;
const FLEET_FIELDS = ['nodes', 'ironic', 'concurrency', 'health', 'remote'] as const;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A user or host that ssh could not mistake for an option (no leading `-`, no spaces or shell characters). */
const SSH_WORD = /^[A-Za-z0-9_.:%[\]][A-Za-z0-9_.:%[\]-]*$/;
const ANY_INT: readonly [number, number] = [1, Number.MAX_SAFE_INTEGER];

/**
 * Parse and validate a fleet file.
 * @param origin - its path, for messages
 * @param baseDir - the folder relative config and key paths are resolved against
 * @throws FleetFileError listing every problem
 */
export function parseFleet(text: string, origin: string, baseDir: string): Fleet {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new FleetFileError(origin, [`not YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`]);
  }
  const problems: Problems = { list: [] };
  if (!isFields(document)) throw new FleetFileError(origin, ['the document must be a mapping with a "nodes" list']);
  checkKnown(problems, '', document, FLEET_FIELDS);
  const nodes = readNodes(problems, document['nodes'], baseDir);
  const fleet = readFleetLevel(problems, document);
  if (problems.list.length > 0) throw new FleetFileError(origin, problems.list);
  return { nodes, ...fleet };
}

function readFleetLevel(problems: Problems, document: Fields): Omit<Fleet, 'nodes'> {
  const ironic = readFields(problems, '', 'ironic', document['ironic']);
  if (ironic !== undefined) checkKnown(problems, 'ironic: ', ironic, ['endpoint']);
  const endpoint = readString(problems, '', 'ironic.endpoint', ironic?.['endpoint']);
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    problems.list.push('ironic.endpoint must be an http(s) URL');
  }
  const health = readFields(problems, '', 'health', document['health']);
  if (health !== undefined) checkKnown(problems, 'health: ', health, ['command', 'timeoutSeconds']);
  const command = readArgv(problems, '', 'health.command', health?.['command']);
  if (health !== undefined && health['command'] === undefined) problems.list.push('health.command is required');
  const healthTimeout = readInteger(problems, '', 'health.timeoutSeconds', health?.['timeoutSeconds'], ANY_INT);
  return {
    ...(endpoint === undefined ? {} : { ironic: { endpoint } }),
    concurrency: readInteger(problems, '', 'concurrency', document['concurrency'], [1, 1000]) ?? 1,
    ...(command === undefined
      ? {}
      : { health: { command, ...(healthTimeout === undefined ? {} : { timeoutSeconds: healthTimeout }) } }),
    remote: readRemote(problems, document['remote']),
  };
}

function readRemote(problems: Problems, value: unknown): RemoteCommand {
  const remote = readFields(problems, '', 'remote', value);
  if (remote === undefined) return { command: DEFAULT_REMOTE_COMMAND };
  checkKnown(problems, 'remote: ', remote, ['command', 'sysroot']);
  const command = readArgv(problems, '', 'remote.command', remote['command']) ?? DEFAULT_REMOTE_COMMAND;
  const sysroot = readString(problems, '', 'remote.sysroot', remote['sysroot']);
  if (sysroot !== undefined && !sysroot.startsWith('/')) problems.list.push('remote.sysroot must be an absolute path');
  return { command, ...(sysroot === undefined ? {} : { sysroot }) };
}

function readNodes(problems: Problems, value: unknown, baseDir: string): FleetNode[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.list.push('nodes must be a non-empty list');
    return [];
  }
  const nodes: FleetNode[] = [];
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, index) => {
    const name = isFields(entry) && typeof entry['name'] === 'string' ? entry['name'] : undefined;
    const at = `nodes[${index}]${name === undefined ? '' : ` (name ${JSON.stringify(name)})`}: `;
    if (name !== undefined && seen.has(name)) problems.list.push(`${at}name is also used by nodes[${seen.get(name)}]`);
    if (name !== undefined && !seen.has(name)) seen.set(name, index);
    const node = isFields(entry) ? readNode(problems, at, entry, baseDir) : undefined;
    if (!isFields(entry)) problems.list.push(`${at}must be a mapping`);
    if (node !== undefined) nodes.push(node);
  });
  return nodes;
}

function readNode(problems: Problems, at: string, entry: Fields, baseDir: string): FleetNode | undefined {
  const before = problems.list.length;
  checkKnown(problems, at, entry, NODE_FIELDS);
  const name = required(problems, at, 'name', readString(problems, at, 'name', entry['name']));
  if (name !== undefined && !DNS_LABEL.test(name)) {
    problems.list.push(`${at}name must be a DNS label (a-z, 0-9 and -, at most 63, no leading or trailing -)`);
  }
  const role = readChoice(problems, at, 'role', entry['role'], ['control-plane', 'worker'], undefined);
  const config = readConfigSource(problems, at, entry['config'], baseDir);
  const ssh = readSsh(problems, at, entry['ssh'], baseDir);
  const ironic = readIronicNode(problems, at, entry['ironic']);
  const method = readChoice(problems, at, 'method', entry['method'], ['auto', 'ssh', 'ironic'], 'auto');
  const timeoutSeconds = readInteger(problems, at, 'timeoutSeconds', entry['timeoutSeconds'], ANY_INT);
  checkMethod(problems, at, method, ssh !== undefined || entry['ssh'] !== undefined, ironic !== undefined);
  if (problems.list.length > before || name === undefined || role === undefined || config === undefined) return;
  return {
    name,
    role,
    config,
    method: method ?? 'auto',
    ...(ssh === undefined ? {} : { ssh }),
    ...(ironic === undefined ? {} : { ironic }),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  };
}

function required<T>(problems: Problems, at: string, field: string, value: T | undefined): T | undefined {
  if (value === undefined && !problems.list.some((p) => p.startsWith(`${at}${field} `))) {
    problems.list.push(`${at}${field} is required`);
  }
  return value;
}

function readChoice<T extends string>(
  problems: Problems,
  at: string,
  field: string,
  value: unknown,
  choices: readonly T[],
  fallback: T | undefined,
): T | undefined {
  if (value === undefined) {
    if (fallback === undefined) problems.list.push(`${at}${field} is required (${choices.join(' or ')})`);
    return fallback;
  }
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  problems.list.push(`${at}${field} must be ${choices.join(' or ')}, not ${JSON.stringify(value)}`);
  return undefined;
}

function readConfigSource(problems: Problems, at: string, value: unknown, baseDir: string): string | undefined {
  const source = required(problems, at, 'config', readString(problems, at, 'config', value));
  if (source === undefined) return undefined;
  if (/^https?:\/\/[^\s/]+/.test(source)) return source;
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !isAbsolute(source)) {
    problems.list.push(`${at}config must be a file path or an http(s) URL`);
    return undefined;
  }
  return resolve(baseDir, source);
}

function readSsh(problems: Problems, at: string, value: unknown, baseDir: string): SshTarget | undefined {
  const ssh = readFields(problems, at, 'ssh', value);
  if (ssh === undefined) return undefined;
  checkKnown(problems, `${at}ssh: `, ssh, ['address', 'user', 'key', 'port']);
  const address = required(problems, at, 'ssh.address', readString(problems, at, 'ssh.address', ssh['address']));
  if (address !== undefined && !SSH_WORD.test(address))
    problems.list.push(`${at}ssh.address must be a host name or address`);
  const user = readString(problems, at, 'ssh.user', ssh['user']) ?? 'core';
  if (!SSH_WORD.test(user)) problems.list.push(`${at}ssh.user must be a user name`);
  const key = readString(problems, at, 'ssh.key', ssh['key']);
  const port = readInteger(problems, at, 'ssh.port', ssh['port'], [1, 65535]) ?? 22;
  if (address === undefined) return undefined;
  return { address, user, port, ...(key === undefined ? {} : { key: resolve(baseDir, key) }) };
}

function readIronicNode(problems: Problems, at: string, value: unknown): { node: string } | undefined {
  const ironic = readFields(problems, at, 'ironic', value);
  if (ironic === undefined) return undefined;
  checkKnown(problems, `${at}ironic: `, ironic, ['node']);
  const node = required(problems, at, 'ironic.node', readString(problems, at, 'ironic.node', ironic['node']));
  return node === undefined ? undefined : { node };
}

function checkMethod(problems: Problems, at: string, method: Method | undefined, ssh: boolean, ironic: boolean): void {
  if (method === 'ssh' && !ssh) problems.list.push(`${at}method ssh needs ssh.address`);
  if (method === 'ironic' && !ironic) problems.list.push(`${at}method ironic needs ironic.node`);
  if (method === 'auto' && !ssh && !ironic) problems.list.push(`${at}method auto needs ssh or ironic (or both)`);
}
