/**
 * Pure builders for running Ignition's stages from the running system (the
 * staged reprovision): the argv and environment of each stage and the
 * namespace wrapper of the apply step (its script is apply-script.ts; reading
 * Ignition's output on failure is ignition-output.ts).
 *
 * Ignition's flags and their defaults are those of coreos/ignition
 * internal/main.go (`-config-cache` /run/ignition.json, `-state-file`
 * /run/ignition/state, `-neednet` /run/ignition/neednet, `-root` /); every
 * path is moved under one work directory here so that nothing of the running
 * system's /run is used.
 */
import { isAbsolute, join } from 'node:path';
import { InvalidCommandParamsError } from '../../common/errors.js';
import { APPLY_SCRIPT } from './apply-script.js';

/** The Ignition stages the staged reprovision runs, in order (no `disks`, no `kargs`). */
export type IgnitionStage = 'fetch-offline' | 'fetch' | 'mount' | 'files' | 'umount';

/** Where one run keeps its Ignition state, all under the work directory. */
export interface IgnitionWorkPaths {
  /** The rendered config Ignition caches after fetching (Ignition writes it 0640; the work dir is 0700). */
  configCache: string;
  /** Ignition's state file (fetched configs, LUKS keys). */
  stateFile: string;
  /** The flag fetch-offline creates when the config needs the network. */
  needNet: string;
  /** IGNITION_SYSTEM_CONFIG_DIR: holds `user.ign` (0700). */
  systemDir: string;
  /** The config given by the caller (0600). */
  userConfig: string;
  /** An empty directory given as `-root` to the fetch stages, which write nothing there. */
  fetchRoot: string;
}

/** The paths of {@link IgnitionWorkPaths} under `workDir`. */
export function ignitionWorkPaths(workDir: string): IgnitionWorkPaths {
  const systemDir = join(workDir, 'system');
  return {
    configCache: join(workDir, 'ignition.json'),
    stateFile: join(workDir, 'state'),
    needNet: join(workDir, 'neednet'),
    systemDir,
    userConfig: join(systemDir, 'user.ign'),
    fetchRoot: join(workDir, 'fetch-root'),
  };
}

/**
 * The argv of one stage: `<ignition> -platform <id> -stage <stage> -root <root>
 * -config-cache <work>/ignition.json -state-file <work>/state -neednet
 * <work>/neednet -log-to-stdout`.
 * @param ignition - the Ignition binary
 * @param stage - the stage to run
 * @param platform - the platform id (see {@link checkPlatform})
 * @param root - the root the stage writes into (absolute)
 * @param workDir - the work directory (absolute)
 */
export function ignitionArgv(
  ignition: string,
  stage: IgnitionStage,
  platform: string,
  root: string,
  workDir: string,
): string[] {
  return [ignition, '-platform', checkPlatform(platform), '-stage', stage, ...commonFlags(root, workDir)];
}

/**
 * The environment every stage runs with: the system config dir holding
 * `user.ign`, as FCOS's coreos/fedora-coreos-config
 * overlay.d/05core/usr/lib/dracut/modules.d/35coreos-ignition/coreos-ignition-setup-user.sh
 * copies `/boot/ignition/config.ign` to `/usr/lib/ignition/user.ign` (the
 * directory Ignition's "system" provider reads, coreos/ignition
 * internal/providers/system/system.go), plus the caller's extra variables.
 * @param workDir - the work directory
 * @param extra - added over it (tests put a `setfiles` shim on PATH); default none
 */
export function ignitionEnv(workDir: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...extra, IGNITION_SYSTEM_CONFIG_DIR: ignitionWorkPaths(workDir).systemDir };
}

/** What {@link applyArgv} needs. */
export interface ApplyArgvInput {
  /** The Ignition binary. */
  ignition: string;
  /** The platform id. */
  platform: string;
  /** The new deployment's root (absolute); `<root>/var` must be a directory. */
  root: string;
  /** The fresh /var (absolute), bind-mounted at `<root>/var` for the stages. */
  freshVar: string;
  /** The work directory of the fetch (absolute). */
  workDir: string;
  /** Populate the fresh /var between mount and files, as FCOS's initrd does (see apply-script.ts). */
  populateVar: boolean;
}

/**
 * The argv that runs mount, (populate /var,) files and umount with `-root
 * <root>` while `freshVar` is bind-mounted at `<root>/var`, inside a private
 * mount namespace (`unshare --mount --propagation private`): every mount (the
 * bind and any the mount stage makes) lives only in that namespace and goes
 * with its last process, even when killed, so none is ever left on the running
 * system. The same isolation as the systemd-nspawn `--bind` of the
 * quick-reprovision design, without a container.
 *
 * `--pid --fork --kill-child` makes the script PID 1 of its own PID namespace
 * and kills it when unshare dies: when the Runner kills unshare (a timeout), the
 * kernel kills every process of the namespace, so no Ignition keeps writing
 * into the root after the failure was reported.
 */
export function applyArgv(input: ApplyArgvInput): string[] {
  const freshVar = checkAbsolute('freshVar', input.freshVar);
  const flags = ['-platform', checkPlatform(input.platform), ...commonFlags(input.root, input.workDir)];
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--',
    'sh',
    '-c',
    APPLY_SCRIPT,
    'sh',
    freshVar,
    input.root,
    input.ignition,
    input.populateVar ? 'yes' : 'no',
    ...flags,
  ];
}

/**
 * The platform id, checked: a lowercase word as Ignition's platform names are
 * (coreos/ignition internal/platform/platform.go).
 * @throws InvalidCommandParamsError when it is not
 */
export function checkPlatform(platform: string): string {
  if (!/^[a-z][a-z0-9]*$/.test(platform))
    throw new InvalidCommandParamsError(`invalid Ignition platform id ${JSON.stringify(platform)}`);
  return platform;
}

function commonFlags(root: string, workDir: string): string[] {
  const paths = ignitionWorkPaths(checkAbsolute('workDir', workDir));
  return [
    '-root',
    checkAbsolute('root', root),
    '-config-cache',
    paths.configCache,
    '-state-file',
    paths.stateFile,
    '-neednet',
    paths.needNet,
    '-log-to-stdout',
  ];
}

/** An absolute path cannot be read as an option by mount or Ignition. */
function checkAbsolute(what: string, path: string): string {
  if (!isAbsolute(path))
    throw new InvalidCommandParamsError(`${what} must be an absolute path, got ${JSON.stringify(path)}`);
  return path;
}
