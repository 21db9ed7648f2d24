/**
 * `ironic-coreos-agent reprovision plan|apply|status|rollback`: the thin IO
 * shell and composition root of the reprovision wing. Progress goes to
 * stderr, results to stdout; the config's content is never printed.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { createSystemClock } from '../common/clock.js';
import { groupCommand, leafCommand } from '../common/cli/command.js';
import type { OptionValues } from '../common/cli/options.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import type { Fs } from '../common/fs/fs.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { applyReprovision } from './apply.js';
import type { ReprovisionRequest } from './checks.js';
import { axiosGet, type HttpGet } from './config/http.js';
import { readConfigText } from './config/read.js';
import type { ReprovisionEnv } from './context.js';
import { findIgnition } from './find-ignition.js';
import { APPLY_NOW_OPTIONS, APPLY_OPTIONS, readBackup, readMode, ROLLBACK_OPTIONS, STATUS_OPTIONS } from './options.js';
import { describePlan, gatherPlan } from './plan.js';
import { rollbackReprovision } from './rollback.js';
import { PRIVATE_NAMESPACE_ENV, privateNamespaceArgv } from './namespace.js';
import { IgnitionStages } from './staged/ignition-stages.js';
import { describeStatus, readStatus } from './status.js';
import { inspectTarget } from './target.js';
import { testHooks } from './test-hooks.js';

/** The seams the commands are built on (tests pass their own). */
export interface ReprovisionDeps {
  readonly fs: Fs;
  readonly runner: Runner;
  readonly get: HttpGet;
  /** Reads /proc files (cmdline, mountinfo, boot_id). */
  readonly readProc: (name: string) => string;
  /** This process's own command line (program first), to run it again in a private mount namespace. */
  readonly selfArgv: readonly string[];
  /** Run `argv` with this process's stdio and `env`; resolves to its exit code. */
  readonly spawnInherit: (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;
}

/**
 * On a booted node, run this command again in a private mount namespace where
 * /sysroot and /boot are writable (namespace.ts), and return its exit code;
 * null when it is already there or the target is not booted.
 */
async function inPrivateNamespace(deps: ReprovisionDeps, io: CliIO, root: string): Promise<number | null> {
  if (io.env[PRIVATE_NAMESPACE_ENV] === '1') return null;
  const target = await inspectTarget(deps.fs, root, deps.readProc('cmdline'));
  if (!target.booted) return null;
  return deps.spawnInherit(privateNamespaceArgv(root, deps.selfArgv), { ...io.env, [PRIVATE_NAMESPACE_ENV]: '1' });
}

/** The environment of one command run. */
function environment(deps: ReprovisionDeps, io: CliIO, values: { ostree?: string; ignition?: string }): ReprovisionEnv {
  return {
    fs: deps.fs,
    runner: deps.runner,
    clock: createSystemClock(),
    get: deps.get,
    progress: (line) => io.stderr.write(`${line}\n`),
    proc: { cmdline: deps.readProc('cmdline'), mountinfo: deps.readProc('self/mountinfo') },
    ...(values.ostree === undefined ? {} : { ostreeProgram: values.ostree }),
    findIgnition: (target) => findIgnition(deps.fs, target, values.ignition),
    stagedIgnition: (program, workDir) =>
      new IgnitionStages({ runner: deps.runner, fs: deps.fs, ignition: program, workDir }),
    checkpoint: testHooks(io.env),
  };
}

const CONFIG_OPERAND = { name: 'CONFIG', min: 1, max: 1 } as const;

function sysroot(io: CliIO, value: string | undefined): string {
  return resolve(io.cwd, value ?? '/');
}

/** What plan and apply were asked, with the config read (file, `-` or URL). */
async function request(
  deps: ReprovisionDeps,
  io: CliIO,
  values: OptionValues<typeof APPLY_OPTIONS>,
  config: string,
): Promise<ReprovisionRequest> {
  return {
    root: sysroot(io, values.sysroot),
    config: await readConfigText(config, io, deps.fs, deps.get),
    mode: readMode(values.mode),
    keep: values.keep ?? [],
    backup: readBackup(values),
    force: values.force === true,
  };
}

/** Build the command group on `deps`. */
export function createReprovisionCommand(deps: ReprovisionDeps): Subcommand {
  const plan = leafCommand({
    name: 'plan',
    summary: 'Check a new Ignition config against this node and print what apply would do; change nothing',
    options: APPLY_OPTIONS,
    operands: CONFIG_OPERAND,
    run: async ({ values, operands }, io) => {
      const facts = await gatherPlan(environment(deps, io, values), await request(deps, io, values, operands[0]!));
      io.stdout.write(`${describePlan(facts).join('\n')}\n`);
    },
  });
  const apply = leafCommand({
    name: 'apply',
    summary: 'Reprovision this node in place with a new Ignition config (file, URL, or - for stdin)',
    options: APPLY_NOW_OPTIONS,
    operands: CONFIG_OPERAND,
    run: async ({ values, operands }, io) => {
      const rerun = await inPrivateNamespace(deps, io, sysroot(io, values.sysroot));
      if (rerun !== null) return rerun;
      const result = await applyReprovision(environment(deps, io, values), {
        ...(await request(deps, io, values, operands[0]!)),
        now: values.now === true,
      });
      io.stdout.write(`config sha256 ${result.sha256}: deployment ${result.deployment}, phase ${result.phase}\n`);
    },
  });
  const status = leafCommand({
    name: 'status',
    summary: 'Show the reprovision stamp, the deployments and the success marker',
    options: STATUS_OPTIONS,
    run: async ({ values }, io) => {
      const env = environment(deps, io, values);
      const bootId = safeRead(() => deps.readProc('sys/kernel/random/boot_id').trim());
      const document = await readStatus(env, sysroot(io, values.sysroot), bootId);
      io.stdout.write(
        values.json === true ? `${JSON.stringify(document, null, 2)}\n` : `${describeStatus(document).join('\n')}\n`,
      );
    },
  });
  const rollback = leafCommand({
    name: 'rollback',
    summary: 'Go back to the deployment and /var the node had before the last reprovision',
    options: ROLLBACK_OPTIONS,
    run: async ({ values }, io) => {
      const rerun = await inPrivateNamespace(deps, io, sysroot(io, values.sysroot));
      if (rerun !== null) return rerun;
      const result = await rollbackReprovision(environment(deps, io, values), {
        root: sysroot(io, values.sysroot),
        now: values.now === true,
      });
      io.stdout.write(`rollback to ${result.deployment}: ${result.outcome}\n`);
    },
  });
  return groupCommand({
    name: 'reprovision',
    summary: 'Re-provision an installed Fedora CoreOS node in place with a new Ignition config',
    commands: [plan, apply, status, rollback],
  });
}

function safeRead(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** The command on the real seams. */
export const reprovisionCommand: Subcommand = createReprovisionCommand({
  fs: new NodeFs(),
  runner: new ExecaRunner(),
  get: axiosGet,
  readProc: (name) => readFileSync(join('/proc', name), 'utf8'),
  selfArgv: [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
  spawnInherit: (argv, env) =>
    new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        resolve(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0))),
      );
    }),
});
