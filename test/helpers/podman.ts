/**
 * Rootful podman for tests and benches, configured for restricted machines
 * (tooling.md §4): runc instead of crun (hybrid cgroups), and ulimits at or
 * below the hard limit (no CAP_SYS_RESOURCE). The configuration lives in a
 * private CONTAINERS_CONF file, so nothing global is changed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecaRunner } from '../../agent/exec/execa-runner.js';
import type { RunOptions, RunResult } from '../../agent/exec/runner.js';

/** A podman command line bound to a private containers.conf. */
export interface Podman {
  /** Run `podman <args>`; throws ProcessError on a non-zero exit. */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** True when `podman image exists <ref>` says so. */
  imageExists(ref: string): Promise<boolean>;
  /** The environment every podman call gets (CONTAINERS_CONF). */
  readonly env: Record<string, string>;
}

/** Highest nofile/nproc limit a container asks for (tooling.md §4: the hard limit here is 20000). */
const ULIMIT = 20000;

/**
 * The containers.conf text: runc, cgroupfs, file event log and ulimits.
 * @param ulimit - nofile and nproc soft and hard limit for containers
 */
export function containersConf(ulimit: number = ULIMIT): string {
  return [
    '[containers]',
    `default_ulimits = ["nofile=${ulimit}:${ulimit}", "nproc=${ulimit}:${ulimit}"]`,
    '',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    '',
  ].join('\n');
}

/**
 * Why podman cannot be used here, or null when it can.
 * Checks for podman and runc on PATH.
 */
export async function podmanUnavailableReason(): Promise<string | null> {
  const runner = new ExecaRunner();
  for (const tool of ['podman', 'runc']) {
    try {
      await runner.run(['sh', '-c', `command -v ${tool}`]);
    } catch {
      return `${tool} is not installed (apt-get install -y podman runc)`;
    }
  }
  return null;
}

/**
 * Write a containers.conf into `dir` and return a podman bound to it.
 * @param dir - a private temporary directory of the caller
 */
export async function createPodman(dir: string): Promise<Podman> {
  const confPath = join(dir, 'containers.conf');
  await writeFile(confPath, containersConf());
  const env = { CONTAINERS_CONF: confPath };
  const runner = new ExecaRunner();
  const run = (args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
    runner.run(['podman', ...args], { ...options, env: { ...env, ...(options.env ?? {}) } });
  return {
    env,
    run,
    async imageExists(ref: string): Promise<boolean> {
      const result = await run(['image', 'exists', ref], { okExitCodes: [0, 1] });
      return result.exitCode === 0;
    },
  };
}
