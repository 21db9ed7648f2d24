/**
 * The node being reprovisioned: its sysroot, deployments, whether it is the
 * running system, and the checks that must pass before anything changes
 * (a stateroot /var, no filesystem mounted below /var, a writable /boot).
 */
import { join } from 'node:path';
import type { Fs } from '../common/fs/fs.js';
import { ReprovisionError } from './errors.js';
import { bootedDeployment, readDeployments, type Deployment } from './sysroot/deployments.js';
import { layoutFor, sysrootPaths, type Layout } from './sysroot/layout.js';
import { mountsBelow } from './sysroot/mounts.js';

/** What `inspectTarget` found. */
export interface Target {
  readonly layout: Layout;
  /** Default first. */
  readonly deployments: readonly Deployment[];
  /** Where the reprovision starts from: the booted deployment, else the default one. */
  readonly current: Deployment;
  /** True when the sysroot is the running system's (the switch then waits for shutdown). */
  readonly booted: boolean;
}

/**
 * Read the target at `root`.
 * @param cmdline - the running kernel's command line (/proc/cmdline)
 * @throws ReprovisionError when `root` is not an ostree system
 */
export async function inspectTarget(fs: Fs, root: string, cmdline: string): Promise<Target> {
  const paths = await sysrootPaths(fs, root);
  const deployments = await readDeployments(fs, paths);
  const booted = await bootedDeployment(fs, paths.physical, deployments, cmdline, root);
  const current = booted ?? deployments[0]!;
  const layout = layoutFor(root, paths, current.stateroot);
  if (!(await fs.exists(layout.varDir))) {
    throw new ReprovisionError(
      `the stateroot ${current.stateroot} has no /var (${layout.varDir})`,
      'The sysroot looks damaged; check `ostree admin status`. Nothing was changed',
    );
  }
  return { layout, deployments, current, booted: booted !== undefined };
}

/**
 * The checks before any change.
 * @param mountinfo - /proc/self/mountinfo
 * @throws ReprovisionError naming the problem and the fix
 */
export async function preflight(fs: Fs, target: Target, mountinfo: string): Promise<void> {
  const { layout } = target;
  const varDirs = target.booted ? [layout.varDir, join(layout.root, 'var')] : [layout.varDir];
  const submounts = mountsBelow(mountinfo, varDirs);
  if (submounts.length > 0) {
    throw new ReprovisionError(
      `filesystems are mounted below /var: ${submounts.join(', ')}; /var cannot be rotated with them in place`,
      'Unmount them (and remove them from the config that mounts them) before reprovisioning; nothing was changed',
    );
  }
  await requireWritable(fs, layout.boot);
}

/** @throws ReprovisionError when `dir` cannot be written */
async function requireWritable(fs: Fs, dir: string): Promise<void> {
  const probe = join(dir, '.ironic-coreos-agent-write-test');
  try {
    await fs.writeFileAtomic(probe, '', 0o600);
    await fs.remove(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ReprovisionError(
      `${dir} is not writable (${code}); the new config and the first-boot flag go there`,
      `Remount it read-write (\`mount -o remount,rw ${dir}\`) and run again; nothing was changed`,
      { cause: error },
    );
  }
}

/**
 * Check `--keep` paths: relative to /var, normalised, without `..`, spaces or
 * shell pattern characters (the switch script handles them as plain words).
 * @throws ReprovisionError for the first bad one
 */
export function checkKeepPaths(paths: readonly string[]): string[] {
  return paths.map((raw) => {
    const path = raw.replace(/^\/var\//, '').replace(/\/+$/, '');
    const bad =
      path === '' ||
      path.startsWith('/') ||
      path.split('/').some((part) => part === '' || part === '.' || part === '..') ||
      /[\s*?[\]'"\\$`]/.test(path) ||
      path.split('/')[0] === '.ironic-coreos-agent';
    if (bad) {
      throw new ReprovisionError(
        `--keep ${raw} is not a plain path under /var`,
        'Name a path below /var, such as lib/containers or /var/home/core; nothing was changed',
      );
    }
    return path;
  });
}

/**
 * A `--backup` directory must survive the rotation of /var: outside /var, in
 * the state directory, or under a kept path.
 * @throws ReprovisionError otherwise
 */
export function checkBackupDir(target: Target, backup: string | null | undefined, keep: readonly string[]): void {
  if (backup === null || backup === undefined) return;
  const { layout } = target;
  const vars = [layout.varDir, ...(target.booted ? [join(layout.root, 'var')] : [])];
  for (const varDir of vars) {
    if (backup !== varDir && !backup.startsWith(`${varDir}/`)) continue;
    const relative = backup.slice(varDir.length + 1);
    const safe =
      relative.startsWith('.ironic-coreos-agent/') || keep.some((k) => relative === k || relative.startsWith(`${k}/`));
    if (!safe) {
      throw new ReprovisionError(
        `--backup ${backup} is inside /var, which is moved aside at the switch`,
        'Put the backup outside /var, or also --keep the directory it is in; nothing was changed',
      );
    }
  }
}
