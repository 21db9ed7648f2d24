/**
 * Running the fleet's side of the SSH path for real: the CLI (or ssh itself)
 * with the test's own ssh client state. OpenSSH keeps known hosts in the
 * user's home from the password database (not $HOME), so each run is made in
 * a private mount namespace where the test's directory is bound over that
 * home: the machine's ~/.ssh is never written, and a test-bed address reused
 * by a later run with a new host key is not refused.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentCommandScript } from '../../testbed/ssh-node-files.js';
import type { CliRun } from './reprovision-real.js';

const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const CLI = join(CHECKOUT, 'cli/index.ts');

/** The fleet side's files: a home for ssh and the key the nodes authorize. */
export interface FleetClient {
  /** Bound over the user's home for every run. */
  readonly home: string;
  /** Private key (the fleet file's `ssh.key`). */
  readonly key: string;
  /** The public key line (each node's authorized key). */
  readonly publicKey: string;
}

/** Make the client's home and an ed25519 key pair in `dir`. */
export async function fleetClient(dir: string): Promise<FleetClient> {
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const key = join(dir, 'fleet_ed25519');
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'fleet-e2e', '-f', key], home);
  return { home, key, publicKey: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** Write the agent command the nodes run (testbed/ssh-node-files.ts) into `dir`; returns its path. */
export function writeAgentCommand(dir: string, ostreeDir: string): string {
  const path = join(dir, 'ironic-coreos-agent');
  writeFileSync(path, agentCommandScript({ checkout: CHECKOUT, node: process.execPath, ostreeDir }));
  chmodSync(path, 0o755);
  return path;
}

/** Run `argv` with the client's home (see the module comment); never rejects. */
export function run(argv: readonly string[], home: string, input?: string): Promise<CliRun> {
  const bind = `mount --bind "$0" ${userInfo().homedir} && exec "$@"`;
  const full = ['--mount', '--propagation', 'private', '--', 'sh', '-c', bind, home, ...argv];
  return new Promise((resolve) => {
    const child = execFile('unshare', full, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({
        code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
        signal: e?.signal ?? null,
        stdout,
        stderr,
      });
    });
    child.stdin?.end(input ?? '');
  });
}

/** Run this checkout's CLI with `args` as the fleet side (client home bound). */
export function runFleetCli(client: FleetClient, args: readonly string[], input?: string): Promise<CliRun> {
  return run([process.execPath, '--import', 'tsx', CLI, ...args], client.home, input);
}
