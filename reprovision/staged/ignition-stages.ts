/**
 * Ignition's stages run from the running system, for the staged reprovision:
 * `fetch-offline` and `fetch` now, then `mount`, `files` and `umount` into a new
 * ostree deployment's root with a fresh /var bind-mounted over its `var`, in a
 * private mount namespace. Creating the deployment and swapping /var are the
 * caller's; this class runs Ignition only, every process through the Runner.
 */
import type { Fs } from '../../common/fs/fs.js';
import type { RunOptions, Runner } from '../../common/exec/runner.js';
import { ProcessError } from '../../common/exec/process-error.js';
import { IgnitionStageError } from '../../common/errors.js';
import {
  applyArgv,
  checkPlatform,
  ignitionArgv,
  ignitionEnv,
  ignitionWorkPaths,
  type IgnitionStage,
} from './ignition-argv.js';
import { lastStep } from './apply-script.js';
import { clearBaseConfigs, copyBaseConfigs } from './base-configs.js';
import { failureText, ignitionFailure } from './ignition-output.js';

/** What {@link IgnitionStages} is built from. */
export interface IgnitionStagesDeps {
  /** Runs Ignition and unshare. */
  runner: Runner;
  /** Writes the config and reads the neednet flag. */
  fs: Fs;
  /** The Ignition binary (FCOS: /usr/bin/ignition in the initrd; Debian: /usr/lib/dracut/modules.d/30ignition/ignition). */
  ignition: string;
  /** An absolute directory of this run's Ignition state; created 0700 when missing. Holds the config: keep it private. */
  workDir: string;
  /**
   * Extra environment for every Ignition run. Default none: production FCOS
   * has `setfiles`; tests put a `setfiles` shim first on PATH here.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * Create /var/{lib,log,home,...} in the fresh /var between mount and files,
   * as FCOS's ignition-ostree-populate-var does (apply-script.ts). Default true.
   */
  populateVar?: boolean;
  /**
   * A directory laid out like /usr/lib/ignition (FCOS: in the unpacked
   * initrd) whose `base.d` and `base.platform.d/<platform>` configs are merged
   * under the user config, as the initrd's Ignition does (base-configs.ts).
   * Default none: no base config.
   */
  baseConfigDir?: string;
  /**
   * Kill a stage run after this many milliseconds (the apply step counts as
   * one run). Default no limit, like FCOS's initrd; Ignition retries an
   * unreachable source until the config's `ignition.timeouts.httpTotal`.
   */
  timeoutMs?: number;
}

/** What {@link IgnitionStages.fetch} found. */
export interface FetchResult {
  /** True when fetch-offline flagged that the config needs the network (for itself or for a file's source). */
  neededNetwork: boolean;
  /** True when the `fetch` stage ran (the config itself needed the network). */
  ranFetch: boolean;
  /** The base configs copied from `baseConfigDir`, relative to it (`base.d/00-core.ign`, ...). */
  baseConfigs: string[];
  /** The rendered config Ignition cached (read by mount, files and umount). */
  configCache: string;
}

/** The step name when the wrapper stopped before Ignition's first stage: the bind mount of the fresh /var failed. */
export const BIND_VAR = 'bind /var';

/** How a step that is not an Ignition stage is named in messages. */
const STEP_TEXT: Readonly<Record<string, string>> = {
  [BIND_VAR]: 'Bind-mounting the fresh /var before Ignition ran',
  'populate-var': 'Populating the fresh /var between the mount and files stages (FCOS ignition-ostree-populate-var)',
};

/** The what-next of a failed fetch: nothing has been written anywhere but the work directory. */
const FETCH_NEXT =
  'Nothing on the node was changed. Fix the config (or make the resources it references reachable) and run the reprovision again.';

/** The what-next of a failed apply: the new root and fresh /var are half-written, the running system is untouched. */
const APPLY_NEXT =
  'The running system and its /var were not touched, but the new deployment and the fresh /var are partly written: ' +
  'discard both (do not boot the new deployment), fix the config or the resources it references, and run the reprovision again.';

/** Runs Ignition's stages for one staged reprovision. */
export class IgnitionStages {
  private readonly deps: IgnitionStagesDeps;

  constructor(deps: IgnitionStagesDeps) {
    this.deps = deps;
  }

  /**
   * Write `configText` as `user.ign` (0600, in a 0700 directory) and run
   * `fetch-offline`, then `fetch` only when fetch-offline created the neednet
   * flag and cached no config: the conditions of coreos/ignition
   * dracut/30ignition/ignition-fetch.service (`ConditionPathExists=/run/ignition/neednet`,
   * `ConditionPathExists=!/run/ignition.json`). Ignition 2.14's fetch-offline
   * (coreos/ignition internal/exec/engine.go `Run`,
   * internal/exec/stages/fetch_offline/fetch-offline.go) exits 0 in both
   * network cases: when the config itself needs the network (a remote
   * `merge`/`replace`) it writes the flag and no cache, so `fetch` runs; when
   * only a file's source is remote it writes the flag and the cache, so
   * `fetch` is skipped and the files stage downloads. Stale flag, cache and
   * state files and base configs from an earlier run are removed first; the
   * base configs of `baseConfigDir` are copied in.
   * @param configText - the Ignition config (JSON text; may hold secrets, never logged)
   * @param platform - the Ignition platform id (the node's `ignition.platform.id=`)
   * @throws IgnitionStageError naming the stage, with Ignition's CRITICAL lines
   */
  async fetch(configText: string, platform: string): Promise<FetchResult> {
    const { fs, workDir } = this.deps;
    const paths = ignitionWorkPaths(workDir);
    checkPlatform(platform);
    await fs.mkdirp(workDir, 0o700);
    await fs.mkdirp(paths.systemDir, 0o700);
    await fs.mkdirp(paths.fetchRoot, 0o700);
    for (const stale of [paths.needNet, paths.configCache, paths.stateFile]) await fs.remove(stale);
    await clearBaseConfigs(fs, paths.systemDir);
    const from = this.deps.baseConfigDir;
    const baseConfigs = from === undefined ? [] : await copyBaseConfigs(fs, from, paths.systemDir, platform);
    await fs.writeFileAtomic(paths.userConfig, configText, 0o600);
    await this.runFetchStage('fetch-offline', platform);
    const neededNetwork = await fs.exists(paths.needNet);
    const ranFetch = neededNetwork && !(await fs.exists(paths.configCache));
    if (ranFetch) await this.runFetchStage('fetch', platform);
    if (!(await fs.exists(paths.configCache))) {
      const stage = ranFetch ? 'fetch' : 'fetch-offline';
      throw new IgnitionStageError(stage, `Ignition stage ${stage} exited 0 but cached no config. ${FETCH_NEXT}`);
    }
    return { neededNetwork, ranFetch, baseConfigs, configCache: paths.configCache };
  }

  /**
   * Run `mount`, FCOS's /var population, `files` and `umount` with `-root
   * <root>` from the config {@link fetch} cached, while `freshVar` is
   * bind-mounted at `<root>/var`, all in one private mount and PID namespace
   * (see applyArgv): nothing is written to the live /var, no mount outlives the
   * run, and a killed run leaves no process behind.
   * @param root - the new deployment's root (absolute); `<root>/var` must exist
   * @param freshVar - the new /var (absolute directory)
   * @param platform - the Ignition platform id, as given to {@link fetch}
   * @throws IgnitionStageError naming the stage that failed, with Ignition's CRITICAL lines
   */
  async apply(root: string, freshVar: string, platform: string): Promise<void> {
    const { ignition, workDir, runner } = this.deps;
    const populateVar = this.deps.populateVar ?? true;
    const argv = applyArgv({ ignition, platform, root, freshVar, workDir, populateVar });
    try {
      await runner.run(argv, this.runOptions());
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      throw stageError(error.notFound ? 'mount' : (lastStep(error.stdout) ?? BIND_VAR), error, APPLY_NEXT);
    }
  }

  private runOptions(): RunOptions {
    const options: RunOptions = { env: ignitionEnv(this.deps.workDir, this.deps.env) };
    if (this.deps.timeoutMs !== undefined) options.timeoutMs = this.deps.timeoutMs;
    return options;
  }

  private async runFetchStage(stage: IgnitionStage, platform: string): Promise<void> {
    const { ignition, workDir, runner } = this.deps;
    const argv = ignitionArgv(ignition, stage, platform, ignitionWorkPaths(workDir).fetchRoot, workDir);
    try {
      await runner.run(argv, this.runOptions());
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      throw stageError(stage, error, FETCH_NEXT);
    }
  }
}

/**
 * The typed error of a failed stage. The ProcessError is not chained as the
 * cause: its stderr holds Ignition's `Full config:` dump, which may carry
 * secrets; only Ignition's CRITICAL/ERROR lines are kept.
 */
function stageError(stage: string, error: ProcessError, next: string): IgnitionStageError {
  const what = STEP_TEXT[stage] ?? `Ignition stage ${stage}`;
  if (error.notFound)
    return new IgnitionStageError(stage, `${what} could not start: ${error.argv[0] ?? ''} not found. ${next}`);
  const failure = ignitionFailure(`${error.stdout}\n${error.stderr}`);
  const how = error.exitCode === null ? 'was killed or timed out' : `exited with code ${error.exitCode}`;
  const said = failureText(failure, lastLines(error.stderr));
  return new IgnitionStageError(stage, `${what} failed (${how}): ${said}. ${next}`);
}

/** The last lines of a helper's stderr (mount, unshare), when Ignition said nothing; the config dump is removed first. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const cut = lines.indexOf('Full config:');
  const kept = cut === -1 ? lines : lines.slice(0, cut);
  return kept.slice(-3).join('; ') || 'no message';
}
