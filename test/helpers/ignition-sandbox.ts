/**
 * Runs Debian's real Ignition 2.14 on a temporary root the way a CoreOS live
 * ISO would (FCOS's coreos-ignition-setup-user.sh copies the embedded /config.ign
 * to /usr/lib/ignition/user.ign, Ignition's "system" config): the config as `user.ign` in
 * IGNITION_SYSTEM_CONFIG_DIR, `--platform metal --stage fetch-offline`, then
 * `--stage files --root ROOT`. The root gets minimal account files and an
 * SELinux config, and a `setfiles` shim stands in for policycoreutils.
 */
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { RunResult } from '../../common/exec/runner.js';

/** The real Ignition binary (not on PATH; shipped for dracut). */
export const IGNITION_BIN = '/usr/lib/dracut/modules.d/30ignition/ignition';
/** The validator. */
export const IGNITION_VALIDATE = '/usr/bin/ignition-validate';

/** Why real Ignition cannot run here, or null when it can. */
export async function ignitionUnavailableReason(): Promise<string | null> {
  for (const tool of [
    IGNITION_BIN,
    IGNITION_VALIDATE,
    '/usr/sbin/useradd',
    '/usr/bin/systemctl',
    '/usr/bin/systemd-analyze',
  ]) {
    try {
      await access(tool, constants.X_OK);
    } catch {
      return `${tool} is missing (apt-get install -y ignition passwd systemd)`;
    }
  }
  return null;
}

/** `ignition-validate -` on `text`: the combined output and exit code (never throws on rc 1). */
export async function ignitionValidate(text: string): Promise<{ exitCode: number | null; output: string }> {
  const result = await new ExecaRunner().run([IGNITION_VALIDATE, '-'], { input: text, okExitCodes: [0, 1] });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** A prepared sandbox: `root` is the target root. */
export interface IgnitionSandbox {
  root: string;
  /** Apply `config` (JSON text) with fetch-offline then files. Throws ProcessError when a stage fails. */
  apply(config: string): Promise<{ fetch: RunResult; files: RunResult }>;
}

/**
 * Create the directories, account files and the setfiles shim under `dir`.
 * Every parent of `dir` must be searchable by other users: Ignition creates
 * `~/.ssh` as the new user (mkdtemp directories are 0700; chmod them 0755).
 */
export async function createIgnitionSandbox(dir: string): Promise<IgnitionSandbox> {
  const root = join(dir, 'root');
  const sys = join(dir, 'system');
  const run = join(dir, 'run');
  const shim = join(dir, 'shim');
  for (const d of [join(root, 'etc', 'selinux'), sys, run, shim]) await mkdir(d, { recursive: true, mode: 0o755 });
  await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(join(root, 'etc', 'group'), 'root:x:0:\n');
  await writeFile(join(root, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
  await writeFile(join(root, 'etc', 'gshadow'), 'root:*::\n', { mode: 0o600 });
  await writeFile(join(root, 'etc', 'selinux', 'config'), 'SELINUX=permissive\nSELINUXTYPE=targeted\n');
  await writeFile(join(shim, 'setfiles'), '#!/bin/sh\ncat > "${IGN_SETFILES_LOG:-/dev/null}"\nexit 0\n');
  await chmod(join(shim, 'setfiles'), 0o755);
  const runner = new ExecaRunner();
  const common = [
    '--platform',
    'metal',
    '--root',
    root,
    '--config-cache',
    join(run, 'ignition.json'),
    '--state-file',
    join(run, 'state'),
    '--log-to-stdout',
  ];
  const env = {
    IGNITION_SYSTEM_CONFIG_DIR: sys,
    PATH: `${shim}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
  };
  return {
    root,
    async apply(config: string) {
      await writeFile(join(sys, 'user.ign'), config, { mode: 0o600 });
      const fetch = await runner.run(
        [IGNITION_BIN, '--stage', 'fetch-offline', '--neednet', join(run, 'neednet'), ...common],
        { env },
      );
      const files = await runner.run([IGNITION_BIN, '--stage', 'files', ...common], { env });
      return { fetch, files };
    },
  };
}
