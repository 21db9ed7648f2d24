/**
 * Reading a node's own report over SSH: the argv of `ssh ... reprovision
 * status --json` and the parser of its answer (reprovision/status.ts's
 * StatusDocument). The fleet's proof that a node runs a config is this
 * report, never the exit code of the command that applied it.
 */
import type { RemoteCommand, SshTarget } from './fleet-file.js';

/** Seconds ssh waits for the TCP connection (the default of {@link sshArgv}). */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** What a node says about its config. */
export interface NodeReport {
  /** The sha256 of the config in effect on this boot (the success marker's, when `in_effect`), else null. */
  readonly reported: string | null;
  /** The phase of its reprovision stamp (`fetched`, `applying`, `complete`...), null when none is recorded. */
  readonly phase: string | null;
}

/** The status document is not what `reprovision status --json` prints. */
export class StatusParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusParseError';
  }
}

/**
 * Quote one word for the remote shell. OpenSSH joins the command words with
 * spaces and hands the string to the user's shell (openssh-portable ssh.c,
 * the command buffer), so every word that is not plainly safe is single-quoted.
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The ssh argv running `remote` on `target`: batch mode (never a password
 * prompt), new host keys accepted and changed ones refused, a connect timeout.
 */
export function sshArgv(
  target: SshTarget,
  remote: readonly string[],
  connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS,
): string[] {
  return [
    'ssh',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `ConnectTimeout=${connectTimeoutSeconds}`,
    ...(target.key === undefined ? [] : ['-i', target.key]),
    '-p',
    String(target.port),
    `${target.user}@${target.address}`,
    ...remote.map(shellQuote),
  ];
}

/** The remote argv of `reprovision <words>` through the fleet's remote command (and its `--sysroot`). */
export function remoteReprovision(remote: RemoteCommand, words: readonly string[]): string[] {
  return [
    ...remote.command,
    'reprovision',
    ...words,
    ...(remote.sysroot === undefined ? [] : ['--sysroot', remote.sysroot]),
  ];
}

/** The full ssh argv that reads a node's status. */
export function statusArgv(target: SshTarget, remote: RemoteCommand, connectTimeoutSeconds?: number): string[] {
  return sshArgv(target, remoteReprovision(remote, ['status', '--json']), connectTimeoutSeconds);
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Parse the stdout of `reprovision status --json`.
 * @throws StatusParseError when it is not that document
 */
export function parseStatus(stdout: string): NodeReport {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    throw new StatusParseError(`the status is not JSON: ${JSON.stringify(stdout.slice(0, 80))}`);
  }
  if (!isObject(document) || typeof document['in_effect'] !== 'boolean' || !('success' in document)) {
    throw new StatusParseError('the status is not a reprovision status document (no in_effect or success)');
  }
  const success = document['success'];
  const stamp = document['reprovision'];
  const phase = isObject(stamp) && typeof stamp['phase'] === 'string' ? stamp['phase'] : null;
  if (!document['in_effect']) return { reported: null, phase };
  const sha256 = isObject(success) ? success['sha256'] : undefined;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new StatusParseError('the status says in_effect but its success marker has no sha256');
  }
  return { reported: sha256, phase };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
