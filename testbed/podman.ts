/**
 * Rootful podman for tests and benches, configured for restricted machines:
 * runc instead of crun (hybrid cgroups), and ulimits at or below the hard
 * limit (no CAP_SYS_RESOURCE). The configuration is the project's
 * container/containers.conf, the file the README tells users to pass as
 * CONTAINERS_CONF, so nothing global is changed and the tests use what users do.
 */
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { RunOptions, RunResult } from '../common/exec/runner.js';

/** A podman command line bound to a private containers.conf. */
export interface Podman {
  /** Run `podman <args>`; throws ProcessError on a non-zero exit. */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** True when `podman image exists <ref>` says so. */
  imageExists(ref: string): Promise<boolean>;
  /** The environment every podman call gets (CONTAINERS_CONF). */
  readonly env: Record<string, string>;
}

/** The podman settings the README tells users to pass as CONTAINERS_CONF (runc, cgroupfs, file events, ulimits ≤ 20000). */
export const CONTAINERS_CONF_FILE = fileURLToPath(new URL('../container/containers.conf', import.meta.url));

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
 * A podman bound to container/containers.conf.
 * @param _dir - unused (callers used to pass a directory for a generated copy of the settings)
 */
export function createPodman(_dir?: string): Promise<Podman> {
  const env = { CONTAINERS_CONF: CONTAINERS_CONF_FILE };
  const runner = new ExecaRunner();
  const run = (args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
    runner.run(['podman', ...args], { ...options, env: { ...env, ...(options.env ?? {}) } });
  return Promise.resolve({
    env,
    run,
    async imageExists(ref: string): Promise<boolean> {
      const result = await run(['image', 'exists', ref], { okExitCodes: [0, 1] });
      return result.exitCode === 0;
    },
  });
}
