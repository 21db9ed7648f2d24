/**
 * The new deployment: the current deployment's commit, not the default yet,
 * with a fresh /etc from /usr/etc (`--no-merge`), every other deployment kept
 * (`--retain`), the current entry's kernel arguments, and its origin. After a
 * crash between `ostree admin deploy` and the stamp, the deployment that is
 * not in the stamp's `before` list is recognised and adopted, not made twice.
 */
import { join } from 'node:path';
import type { Fs } from '../../common/fs/fs.js';
import { ReprovisionError } from '../errors.js';
import { readDeployments, type Deployment, type SysrootPaths } from '../sysroot/deployments.js';
import type { Ostree } from '../sysroot/ostree.js';

/** What the deploy step needs. */
export interface DeployInput {
  readonly paths: SysrootPaths;
  readonly current: Deployment;
  readonly kargs: readonly string[];
  /** Deployment ids before the reprovision started. */
  readonly before: readonly string[];
}

/** The deployments that are not in `before`. */
function newOnes(deployments: readonly Deployment[], before: readonly string[]): Deployment[] {
  return deployments.filter((d) => !before.includes(d.id));
}

/**
 * Make (or find, after a crash) the new deployment.
 * @returns its id
 * @throws ReprovisionError when ostree fails or more than one unknown deployment appeared
 */
export async function deployOrAdopt(fs: Fs, ostree: Ostree, input: DeployInput): Promise<string> {
  const existing = newOnes(await readDeployments(fs, input.paths), input.before);
  if (existing.length === 0) {
    await ostree.deploy({
      stateroot: input.current.stateroot,
      checksum: input.current.checksum,
      kargs: input.kargs,
      originFile: join(
        input.paths.physical,
        'ostree/deploy',
        input.current.stateroot,
        'deploy',
        `${input.current.id}.origin`,
      ),
    });
  }
  const made = newOnes(await readDeployments(fs, input.paths), input.before);
  if (made.length !== 1) {
    throw new ReprovisionError(
      `expected one new deployment, found ${made.length} (${made.map((d) => d.id).join(', ') || 'none'})`,
      'Something else changed the deployments meanwhile; check `ostree admin status`, then rerun or roll back',
    );
  }
  if (made[0]!.index === 0) {
    throw new ReprovisionError(
      `the new deployment ${made[0]!.id} became the default before it was prepared`,
      'Run `reprovision rollback` (or `ostree admin set-default` to the previous deployment) before rebooting',
    );
  }
  return made[0]!.id;
}
