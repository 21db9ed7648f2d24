/**
 * Running the fleet's side of the SSH path for real: the CLI (or ssh itself)
 * with the test's own ssh client state. OpenSSH keeps known hosts in the
 * user's home from the password database (not $HOME), so each run is made in
 * a private mount namespace where the test's directory is bound over that
 * home: the machine's ~/.ssh is never written, and a test-bed address reused
 * by a later run with a new host key is not refused.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
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

/** A fleet CLI run in progress: its stderr lines as they come, and its end. */
export interface RunningFleetCli {
  readonly child: ChildProcess;
  /** Every stderr line so far. */
  readonly lines: string[];
  /** Resolves with the first stderr line `match` accepts (rejects if the process ends first). */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  readonly done: Promise<CliRun>;
}

/** Start this checkout's CLI as the fleet side, to watch it (and SIGKILL it) mid-run. */
export function startFleetCli(client: FleetClient, args: readonly string[]): RunningFleetCli {
  const bind = `mount --bind "$0" ${userInfo().homedir} && exec "$@"`;
  const argv = [process.execPath, '--import', 'tsx', CLI, ...args];
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', bind, client.home, ...argv],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stdout = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr: [...lines, partial].join('\n') })),
  );
  return {
    child,
    lines,
    done,
    waitForLine: (match) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(match);
        if (seen !== undefined) return resolve(seen);
        waiters.push({ match, resolve });
        void done.then((end) =>
          reject(new Error(`the fleet CLI ended (${end.code ?? end.signal}) before the line:\n${end.stderr}`)),
        );
      }),
  };
}

/**
 * The health command the test controls: each call is numbered and logged to
 * `events` as `health <n> exit <code>`; call n exits with line n of `<dir>/health-plan`
 * (0 when there is no such line). Returns its path.
 */
export function writeHealthCommand(dir: string, events: string): string {
  const path = join(dir, 'health');
  writeFileSync(
    path,
    `#!/bin/sh
# The fleet's health command in the e2e test (test/helpers/fleet-ssh.ts)
n=$(( $(cat ${dir}/health-count 2>/dev/null || echo 0) + 1 ))
echo "$n" > ${dir}/health-count
code=$(sed -n "\${n}p" ${dir}/health-plan 2>/dev/null)
code=\${code:-0}
echo "health $n exit $code" >> ${events}
exit "$code"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Set the health command's exit codes for its next calls (numbering starts again). */
export function planHealth(dir: string, codes: readonly number[]): void {
  writeFileSync(join(dir, 'health-plan'), codes.map((c) => `${c}\n`).join(''));
  writeFileSync(join(dir, 'health-count'), '0\n');
}

/** One `--json` progress line of `fleet apply`. */
export interface ProgressLine {
  node: string | null;
  phase: string;
  method?: string;
  message?: string;
}

/** The progress lines in a run's stderr. */
export function progress(stderr: string): ProgressLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ProgressLine);
}

/** The most of `nodes` at once between their `applying`/`resuming` and their `done`/`failed` (the fleet's progress). */
export function maxInFlight(lines: readonly ProgressLine[], nodes: readonly string[]): number {
  const active = new Set<string>();
  let most = 0;
  for (const line of lines) {
    if (line.node === null || !nodes.includes(line.node)) continue;
    if (['done', 'failed'].includes(line.phase)) active.delete(line.node);
    if (['applying', 'resuming'].includes(line.phase)) active.add(line.node);
    most = Math.max(most, active.size);
  }
  return most;
}
